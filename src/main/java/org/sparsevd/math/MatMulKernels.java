package org.sparsevd.math;

/**
 * One implementation of the three products behind {@link MatMul}. Arguments arrive already
 * checked; the contracts are the ones documented on {@link MatMul}.
 */
interface MatMulKernels {

  /** Short name reported by {@link MatMul#implementationName()}. */
  String name();

  /** C[m x n] (+)= A[m x k] * B[k x n]. */
  void gemm(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate);

  /** C[m x n] (+)= A^T * B with A stored k x m and B stored k x n. */
  void gemmTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate);

  /** C[m x n] (+)= A[m x k] * B^T with B stored n x k. */
  void gemmNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate);

  /**
   * C = (A1 B1^T) * (f X) + A2 B2^T, elementwise in the middle; every matrix from index 0. This
   * composition defines the result's bits.
   */
  default void gemmNTScaledPlusNT(float[] a1, float[] b1, float[] x, float f, float[] a2,
      float[] b2, float[] c, int m, int k, int n) {
    gemmNT(a1, 0, b1, 0, c, 0, m, k, n, false);
    for (int e = 0, end = m * n; e < end; e++) {
      c[e] *= f * x[e];
    }
    gemmNT(a2, 0, b2, 0, c, 0, m, k, n, true);
  }
}
