package org.sparsevd.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link FastMath}'s exp and log lane by lane, for vectors of any shape: the same IEEE
 * operations in the same order, so each lane is bitwise the scalar result. Only code that
 * already chose the vector path ({@link MatMul#isVectorized}) loads this class.
 */
public final class VectorMath {
  private VectorMath() {}

  /** e^x of each lane, as {@link FastMath#exp}. */
  public static FloatVector exp(FloatVector v) {
    FloatVector x = v.max(FastMath.EXP_MIN).min(FastMath.EXP_MAX);
    FloatVector t = x.fma(FastMath.LOG2E, FastMath.SHIFTER);
    FloatVector negN = t.sub(FastMath.SHIFTER).neg();
    FloatVector r = negN.fma(x.broadcast(FastMath.LN2_HI), x);
    r = negN.fma(x.broadcast(FastMath.LN2_LO), r);
    FloatVector p = x.broadcast(FastMath.EXP_C[0]);
    for (int c = 1; c < FastMath.EXP_C.length; c++) {
      p = p.fma(r, x.broadcast(FastMath.EXP_C[c]));
    }
    FloatVector one = x.broadcast(1f);
    p = p.fma(r, one).fma(r, one);
    IntVector k = ((IntVector) t.reinterpretAsInts()).sub(FastMath.SHIFTER_BITS);
    FloatVector scale = (FloatVector) k.add(127).lanewise(VectorOperators.LSHL, 23)
        .reinterpretAsFloats();
    return p.mul(scale);
  }

  /** ln x of each lane, as {@link FastMath#log}. */
  public static FloatVector log(FloatVector x) {
    IntVector bits = (IntVector) x.reinterpretAsInts();
    FloatVector e = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(127)
        .convert(VectorOperators.I2F, 0);
    FloatVector m = (FloatVector) bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
    VectorMask<Float> big = m.compare(VectorOperators.GT, FastMath.SQRT2);
    m = m.blend(m.mul(0.5f), big);
    e = e.blend(e.add(1f), big);
    FloatVector f = m.sub(1f);
    FloatVector s = f.div(f.add(2f));
    FloatVector z = s.mul(s);
    FloatVector q = x.broadcast(FastMath.LOG_C[0]);
    for (int c = 1; c < FastMath.LOG_C.length; c++) {
      q = q.fma(z, x.broadcast(FastMath.LOG_C[c]));
    }
    FloatVector logM = s.mul(z).fma(q, s.mul(2f));
    return e.fma(x.broadcast(FastMath.LN2_HI), e.fma(x.broadcast(FastMath.LN2_LO), logM));
  }

  /**
   * sin and cos of 2 pi v into {@code sinCos[0]} and {@code sinCos[1]}, as {@link
   * FastMath#sinCos2Pi}, given v in [0, 1) and {@code quarter} = Math.round(4 v) of each lane.
   */
  public static void sinCos2Pi(FloatVector v, IntVector quarter, FloatVector[] sinCos) {
    FloatVector x = v.sub(((FloatVector) quarter.convert(VectorOperators.I2F, 0)).mul(0.25f))
        .mul(FastMath.TWO_PI);
    FloatVector z = x.mul(x);
    FloatVector s = z.fma(FastMath.SIN_C[0], FastMath.SIN_C[1]);
    for (int i = 2; i < FastMath.SIN_C.length; i++) {
      s = z.fma(s, z.broadcast(FastMath.SIN_C[i]));
    }
    s = x.mul(z).fma(s, x);
    FloatVector c = z.fma(FastMath.COS_C[0], FastMath.COS_C[1]);
    for (int i = 2; i < FastMath.COS_C.length; i++) {
      c = z.fma(c, z.broadcast(FastMath.COS_C[i]));
    }
    // Quarter turns: an odd one gives (c, -s), the second and third negate both.
    VectorMask<Float> odd = quarter.and(1).compare(VectorOperators.NE, 0).cast(v.species());
    VectorMask<Float> half = quarter.and(2).compare(VectorOperators.NE, 0).cast(v.species());
    FloatVector sin = s.blend(c, odd);
    FloatVector cos = c.blend(s.neg(), odd);
    sinCos[0] = sin.blend(sin.neg(), half);
    sinCos[1] = cos.blend(cos.neg(), half);
  }
}
