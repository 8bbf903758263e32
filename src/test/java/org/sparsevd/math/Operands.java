package org.sparsevd.math;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Test operands: a matrix placed at an offset inside a larger array whose padding holds NaN
 * (for inputs, so that a stray read poisons the result) or a sentinel (for outputs, so that a
 * stray write is caught), plus the references computed in double precision.
 */
final class Operands {

  static final float SENTINEL = 12345.5f;

  /** Which product; stored shapes of A and B for C[m x n]. */
  enum Op {
    NN, TN, NT;

    int aLength(int m, int k) {
      return m * k;
    }

    int bLength(int k, int n) {
      return k * n;
    }

    double aAt(float[] a, int off, int m, int k, int i, int p) {
      return this == TN ? a[off + p * m + i] : a[off + i * k + p];
    }

    double bAt(float[] b, int off, int k, int n, int p, int j) {
      return this == NT ? b[off + j * k + p] : b[off + p * n + j];
    }

    void run(MatMulKernels impl, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
        int m, int k, int n, boolean accumulate) {
      switch (this) {
        case NN -> impl.gemm(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        case TN -> impl.gemmTN(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        case NT -> impl.gemmNT(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
        default -> throw new IllegalStateException(name());
      }
    }
  }

  private Operands() {
  }

  /**
   * Array of off + len + 7 floats: values in [-1, 1) at [off, off + len), each zero with
   * probability zeroFraction, and {@code pad} everywhere else.
   */
  static float[] padded(SplittableRandom rnd, int off, int len, double zeroFraction,
      float pad) {
    float[] x = new float[off + len + 7];
    Arrays.fill(x, pad);
    for (int i = off; i < off + len; i++) {
      x[i] = rnd.nextDouble() < zeroFraction ? 0f : (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }

  /**
   * Array of off + len + 7 floats: at [off, off + len), two runs of {@code run} zeros (one in
   * four of them -0) after each run of {@code run} values in [-1, 1); NaN everywhere else.
   */
  static float[] zeroRuns(SplittableRandom rnd, int off, int len, int run) {
    float[] x = padded(rnd, off, len, 0, Float.NaN);
    for (int i = 0; i < len; i++) {
      if (i / run % 3 != 0) {
        x[off + i] = i % 4 == 0 ? -0f : 0f;
      }
    }
    return x;
  }

  /** Exact-enough product sum_p A[i][p] * B[p][j] (for the op's layouts) in double. */
  static double[] product(Op op, float[] a, int aOff, float[] b, int bOff, int m, int k,
      int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          sum += op.aAt(a, aOff, m, k, i, p) * op.bAt(b, bOff, k, n, p, j);
        }
        c[i * n + j] = sum;
      }
    }
    return c;
  }

  /** sum_p |A[i][p] * B[p][j]|: the scale that rounding errors are measured against. */
  static double[] absProduct(Op op, float[] a, int aOff, float[] b, int bOff, int m, int k,
      int n) {
    double[] c = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          sum += Math.abs(op.aAt(a, aOff, m, k, i, p) * op.bAt(b, bOff, k, n, p, j));
        }
        c[i * n + j] = sum;
      }
    }
    return c;
  }
}
