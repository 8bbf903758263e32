package org.sparsevd.nn;

/**
 * A parameter-free layer y = x f with a random factor f per value: drawn in training and in
 * Monte-Carlo sampling from the noise of the layer's stream, 1 at evaluation (the identity).
 * Subclasses say how the factors are drawn.
 */
abstract class NoiseFactorLayer implements Layer {
  final int size;

  NoiseFactorLayer(int size) {
    this.size = size;
  }

  /** Writes the factors of {@code rows x size} values into {@code factor}. */
  abstract void factors(Noise noise, int stream, int rows, float[] factor);

  @Override public int inputSize() { return size; }
  @Override public int outputSize() { return size; }
  @Override public int paramCount() { return 0; }
  @Override public void init(float[] params, int off, long seed, int layerIndex) {}
  @Override public boolean stochastic() { return true; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Identity(size);
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new FactorScratch(new float[maxRows * size]);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    int n = rows * size;
    if (mode == Mode.EVAL) {
      System.arraycopy(x, 0, y, 0, n);
      return;
    }
    float[] factor = ((FactorScratch) scratch).factor;
    factors(noise, stream, rows, factor);
    for (int k = 0; k < n; k++) {
      y[k] = x[k] * factor[k];
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx == null) {
      return;
    }
    float[] factor = ((FactorScratch) scratch).factor;
    for (int k = 0, n = rows * size; k < n; k++) {
      dx[k] = dy[k] * factor[k];
    }
  }

  private record FactorScratch(float[] factor) implements Scratch {}
}
