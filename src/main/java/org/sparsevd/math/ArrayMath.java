package org.sparsevd.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise {@link FastMath#exp} and {@link FastMath#log} over float arrays. The per-weight
 * terms of a training step (the variance alpha theta^2, the KL gradient) need a few of these
 * for each of the 266k weights of LeNet-300-100; one call at a time they cost more than the
 * matrix products. The vector versions do the same operations as {@link FastMath} lane by
 * lane, so their results are bitwise equal to the scalar ones; the implementation follows
 * {@link MatMul}'s choice, made once.
 */
public final class ArrayMath {
  private static final boolean VECTOR = MatMul.isVectorized();

  private ArrayMath() {}

  /**
   * dst[dOff + i] = exp(src[sOff + i]) for i in [0, n).
   *
   * @param src not modified (may be dst)
   * @param dst modified
   */
  public static void exp(float[] src, int sOff, float[] dst, int dOff, int n) {
    check(src, sOff, dst, dOff, n);
    int i = VECTOR ? Lanes.exp(src, sOff, dst, dOff, n) : 0;
    for (; i < n; i++) {
      dst[dOff + i] = FastMath.exp(src[sOff + i]);
    }
  }

  /**
   * dst[dOff + i] = ln(src[sOff + i]) for i in [0, n), for positive normal floats.
   *
   * @param src not modified (may be dst)
   * @param dst modified
   */
  public static void log(float[] src, int sOff, float[] dst, int dOff, int n) {
    check(src, sOff, dst, dOff, n);
    int i = VECTOR ? Lanes.log(src, sOff, dst, dOff, n) : 0;
    for (; i < n; i++) {
      dst[dOff + i] = FastMath.log(src[sOff + i]);
    }
  }

  /**
   * y[yOff + i] = fma(a, x[xOff + i], y[yOff + i]) for i in [0, n): one fused multiply-add
   * per element on both paths, so they agree bitwise.
   *
   * @param x not modified
   * @param y modified
   */
  public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
    check(x, xOff, y, yOff, n);
    int i = VECTOR ? Lanes.axpy(a, x, xOff, y, yOff, n) : 0;
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
    }
  }

  private static void check(float[] src, int sOff, float[] dst, int dOff, int n) {
    if (n < 0 || sOff < 0 || dOff < 0 || sOff + n > src.length || dOff + n > dst.length) {
      throw new IllegalArgumentException("elementwise over " + n + " floats: src from " + sOff
          + " of " + src.length + ", dst from " + dOff + " of " + dst.length);
    }
  }

  /**
   * The vector bodies over the largest multiple of the lane count; they return where they
   * stopped and the scalar loop does the tail. Kept in their own class so that the scalar path
   * never loads the incubator module's classes.
   */
  private static final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    static int exp(float[] src, int sOff, float[] dst, int dOff, int n) {
      int i = 0;
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        VectorMath.exp(FloatVector.fromArray(F, src, sOff + i)).intoArray(dst, dOff + i);
      }
      return i;
    }

    static int log(float[] src, int sOff, float[] dst, int dOff, int n) {
      int i = 0;
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        VectorMath.log(FloatVector.fromArray(F, src, sOff + i)).intoArray(dst, dOff + i);
      }
      return i;
    }

    static int axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
      int i = 0;
      FloatVector av = FloatVector.broadcast(F, a);
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        av.fma(FloatVector.fromArray(F, x, xOff + i), FloatVector.fromArray(F, y, yOff + i))
            .intoArray(y, yOff + i);
      }
      return i;
    }
  }
}
