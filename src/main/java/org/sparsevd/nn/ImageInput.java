package org.sparsevd.nn;

/**
 * Declares that the flat input rows are images of the given shape, channels-last; it opens a
 * network that starts with convolutions: {@code image(28, 28, 1) | vdconv(20, 5) | ...}. The
 * values pass through unchanged.
 */
public final class ImageInput implements ShapedLayer {
  private final FeatureShape shape;

  public ImageInput(FeatureShape shape) {
    this.shape = shape;
  }

  @Override public FeatureShape outputShape() { return shape; }
  @Override public int inputSize() { return shape.size(); }
  @Override public int outputSize() { return shape.size(); }
  @Override public int paramCount() { return 0; }

  @Override
  public String spec() {
    return "image(" + shape.height() + ", " + shape.width() + ", " + shape.channels() + ")";
  }

  @Override public void init(float[] params, int off, long seed, int layerIndex) {}
  @Override public Scratch newScratch(int maxRows) { return Scratch.NONE; }
  @Override public boolean stochastic() { return false; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Identity(shape.size());
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    System.arraycopy(x, 0, y, 0, rows * shape.size());
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx != null) {
      System.arraycopy(dy, 0, dx, 0, rows * shape.size());
    }
  }
}
