package org.sparsevd.nn;

import java.util.Arrays;
import org.sparsevd.math.ArrayMath;
import org.sparsevd.math.MatMul;

/**
 * A plain dense layer y = x theta + b, the deterministic baseline. Layout from the offset:
 * theta[in x out] row-major, then bias[out].
 *
 * <p>As the core of a convolution ({@link Conv2d}) each example is {@code positions} rows of
 * patches: the same weights apply to every row.
 */
public final class Dense implements Layer {
  private final int in;
  private final int out;
  private final int positions;
  private final WeightInit init;

  public Dense(int in, int out, float initStd) {
    this(in, out, 1, WeightInit.normal(initStd));
  }

  Dense(int in, int out, int positions, WeightInit init) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("dense layer " + in + " -> " + out + ": sizes must be > 0");
    }
    this.in = in;
    this.out = out;
    this.positions = positions;
    this.init = init;
  }

  @Override public int inputSize() { return in; }
  @Override public int outputSize() { return out; }
  @Override public int paramCount() { return in * out + out; }
  @Override public String spec() { return "dense(" + out + init.specOption() + ")"; }
  @Override public boolean stochastic() { return false; }
  @Override public Scratch newScratch(int maxRows) { return Scratch.NONE; }

  @Override
  public EvalForm.Linear evalForm(float[] params, int off) {
    return new EvalForm.Linear(in, out, Arrays.copyOfRange(params, off, off + in * out),
        Arrays.copyOfRange(params, off + in * out, off + in * out + out));
  }

  @Override
  public void setWeights(float[] params, int off, float[] w) {
    System.arraycopy(w, 0, params, off, in * out);
  }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    init.fill(params, off, in * out, seed, layerIndex);
    Arrays.fill(params, off + in * out, off + in * out + out, 0f);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    affine(params, off, in, out, x, y, rows * positions);
  }

  /** y[rows x out] = x W + b, with W[in x out] then b[out] at {@code params[woff, ..)}. */
  static void affine(float[] params, int woff, int in, int out, float[] x, float[] y, int rows) {
    MatMul.gemm(x, 0, params, woff, y, 0, rows, in, out, false);
    int b = woff + in * out;
    ArrayMath.addBias(y, rows, params, b, out);
  }

  /** Adds the gradients of {@link #affine}'s W and b for the output gradient {@code dy}. */
  static void affineGradient(float[] x, float[] dy, int woff, int in, int out, float[] grad,
                             int rows) {
    MatMul.gemmTN(x, 0, dy, 0, grad, woff, in, rows, out, true);
    int b = woff + in * out;
    ArrayMath.addColumnSums(dy, rows, out, grad, b);
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    rows *= positions;
    affineGradient(x, dy, off, in, out, grad, rows);
    if (dx != null) {
      MatMul.gemmNT(dy, 0, params, off, dx, 0, rows, out, in, false);
    }
  }
}
