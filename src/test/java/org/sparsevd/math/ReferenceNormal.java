package org.sparsevd.math;

/**
 * The standard normal distribution to double precision, by methods independent of {@link
 * Normal}'s fit: erf by its everywhere-positive Taylor series below 3, erfc by its continued
 * fraction above, and the quantile by bisection refined with Newton steps. Slow; for oracles.
 */
public final class ReferenceNormal {
  private ReferenceNormal() {}

  public static double pdf(double x) {
    return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }

  /** P(X <= x). */
  public static double cdf(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  public static double erfc(double z) {
    if (z < 0) {
      return 2 - erfc(-z);
    }
    if (z < 3) {
      // erf z = 2/sqrt(pi) e^(-z^2) sum (2 z^2)^n z / (2n + 1)!!, all terms positive.
      double term = z;
      double sum = z;
      for (int n = 1; n < 200 && term > 1e-18 * sum; n++) {
        term *= 2 * z * z / (2 * n + 1);
        sum += term;
      }
      return 1 - 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
    }
    // erfc z = e^(-z^2) / sqrt(pi) / (z + (1/2) / (z + 1 / (z + (3/2) / (z + ...)))).
    double f = z;
    for (int k = 200; k >= 1; k--) {
      f = z + k / 2.0 / f;
    }
    return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }

  /** x with P(X <= x) = p. */
  public static double inverseCdf(double p) {
    double lo = -40;
    double hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
      double mid = 0.5 * (lo + hi);
      if (cdf(mid) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double x = 0.5 * (lo + hi);
    for (int i = 0; i < 3; i++) {
      x -= (cdf(x) - p) / pdf(x);
    }
    return x;
  }
}
