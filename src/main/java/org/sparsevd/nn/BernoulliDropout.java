package org.sparsevd.nn;

/**
 * Standard (inverted) dropout with a fixed drop rate p (Srivastava et al. 2014): in training
 * each input unit of each example is kept with probability 1 - p and scaled by 1 / (1 - p);
 * at evaluation the layer is the identity. {@link Mode#SAMPLE} draws a fresh mask, which is
 * Monte-Carlo dropout (Gal and Ghahramani 2016). The mask of a row is keyed by its example id,
 * like every noise in the network.
 */
public final class BernoulliDropout extends NoiseFactorLayer {
  private final float rate;

  public BernoulliDropout(int size, double rate) {
    super(size);
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate " + rate + " outside [0, 1)");
    }
    this.rate = (float) rate;
  }

  public float rate() { return rate; }
  @Override public String spec() { return "drop(" + rate + ")"; }

  @Override
  void factors(Noise noise, int stream, int rows, float[] factor) {
    noise.fillUniform(stream, rows, size, factor);
    float keep = 1f / (1f - rate);
    for (int k = 0, n = rows * size; k < n; k++) {
      factor[k] = factor[k] < rate ? 0f : keep;
    }
  }
}
