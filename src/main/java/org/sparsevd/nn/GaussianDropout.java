package org.sparsevd.nn;

/**
 * Gaussian dropout with a fixed rate (Srivastava et al. 2014; Wang and Manning 2013):
 * y = x (1 + sqrt(alpha) eps) in training, y = x at evaluation. With alpha = p / (1 - p) it
 * has the mean and variance of inverted Bernoulli dropout with drop rate p.
 */
public final class GaussianDropout extends NoiseFactorLayer {
  private final float alpha;
  private final float sqrtAlpha;

  public GaussianDropout(int size, double alpha) {
    super(size);
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("gaussian dropout alpha " + alpha + " must be >= 0");
    }
    this.alpha = (float) alpha;
    this.sqrtAlpha = (float) Math.sqrt(alpha);
  }

  /** alpha = p / (1 - p) for a Bernoulli drop rate p in [0, 1). */
  public static double alphaFromDropRate(double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException("drop rate " + p + " outside [0, 1)");
    }
    return p / (1 - p);
  }

  /** p = alpha / (1 + alpha), the inverse of {@link #alphaFromDropRate}. */
  public static double dropRateFromAlpha(double alpha) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha " + alpha + " must be finite and >= 0");
    }
    return alpha / (1 + alpha);
  }

  public float alpha() { return alpha; }
  @Override public String spec() { return "gdrop(" + dropRateFromAlpha(alpha) + ")"; }

  @Override
  void factors(Noise noise, int stream, int rows, float[] factor) {
    noise.fill(stream, rows, size, factor);
    for (int k = 0, n = rows * size; k < n; k++) {
      factor[k] = 1f + sqrtAlpha * factor[k];
    }
  }
}
