package org.sparsevd.math;

/**
 * exp, log and sin/cos of 2 pi v in float, built only from IEEE additions, multiplications,
 * fused multiply-adds, divisions and bit operations. That makes every result a pure function
 * of the input, bitwise equal on every JVM, CPU and JIT state, and equal to the lanes of the
 * vector versions in {@link ArrayMath}, which perform the same operations in the same order.
 * ({@link Math#exp} and the Vector API's lanewise EXP may differ in the last bit between the
 * interpreter, compiled code and SVML, which would break bit-identical reruns.) Accuracy is
 * within a few ulp of the correctly rounded result.
 */
public final class FastMath {
  static final float LOG2E = 1.44269504f;
  static final float LN2_HI = 0.693145751953125f;
  static final float LN2_LO = 1.42860677e-6f;
  /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer. */
  static final float SHIFTER = 12582912f;
  static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
  /** exp is evaluated on [EXP_MIN, EXP_MAX], where 2^n stays a normal float. */
  static final float EXP_MIN = -87f;
  static final float EXP_MAX = 88f;
  /** Taylor coefficients of e^r, r in [-ln2/2, ln2/2]: 1/7!, 1/6!, ..., 1/2!. */
  static final float[] EXP_C = {1.98412698e-4f, 1.38888889e-3f, 8.33333333e-3f,
      4.16666667e-2f, 1.66666667e-1f, 0.5f};
  static final float SQRT2 = 1.41421356f;
  /** 2 atanh(s) = 2s + s z (2/3 + z (2/5 + z (2/7 + z 2/9))), z = s^2, |s| <= 0.172. */
  static final float[] LOG_C = {2f / 9, 2f / 7, 2f / 5, 2f / 3};
  static final float TWO_PI = (float) (2 * Math.PI);
  /** Taylor coefficients of sin x / x - 1 in z = x^2, highest first, for |x| <= pi/4. */
  static final float[] SIN_C = {-2.50521084e-8f, 2.75573192e-6f, -1.98412698e-4f,
      8.33333333e-3f, -1.66666667e-1f};
  /** Taylor coefficients of cos x in z = x^2, highest first. */
  static final float[] COS_C = {2.08767570e-9f, -2.75573192e-7f, 2.48015873e-5f,
      -1.38888889e-3f, 4.16666667e-2f, -0.5f, 1f};

  private FastMath() {}

  /** e^x; inputs below -87 give e^-87, above 88 give e^88, NaN gives NaN. */
  public static float exp(float x) {
    x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
    float t = Math.fma(x, LOG2E, SHIFTER);
    float n = t - SHIFTER;
    float r = Math.fma(-n, LN2_HI, x);
    r = Math.fma(-n, LN2_LO, r);
    float p = EXP_C[0];
    for (int i = 1; i < EXP_C.length; i++) {
      p = Math.fma(p, r, EXP_C[i]);
    }
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    int k = Float.floatToRawIntBits(t) - SHIFTER_BITS;
    return p * Float.intBitsToFloat((k + 127) << 23);
  }

  /** 1 / (1 + e^-x), from {@link #exp}: the same bits on every machine. */
  public static float sigmoid(float x) {
    return 1f / (1f + exp(-x));
  }

  /** ln x for positive normal floats (>= 2^-126); other inputs give unspecified values. */
  public static float log(float x) {
    int bits = Float.floatToRawIntBits(x);
    float e = (bits >>> 23) - 127;
    float m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f800000);
    if (m > SQRT2) {
      m *= 0.5f;
      e += 1f;
    }
    float f = m - 1f;
    float s = f / (2f + f);
    float z = s * s;
    float q = LOG_C[0];
    for (int i = 1; i < LOG_C.length; i++) {
      q = Math.fma(q, z, LOG_C[i]);
    }
    float logM = Math.fma(s * z, q, 2f * s);
    return Math.fma(e, LN2_HI, Math.fma(e, LN2_LO, logM));
  }

  /**
   * Writes sin(2 pi v) to {@code out[off]} and cos(2 pi v) to {@code out[off + 1]}, for v in
   * [0, 1): the angle is reduced to [-pi/4, pi/4] by quarter turns, where the Taylor series
   * to degree 11 and 12 are exact to float precision.
   */
  public static void sinCos2Pi(float v, float[] out, int off) {
    float quarter = Math.round(v * 4f);
    float x = TWO_PI * (v - quarter * 0.25f);
    float z = x * x;
    float s = Math.fma(z, SIN_C[0], SIN_C[1]);
    for (int i = 2; i < SIN_C.length; i++) {
      s = Math.fma(z, s, SIN_C[i]);
    }
    s = Math.fma(x * z, s, x);
    float c = Math.fma(z, COS_C[0], COS_C[1]);
    for (int i = 2; i < COS_C.length; i++) {
      c = Math.fma(z, c, COS_C[i]);
    }
    switch (((int) quarter) & 3) {
      case 0 -> { out[off] = s; out[off + 1] = c; }
      case 1 -> { out[off] = c; out[off + 1] = -s; }
      case 2 -> { out[off] = -s; out[off + 1] = -c; }
      default -> { out[off] = -c; out[off + 1] = s; }
    }
  }
}
