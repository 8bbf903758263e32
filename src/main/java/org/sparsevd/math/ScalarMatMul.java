package org.sparsevd.math;

import java.util.Arrays;

/**
 * Plain Java loops: the fallback when {@code jdk.incubator.vector} is unavailable and the
 * reference the vector implementation is tested against. Every element of C receives its
 * terms in increasing order of the summation index p.
 */
final class ScalarMatMul implements MatMulKernels {

  @Override
  public String name() {
    return "scalar";
  }

  /** i-k-j order: the innermost loop walks a row of B and a row of C contiguously. */
  @Override
  public void gemm(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * n;
      if (!accumulate) {
        Arrays.fill(c, ci, ci + n, 0f);
      }
      for (int p = 0; p < k; p++) {
        float aip = a[aOff + i * k + p];
        if (aip == 0f) {
          continue;
        }
        int bp = bOff + p * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += aip * b[bp + j];
        }
      }
    }
  }

  /** p-i-j order: row p of A (a column of A^T) pairs with row p of B. */
  @Override
  public void gemmTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    if (!accumulate) {
      Arrays.fill(c, cOff, cOff + m * n, 0f);
    }
    for (int p = 0; p < k; p++) {
      int bp = bOff + p * n;
      for (int i = 0; i < m; i++) {
        float api = a[aOff + p * m + i];
        if (api == 0f) {
          continue;
        }
        int ci = cOff + i * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += api * b[bp + j];
        }
      }
    }
  }

  /** i-j-p order: each element of C is a dot product of a row of A and a row of B. */
  @Override
  public void gemmNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * k;
      for (int j = 0; j < n; j++) {
        int bj = bOff + j * k;
        float sum = 0f;
        for (int p = 0; p < k; p++) {
          sum += a[ai + p] * b[bj + p];
        }
        int cij = cOff + i * n + j;
        c[cij] = accumulate ? c[cij] + sum : sum;
      }
    }
  }
}
