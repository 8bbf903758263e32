package org.sparsevd.nn;

/**
 * Training augmentation, spec {@code flip}: each example's map is mirrored left to right with
 * probability 1/2 (torchvision's {@code RandomHorizontalFlip()}), drawn from the example's
 * noise like {@link RandomCrop}. Evaluation and Monte-Carlo samples pass the map through.
 */
public final class RandomFlip implements ShapedLayer {
  private final FeatureShape shape;

  public RandomFlip(FeatureShape shape) {
    this.shape = shape;
  }

  @Override public FeatureShape outputShape() { return shape; }
  @Override public int inputSize() { return shape.size(); }
  @Override public int outputSize() { return shape.size(); }
  @Override public int paramCount() { return 0; }
  @Override public String spec() { return "flip"; }
  @Override public void init(float[] params, int off, long seed, int layerIndex) {}
  @Override public boolean stochastic() { return false; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Identity(shape.size());
  }

  /** The forward pass's draws, which the backward pass reads: u < 1/2 mirrors the row. */
  private static final class Draws implements Scratch {
    final float[] u;

    Draws(int rows) {
      u = new float[rows];
    }
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new Draws(maxRows);
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
    noise.fillUniform(stream, rows, 1, u);
    for (int r = 0; r < rows; r++) {
      mirror(x, y, r * size, u[r] < 0.5f);
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
      // A mirror is its own adjoint.
      mirror(dy, dx, r * shape.size(), u[r] < 0.5f);
    }
  }

  /** Copies one channels-last row, its columns reversed when {@code flip}. */
  private void mirror(float[] in, float[] out, int off, boolean flip) {
    if (!flip) {
      System.arraycopy(in, off, out, off, shape.size());
      return;
    }
    int w = shape.width();
    int c = shape.channels();
    for (int i = 0; i < shape.height(); i++) {
      for (int j = 0; j < w; j++) {
        System.arraycopy(in, off + (i * w + w - 1 - j) * c, out, off + (i * w + j) * c, c);
      }
    }
  }
}
