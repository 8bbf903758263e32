package org.sparsevd.nn;

/**
 * The second variational parameter of each weight next to its mean theta.
 *
 * <p>Molchanov et al. (2017) show that learning log sigma^2 directly ("additive
 * reparameterisation") removes the large-variance gradient that log alpha receives through
 * theta, which is what makes high alphas, and so high sparsity, reachable.
 */
public enum Parameterization {
  /** log alpha = log sigma^2 - log theta^2; the default. */
  LOG_SIGMA2,
  /** log alpha learned directly (Kingma et al. 2015). */
  LOG_ALPHA;

  /** Parses {@code log_sigma2} or {@code log_alpha}, case-insensitive. */
  public static Parameterization parse(String s) {
    for (Parameterization p : values()) {
      if (p.name().equalsIgnoreCase(s.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "parameterisation '" + s + "': expected log_sigma2 or log_alpha");
  }
}
