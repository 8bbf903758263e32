package org.sparsevd.nn;

/**
 * Standard (inverted) dropout with a fixed drop rate p (Srivastava et al. 2014): in training
 * each input unit of each example is kept with probability 1 - p and scaled by 1 / (1 - p);
 * at evaluation the layer is the identity. {@link Mode#SAMPLE} draws a fresh mask, which is
 * Monte-Carlo dropout (Gal and Ghahramani 2016). The mask of a row is keyed by its example id,
 * like every noise in the network.
 */
public final class BernoulliDropout implements Layer {
  private final int size;
  private final float rate;

  public BernoulliDropout(int size, double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate " + rate + " outside [0, 1)");
    }
    this.size = size;
    this.rate = (float) rate;
  }

  public float rate() { return rate; }
  @Override public int inputSize() { return size; }
  @Override public int outputSize() { return size; }
  @Override public int paramCount() { return 0; }
  @Override public String spec() { return "drop(" + rate + ")"; }
  @Override public void init(float[] params, int off, long seed, int layerIndex) {}

  @Override
  public Scratch newScratch(int maxRows) {
    return new MaskScratch(new float[maxRows * size]);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    int n = rows * size;
    if (mode == Mode.EVAL) {
      System.arraycopy(x, 0, y, 0, n);
      return;
    }
    float[] factor = ((MaskScratch) scratch).factor;
    noise.fillUniform(stream, rows, size, factor);
    float keep = 1f / (1f - rate);
    for (int k = 0; k < n; k++) {
      factor[k] = factor[k] < rate ? 0f : keep;
      y[k] = x[k] * factor[k];
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx == null) {
      return;
    }
    float[] factor = ((MaskScratch) scratch).factor;
    for (int k = 0, n = rows * size; k < n; k++) {
      dx[k] = dy[k] * factor[k];
    }
  }

  private record MaskScratch(float[] factor) implements Scratch {}
}
