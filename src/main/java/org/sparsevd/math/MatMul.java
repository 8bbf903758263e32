package org.sparsevd.math;

/** Placeholder scalar kernels with the final signatures. */
public final class MatMul {
  private MatMul() {}

  public static String implementationName() { return "scalar-placeholder"; }

  public static void gemm(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                          int m, int k, int n, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      if (!accumulate) java.util.Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
      for (int p = 0; p < k; p++) {
        float av = a[aOff + i * k + p];
        if (av == 0f) continue;
        for (int j = 0; j < n; j++) c[cOff + i * n + j] += av * b[bOff + p * n + j];
      }
    }
  }

  public static void gemmTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                            int m, int k, int n, boolean accumulate) {
    if (!accumulate) java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
    for (int p = 0; p < k; p++) {
      for (int i = 0; i < m; i++) {
        float av = a[aOff + p * m + i];
        if (av == 0f) continue;
        for (int j = 0; j < n; j++) c[cOff + i * n + j] += av * b[bOff + p * n + j];
      }
    }
  }

  public static void gemmNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                            int m, int k, int n, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = 0f;
        for (int p = 0; p < k; p++) s += a[aOff + i * k + p] * b[bOff + j * k + p];
        c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + s : s;
      }
    }
  }
}
