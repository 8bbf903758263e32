package org.sparsevd.nn;

/**
 * The KL divergence from the log-uniform prior to N(theta, alpha theta^2), as approximated by
 * Molchanov, Ashukha and Vetrov (2017), eq. 14:
 *
 * <pre>-KL ~= k1 sigmoid(k2 + k3 log alpha) - 0.5 log(1 + 1/alpha) - k1</pre>
 *
 * It depends on log alpha only, is positive, and falls to 0 as alpha grows: that is what
 * pushes weights to large alphas unless the data needs them.
 */
public final class SparseVdKl {
  public static final double K1 = 0.63576;
  public static final double K2 = 1.87320;
  public static final double K3 = 1.48695;

  private SparseVdKl() {}

  /** KL of one weight (>= 0). */
  public static double kl(double logAlpha) {
    return K1 - K1 * sigmoid(K2 + K3 * logAlpha) + 0.5 * softplus(-logAlpha);
  }

  /** d KL / d log alpha (< 0). */
  public static double dKlDLogAlpha(double logAlpha) {
    double s = sigmoid(K2 + K3 * logAlpha);
    return -K1 * K3 * s * (1 - s) - 0.5 * sigmoid(-logAlpha);
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** log(1 + e^z) without overflow. */
  static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }
}
