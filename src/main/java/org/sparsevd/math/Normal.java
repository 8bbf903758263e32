package org.sparsevd.math;

/**
 * The standard normal distribution in double: density, distribution function and its tails,
 * the inverse, and the scaled complementary error function, for the truncated log-normal noise
 * of structured Bayesian pruning. Only {@link StrictMath} and IEEE arithmetic, so every result
 * is bitwise equal on every JVM and JIT state.
 *
 * <p>erfc is the Chebyshev fit of Press et al., Numerical Recipes (2nd ed., section 6.2),
 * fractional error below 1.2e-7 everywhere, written as erfc(z) = e^(-z^2) erfcx(z) so that the
 * tails keep their relative accuracy far past where e^(-z^2) underflows. The inverse starts from
 * Abramowitz and Stegun 26.2.23 (absolute error below 4.5e-4) and takes two Halley steps on
 * {@link #cdf}, so cdf(inverseCdf(p)) = p to the fit's accuracy.
 */
public final class Normal {
  private static final double SQRT2 = 1.4142135623730951;
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  private Normal() {}

  /** The density at x. */
  public static double pdf(double x) {
    return INV_SQRT_2PI * StrictMath.exp(-0.5 * x * x);
  }

  /** P(X <= x). */
  public static double cdf(double x) {
    return 0.5 * erfc(-x / SQRT2);
  }

  /** P(X > x), accurate relative to itself in the upper tail. */
  public static double upperTail(double x) {
    return 0.5 * erfc(x / SQRT2);
  }

  /** e^c P(X > y), finite where e^c overflows and the tail underflows but the product does not. */
  public static double expTimesUpperTail(double c, double y) {
    if (y >= 0) {
      return 0.5 * erfcxAbove0(y / SQRT2) * StrictMath.exp(c - 0.5 * y * y);
    }
    return StrictMath.exp(c) * upperTail(y);
  }

  /** The complementary error function. */
  public static double erfc(double z) {
    double a = Math.abs(z);
    double tail = erfcxAbove0(a) * StrictMath.exp(-a * a);
    return z >= 0 ? tail : 2 - tail;
  }

  /** erfc(z) e^(z^2), for z >= 0. */
  private static double erfcxAbove0(double z) {
    double t = 1 / (1 + 0.5 * z);
    double poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    return t * StrictMath.exp(poly);
  }

  /**
   * x with P(X <= x) = p. Pass the smaller of p and 1 - p computed directly (and negate) for
   * accuracy near 1: {@code -inverseCdf(q)} is the x with P(X > x) = q.
   *
   * @param p in (0, 1)
   */
  public static double inverseCdf(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("normal quantile of " + p + ": must be in (0, 1)");
    }
    if (p > 0.5) {
      return -lowerQuantile(1 - p);
    }
    return lowerQuantile(p);
  }

  /** x <= 0 with P(X <= x) = q, q in (0, 0.5]. */
  private static double lowerQuantile(double q) {
    double s = Math.sqrt(-2 * StrictMath.log(q));
    double x = -(s - (2.515517 + s * (0.802853 + s * 0.010328))
        / (1 + s * (1.432788 + s * (0.189269 + s * 0.001308))));
    for (int step = 0; step < 2; step++) {
      // Halley: e = (cdf - q) / pdf, and cdf'' / cdf' = -x.
      double e = (cdf(x) - q) / pdf(x);
      x -= e / (1 + 0.5 * x * e);
    }
    return x;
  }
}
