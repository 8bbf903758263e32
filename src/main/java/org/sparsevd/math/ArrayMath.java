package org.sparsevd.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise exp and log over float arrays. The per-weight terms of a step (the variance
 * alpha theta^2, the KL gradient) need a few of these for each of the 266k weights of
 * LeNet-300-100; done one {@link Math#exp} at a time they cost more than the matrix
 * products. The lanewise Vector API versions run several times faster; when the
 * {@code jdk.incubator.vector} module is absent (or {@code -Dsparsevd.kernels=scalar}), the
 * scalar loop is used, chosen once.
 */
public final class ArrayMath {
  private static final boolean VECTOR = !"scalar".equals(System.getProperty("sparsevd.kernels"));

  private ArrayMath() {}

  /**
   * dst[dOff + i] = exp(src[sOff + i]) for i in [0, n).
   *
   * @param src not modified (may be dst)
   * @param dst modified
   */
  public static void exp(float[] src, int sOff, float[] dst, int dOff, int n) {
    check(src, sOff, dst, dOff, n);
    if (VECTOR) {
      Lanewise.exp(src, sOff, dst, dOff, n);
    } else {
      for (int i = 0; i < n; i++) {
        dst[dOff + i] = (float) Math.exp(src[sOff + i]);
      }
    }
  }

  /**
   * dst[dOff + i] = ln(src[sOff + i]) for i in [0, n).
   *
   * @param src not modified (may be dst)
   * @param dst modified
   */
  public static void log(float[] src, int sOff, float[] dst, int dOff, int n) {
    check(src, sOff, dst, dOff, n);
    if (VECTOR) {
      Lanewise.log(src, sOff, dst, dOff, n);
    } else {
      for (int i = 0; i < n; i++) {
        dst[dOff + i] = (float) Math.log(src[sOff + i]);
      }
    }
  }

  private static void check(float[] src, int sOff, float[] dst, int dOff, int n) {
    if (n < 0 || sOff < 0 || dOff < 0 || sOff + n > src.length || dOff + n > dst.length) {
      throw new IllegalArgumentException("elementwise over " + n + " floats: src from " + sOff
          + " of " + src.length + ", dst from " + dOff + " of " + dst.length);
    }
  }

  /** Kept in its own class so that the scalar path never loads the vector classes. */
  private static final class Lanewise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    // One method per operator: the intrinsic needs the operator as a compile-time constant.
    static void exp(float[] src, int sOff, float[] dst, int dOff, int n) {
      int i = 0;
      for (int bound = S.loopBound(n); i < bound; i += S.length()) {
        FloatVector.fromArray(S, src, sOff + i).lanewise(VectorOperators.EXP)
            .intoArray(dst, dOff + i);
      }
      for (; i < n; i++) {
        dst[dOff + i] = FloatVector.broadcast(S, src[sOff + i]).lanewise(VectorOperators.EXP)
            .lane(0);
      }
    }

    static void log(float[] src, int sOff, float[] dst, int dOff, int n) {
      int i = 0;
      for (int bound = S.loopBound(n); i < bound; i += S.length()) {
        FloatVector.fromArray(S, src, sOff + i).lanewise(VectorOperators.LOG)
            .intoArray(dst, dOff + i);
      }
      for (; i < n; i++) {
        dst[dOff + i] = FloatVector.broadcast(S, src[sOff + i]).lanewise(VectorOperators.LOG)
            .lane(0);
      }
    }
  }
}
