package org.sparsevd.rand;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.sparsevd.math.VectorMath;

/**
 * {@link CounterRng#gaussians} for whole groups of blocks, one block per lane: Philox on the
 * four counter words held in 64-bit lanes (its 32 x 32 -> 64-bit products), then Box-Muller
 * with {@link VectorMath}'s log, sine and cosine and the float square root. Every operation is the scalar one lane by lane (the square root of a float is
 * correctly rounded in float and in double, so either rounds to the same float), so the
 * normals are bitwise those of the scalar code; only vector-path code loads this class.
 *
 * <p>Layout: lane l of a group holds block {@code b + l}, whose four words give the normals
 * at {@code out[off + 4 (b + l) + t]}, t = 0..3: (w0, w1) the first pair, (w2, w3) the second.
 */
final class GaussianLanes {
  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> FS =
      VectorSpecies.of(float.class, VectorShape.forBitSize(LS.vectorBitSize() / 2));
  private static final VectorSpecies<Integer> IS =
      VectorSpecies.of(int.class, VectorShape.forBitSize(LS.vectorBitSize() / 2));
  private static final int LANES = LS.length();
  private static final long WORD = 0xFFFFFFFFL;
  /** Lane l stores to {@code 4 l}: one of the four normals of each block. */
  private static final int[] STRIDE_FOUR = new int[LANES];

  static {
    for (int l = 0; l < LANES; l++) {
      STRIDE_FOUR[l] = 4 * l;
    }
  }

  private GaussianLanes() {}

  /** Fills the normals of the whole groups of blocks in {@code out[off, off + n)}; returns how many. */
  static int fill(long seed, long step, long example, int stream, float[] out, int off, int n) {
    int blocks = n / 4 / LANES * LANES;
    LongVector iota = (LongVector) LongVector.zero(LS).addIndex(1);
    LongVector c1In = LongVector.broadcast(LS, stream & WORD);
    LongVector c2In = LongVector.broadcast(LS, example & WORD);
    LongVector c3In = LongVector.broadcast(LS, step & WORD);
    for (int b = 0; b < blocks; b += LANES) {
      LongVector c0 = iota.add(b);
      LongVector c1 = c1In;
      LongVector c2 = c2In;
      LongVector c3 = c3In;
      long k0 = seed & WORD;
      long k1 = seed >>> 32;
      for (int round = 0; round < 10; round++) {
        LongVector p0 = c0.mul(CounterRng.M0 & WORD);
        LongVector p1 = c2.mul(CounterRng.M1 & WORD);
        LongVector n0 = p1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1)
            .lanewise(VectorOperators.XOR, k0);
        LongVector n2 = p0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3)
            .lanewise(VectorOperators.XOR, k1);
        c1 = p1.and(WORD);
        c3 = p0.and(WORD);
        c0 = n0;
        c2 = n2;
        k0 = (k0 + CounterRng.W0) & WORD;
        k1 = (k1 + CounterRng.W1) & WORD;
      }
      int at = off + 4 * b;
      boxMuller(c0, c1, out, at);
      boxMuller(c2, c3, out, at + 2);
    }
    return 4 * blocks;
  }

  /** r cos(2 pi v) to {@code out[at + 4 l]} and r sin(2 pi v) to {@code out[at + 4 l + 1]}. */
  private static void boxMuller(LongVector radiusWord, LongVector angleWord, float[] out, int at) {
    FloatVector u = (FloatVector) ((DoubleVector) radiusWord.convert(VectorOperators.L2D, 0))
        .add(0.5).mul(CounterRng.INV_2_32).convertShape(VectorOperators.D2F, FS, 0);
    FloatVector r = VectorMath.log(u).mul(-2f).sqrt();
    LongVector top = angleWord.lanewise(VectorOperators.LSHR, 8);
    FloatVector v = (FloatVector) top.convertShape(VectorOperators.L2F, FS, 0);
    v = v.mul(0x1.0p-24f);
    // Math.round(4 v) for v = top 2^-24: (top + 2^21) >> 22, exactly.
    IntVector quarter = (IntVector) top.add(1L << 21).lanewise(VectorOperators.LSHR, 22)
        .convertShape(VectorOperators.L2I, IS, 0);
    FloatVector[] sinCos = new FloatVector[2];
    VectorMath.sinCos2Pi(v, quarter, sinCos);
    r.mul(sinCos[1]).intoArray(out, at, STRIDE_FOUR, 0);
    r.mul(sinCos[0]).intoArray(out, at + 1, STRIDE_FOUR, 0);
  }
}
