package org.sparsevd.nn;

/**
 * y = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) in double with StrictMath (no
 * overflow, the same bits on every JVM); dx = dy sigmoid(x).
 */
public final class Softplus extends StatelessLayer {
  public Softplus(int size) {
    super(size);
  }

  @Override public String spec() { return "softplus"; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Softplus(size);
  }

  /** softplus(x) in double. */
  public static double of(double x) {
    return Math.max(x, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    for (int k = 0, n = rows * size; k < n; k++) {
      y[k] = (float) of(x[k]);
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx == null) {
      return;
    }
    for (int k = 0, n = rows * size; k < n; k++) {
      dx[k] = (float) (dy[k] / (1 + StrictMath.exp(-(double) x[k])));
    }
  }
}
