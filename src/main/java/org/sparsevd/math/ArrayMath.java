package org.sparsevd.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise kernels over float arrays: {@link FastMath#exp}, {@link FastMath#log}, sine and
 * cosine, axpy and ReLU's selection. The per-weight terms of a training step (the variance
 * alpha theta^2, the KL gradient) need a few of these for each of the 266k weights of
 * LeNet-300-100; one call at a time they cost more than the matrix products. The vector versions do the same operations as {@link FastMath} lane by
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

  /**
   * dst[i] = g[i] where x[i] > 0, else 0, for i in [0, n): a selection, so both paths agree
   * bitwise, with no branch on the data (ReLU's backward pass, half of whose signs a branch
   * would mispredict).
   *
   * @param x not modified
   * @param g not modified
   * @param dst modified (may be g)
   */
  public static void wherePositive(float[] x, float[] g, float[] dst, int n) {
    check(x, 0, dst, 0, n);
    check(g, 0, dst, 0, n);
    int i = VECTOR ? Lanes.wherePositive(x, g, dst, n) : 0;
    for (; i < n; i++) {
      dst[i] = x[i] > 0f ? g[i] : 0f;
    }
  }

  /**
   * dst[i] = 0 where ref[i] == 0, for i in [from, to): a mask given by another array's zeros
   * (the per-weight passes of convolutions, at most a few tens of thousands of weights).
   *
   * @param ref not modified
   * @param dst modified
   */
  public static void zeroWhereZero(float[] ref, float[] dst, int from, int to) {
    check(ref, from, dst, from, to - from);
    for (int i = from; i < to; i++) {
      if (ref[i] == 0f) {
        dst[i] = 0f;
      }
    }
  }

  /**
   * y[r * cols + j] += bias[bOff + j] for r in [0, rows), j in [0, cols): one add per element on
   * both paths. The vector path walks y flat, adding the bias repeated over a whole number of
   * rows and vectors (lcm(cols, lanes) floats), so a narrow layer (20 filters) fills its lanes.
   *
   * @param bias not modified
   * @param y modified
   */
  public static void addBias(float[] y, int rows, float[] bias, int bOff, int cols) {
    check(bias, bOff, bias, bOff, cols);
    check(y, 0, y, 0, rows * cols);
    int i = VECTOR ? Lanes.addBias(y, rows, bias, bOff, cols) : 0;
    for (int n = rows * cols; i < n; i++) {
      y[i] += bias[bOff + i % cols];
    }
  }

  /**
   * g[gOff + j] += dy[r * cols + j] for r = 0, 1, ... in order, for j in [0, cols): a bias's
   * gradient. Each column is summed in row order on both paths, so they agree bitwise.
   *
   * @param dy not modified
   * @param g modified
   */
  public static void addColumnSums(float[] dy, int rows, int cols, float[] g, int gOff) {
    check(dy, 0, dy, 0, rows * cols);
    check(g, gOff, g, gOff, cols);
    int j = VECTOR ? Lanes.addColumnSums(dy, rows, cols, g, gOff) : 0;
    // The other columns row after row, so their sums advance side by side, not one long chain
    // of dependent adds per column (a convolution's 57,600 rows).
    for (int r = 0; r < rows; r++) {
      for (int c = j, o = r * cols; c < cols; c++) {
        g[gOff + c] += dy[o + c];
      }
    }
  }

  /**
   * nonzero[j] = whether any x[r * cols + j], r in [0, rows), is nonzero (a NaN is, a -0 is
   * not), for j in [0, cols): the inputs a dense layer's batch uses.
   *
   * @param x not modified
   * @param nonzero modified in [0, cols)
   */
  public static void nonzeroColumns(float[] x, int rows, int cols, boolean[] nonzero) {
    check(x, 0, x, 0, rows * cols);
    if (nonzero.length < cols) {
      throw new IllegalArgumentException(cols + " columns, " + nonzero.length + " flags");
    }
    int j = VECTOR ? Lanes.nonzeroColumns(x, rows, cols, nonzero) : 0;
    java.util.Arrays.fill(nonzero, j, cols, false);
    for (int r = 0; r < rows; r++) {
      for (int c = j, o = r * cols; c < cols; c++) {
        nonzero[c] |= x[o + c] != 0f;
      }
    }
  }

  /**
   * sin[i] = sin(2 pi v[vOff + i]) and cos[i] = cos(2 pi v[vOff + i]) for i in [0, n), for v in
   * [0, 1), as {@link FastMath#sinCos2Pi}.
   *
   * @param v not modified
   * @param sin modified from 0
   * @param cos modified from 0
   */
  public static void sinCos2Pi(float[] v, int vOff, float[] sin, float[] cos, int n) {
    check(v, vOff, sin, 0, n);
    check(v, vOff, cos, 0, n);
    int i = VECTOR ? Lanes.sinCos2Pi(v, vOff, sin, cos, n) : 0;
    float[] sc = new float[2];
    for (; i < n; i++) {
      FastMath.sinCos2Pi(v[vOff + i], sc, 0);
      sin[i] = sc[0];
      cos[i] = sc[1];
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
        FloatVector x = FloatVector.fromArray(F, src, sOff + i)
            .max(FastMath.EXP_MIN).min(FastMath.EXP_MAX);
        FloatVector t = x.fma(FastMath.LOG2E, FastMath.SHIFTER);
        FloatVector negN = t.sub(FastMath.SHIFTER).neg();
        FloatVector r = negN.fma(bc(FastMath.LN2_HI), x);
        r = negN.fma(bc(FastMath.LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, FastMath.EXP_C[0]);
        for (int c = 1; c < FastMath.EXP_C.length; c++) {
          p = p.fma(r, FloatVector.broadcast(F, FastMath.EXP_C[c]));
        }
        p = p.fma(r, bc(1f)).fma(r, bc(1f));
        IntVector k = ((IntVector) t.reinterpretAsInts()).sub(FastMath.SHIFTER_BITS);
        FloatVector scale = (FloatVector) k.add(127).lanewise(VectorOperators.LSHL, 23)
            .reinterpretAsFloats();
        p.mul(scale).intoArray(dst, dOff + i);
      }
      return i;
    }

    static int log(float[] src, int sOff, float[] dst, int dOff, int n) {
      int i = 0;
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        IntVector bits = (IntVector) FloatVector.fromArray(F, src, sOff + i).reinterpretAsInts();
        // The exponent as a float through the shifter's bits: I2F runs boxed on this JDK.
        FloatVector e = ((FloatVector) bits.lanewise(VectorOperators.LSHR, 23)
            .add(FastMath.SHIFTER_BITS - 127).reinterpretAsFloats()).sub(FastMath.SHIFTER);
        FloatVector m = (FloatVector) bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        VectorMask<Float> big = m.compare(VectorOperators.GT, FastMath.SQRT2);
        m = m.blend(m.mul(0.5f), big);
        e = e.blend(e.add(1f), big);
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector q = FloatVector.broadcast(F, FastMath.LOG_C[0]);
        for (int c = 1; c < FastMath.LOG_C.length; c++) {
          q = q.fma(z, FloatVector.broadcast(F, FastMath.LOG_C[c]));
        }
        FloatVector logM = s.mul(z).fma(q, s.mul(2f));
        e.fma(bc(FastMath.LN2_HI), e.fma(bc(FastMath.LN2_LO), logM)).intoArray(dst, dOff + i);
      }
      return i;
    }

    /**
     * The quarter turn q = Math.round(4 v) exactly: 4 v is exact, adding and subtracting the
     * shifter rounds it to the nearest integer (ties to even) exactly, and the remainder is
     * exact, so q is that integer plus one when the remainder is a half.
     */
    static int sinCos2Pi(float[] v, int vOff, float[] sin, float[] cos, int n) {
      int i = 0;
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        FloatVector vv = FloatVector.fromArray(F, v, vOff + i);
        // Math.round(4 v) without a conversion (on this JDK, F2I and I2F leave the vector
        // intrinsics for a boxed fallback): the shifter rounds to nearest even, and a tie
        // rounded down is moved up, as Math.round rounds it.
        FloatVector four = vv.mul(4f);
        FloatVector nearest = four.add(FastMath.SHIFTER).sub(FastMath.SHIFTER);
        FloatVector quarter = nearest.blend(nearest.add(1f),
            four.sub(nearest).compare(VectorOperators.GE, 0.5f));
        IntVector turns = (IntVector) quarter.add(FastMath.SHIFTER).reinterpretAsInts();
        FloatVector x = vv.sub(quarter.mul(0.25f)).mul(FastMath.TWO_PI);
        FloatVector z = x.mul(x);
        FloatVector sp = z.fma(FastMath.SIN_C[0], FastMath.SIN_C[1]);
        for (int c = 2; c < FastMath.SIN_C.length; c++) {
          sp = z.fma(sp, bc(FastMath.SIN_C[c]));
        }
        sp = x.mul(z).fma(sp, x);
        FloatVector cp = z.fma(FastMath.COS_C[0], FastMath.COS_C[1]);
        for (int c = 2; c < FastMath.COS_C.length; c++) {
          cp = z.fma(cp, bc(FastMath.COS_C[c]));
        }
        // An odd quarter turn gives (c, -s); the second and third negate both: the sign bit
        // of a half turn, xor-ed on the bits (masks stay integer, as a cast to a float mask
        // also runs boxed).
        IntVector s = (IntVector) sp.reinterpretAsInts();
        IntVector c = (IntVector) cp.reinterpretAsInts();
        VectorMask<Integer> odd = turns.and(1).compare(VectorOperators.NE, 0);
        IntVector half = turns.and(2).lanewise(VectorOperators.LSHL, 30);
        ((FloatVector) s.blend(c, odd).lanewise(VectorOperators.XOR, half)
            .reinterpretAsFloats()).intoArray(sin, i);
        ((FloatVector) c.blend(s.lanewise(VectorOperators.XOR, Integer.MIN_VALUE), odd)
            .lanewise(VectorOperators.XOR, half).reinterpretAsFloats()).intoArray(cos, i);
      }
      return i;
    }

    static int wherePositive(float[] x, float[] g, float[] dst, int n) {
      int i = 0;
      FloatVector zero = FloatVector.zero(F);
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        VectorMask<Float> on = FloatVector.fromArray(F, x, i).compare(VectorOperators.GT, 0f);
        zero.blend(FloatVector.fromArray(F, g, i), on).intoArray(dst, i);
      }
      return i;
    }

    static int addBias(float[] y, int rows, float[] bias, int bOff, int cols) {
      int period = cols / gcd(cols, F.length()) * F.length();
      float[] pattern = new float[period];
      for (int i = 0; i < period; i++) {
        pattern[i] = bias[bOff + i % cols];
      }
      int n = rows * cols;
      int i = 0;
      for (; i + period <= n; i += period) {
        for (int q = 0; q < period; q += F.length()) {
          FloatVector.fromArray(F, y, i + q).add(FloatVector.fromArray(F, pattern, q))
              .intoArray(y, i + q);
        }
      }
      return i;
    }

    static int addColumnSums(float[] dy, int rows, int cols, float[] g, int gOff) {
      int j = 0;
      for (int bound = F.loopBound(cols); j < bound; j += F.length()) {
        FloatVector sum = FloatVector.fromArray(F, g, gOff + j);
        for (int r = 0; r < rows; r++) {
          sum = sum.add(FloatVector.fromArray(F, dy, r * cols + j));
        }
        sum.intoArray(g, gOff + j);
      }
      return j;
    }

    /** The largest |x| of each column, row after row (a NaN stays), then whether it is 0. */
    static int nonzeroColumns(float[] x, int rows, int cols, boolean[] nonzero) {
      int bound = F.loopBound(cols);
      float[] max = new float[bound];
      for (int r = 0; r < rows; r++) {
        for (int j = 0, o = r * cols; j < bound; j += F.length()) {
          FloatVector.fromArray(F, x, o + j).abs().max(FloatVector.fromArray(F, max, j))
              .intoArray(max, j);
        }
      }
      for (int j = 0; j < bound; j++) {
        nonzero[j] = max[j] != 0f;
      }
      return bound;
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }

    static int axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
      int i = 0;
      FloatVector av = bc(a);
      for (int bound = F.loopBound(n); i < bound; i += F.length()) {
        av.fma(FloatVector.fromArray(F, x, xOff + i), FloatVector.fromArray(F, y, yOff + i))
            .intoArray(y, yOff + i);
      }
      return i;
    }

    private static FloatVector bc(float v) {
      return FloatVector.broadcast(F, v);
    }
  }
}
