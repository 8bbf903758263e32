package org.sparsevd.nn;

/**
 * A training augmentation of images ({@link RandomCrop}, {@link RandomFlip}): each example's map
 * is transformed by draws from the example's uniform noise, so an example is transformed the
 * same way whichever partition computes it, and differently at each step (each epoch).
 * Evaluation and Monte-Carlo samples pass the map through. The transform is linear in the map;
 * the backward pass applies its adjoint with the forward pass's draws.
 */
abstract class Augmentation implements ShapedLayer {
  final FeatureShape shape;

  Augmentation(FeatureShape shape) {
    this.shape = shape;
  }

  /** Uniform draws in (0, 1) per example. */
  abstract int draws();

  /** Writes the transform of one row: {@code in[off, off + size)} to {@code out}, same offsets. */
  abstract void apply(float[] u, int uOff, float[] in, float[] out, int off);

  /** The adjoint of {@link #apply} with the same draws. */
  abstract void adjoint(float[] u, int uOff, float[] in, float[] out, int off);

  @Override public FeatureShape outputShape() { return shape; }
  @Override public int inputSize() { return shape.size(); }
  @Override public int outputSize() { return shape.size(); }
  @Override public int paramCount() { return 0; }
  @Override public void init(float[] params, int off, long seed, int layerIndex) {}
  @Override public boolean stochastic() { return false; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Identity(shape.size());
  }

  /** The forward pass's draws, [rows x draws()], which the backward pass reads. */
  private static final class Draws implements Scratch {
    final float[] u;

    Draws(int n) {
      u = new float[n];
    }
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new Draws(maxRows * draws());
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    int size = shape.size();
    if (mode != Mode.TRAIN) {
      System.arraycopy(x, 0, y, 0, rows * size);
      return;
    }
    float[] u = ((Draws) scratch).u;
    noise.fillUniform(stream, rows, draws(), u);
    for (int r = 0; r < rows; r++) {
      apply(u, r * draws(), x, y, r * size);
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx == null) {
      return;
    }
    float[] u = ((Draws) scratch).u;
    for (int r = 0; r < rows; r++) {
      adjoint(u, r * draws(), dy, dx, r * shape.size());
    }
  }
}
