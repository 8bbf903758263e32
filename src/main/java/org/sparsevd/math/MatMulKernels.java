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
}
