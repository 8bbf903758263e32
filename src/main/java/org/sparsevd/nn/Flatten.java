package org.sparsevd.nn;

/**
 * Ends a run of feature-map layers: the values stay where they are (a channels-last map is
 * already a row of h * w * c values) and the layers after it see a flat vector, so a dense layer
 * may follow. A dense layer directly after a feature map is refused, as in most frameworks, so
 * that the reshape is visible in the spec.
 */
public final class Flatten extends StatelessLayer {
  public Flatten(int size) {
    super(size);
  }

  @Override public String spec() { return "flatten"; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Identity(size);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    System.arraycopy(x, 0, y, 0, rows * size);
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx != null) {
      System.arraycopy(dy, 0, dx, 0, rows * size);
    }
  }
}
