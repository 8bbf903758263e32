package org.sparsevd.nn;

import org.sparsevd.math.ArrayMath;

/** y = max(0, x); dx = dy where y > 0. */
public final class Relu extends StatelessLayer {
  public Relu(int size) {
    super(size);
  }

  @Override public String spec() { return "relu"; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Relu(size);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    for (int k = 0, n = rows * size; k < n; k++) {
      y[k] = Math.max(0f, x[k]);
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    if (dx == null) {
      return;
    }
    ArrayMath.wherePositive(x, dy, dx, rows * size);
  }
}
