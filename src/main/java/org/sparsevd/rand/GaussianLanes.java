package org.sparsevd.rand;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sparsevd.math.ArrayMath;

/**
 * {@link CounterRng#gaussians} for whole groups of blocks: Philox with one block per 64-bit lane
 * (its 32 x 32 -> 64-bit products), the words turned into uniforms in the same lanes, then
 * Box-Muller over arrays with {@link ArrayMath}'s log and sine and cosine. Every operation is the
 * scalar one lane by lane, so the normals are bitwise those of the scalar code; only vector-path
 * code loads this class. Vectors never cross a method boundary here (a vector passed to or
 * returned from a call the compiler does not inline is boxed), and only the preferred shape is
 * used: a second shape of FloatVector makes the vector library's own call sites polymorphic,
 * and every vector loop of the engine then runs boxed, ten times slower.
 *
 * <p>Layout: block j's words (w0, w1, w2, w3) give the normals {@code out[off + 4 j + 2 t]} =
 * r cos and {@code out[off + 4 j + 2 t + 1]} = r sin of pair t: radius from w(2t), angle from
 * w(2t + 1). Uniforms of pair t of block j sit at {@code t * blocks + j}.
 */
final class GaussianLanes {
  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
  private static final int LANES = LS.length();
  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  private static final long WORD = 0xFFFFFFFFL;
  /** Lane numbers 0, 1, ...: addIndex runs boxed on this JDK, a load from an array does not. */
  private static final long[] IOTA = java.util.stream.LongStream.range(0, LANES).toArray();
  /** 2^52 and its bits: a word w or-ed into them is the double 2^52 + w (L2D runs boxed). */
  private static final double TWO_52 = 0x1.0p52;
  private static final long TWO_52_BITS = Double.doubleToRawLongBits(TWO_52);

  /**
   * This thread's buffers: the layers fill one example at a time, and six new arrays a call
   * (184 KB for an example of conv1) cost about as much as the draws.
   */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private GaussianLanes() {}

  /** Uniforms, radii, angles, sines and cosines of up to {@code wide.length} pairs. */
  private static final class Buffers {
    double[] wide = new double[0];
    double[] top = new double[0];
    float[] radius = new float[0];
    float[] angle = new float[0];
    float[] sin = new float[0];
    float[] cos = new float[0];

    Buffers ensure(int size) {
      if (wide.length < size) {
        wide = new double[size];
        top = new double[size];
        radius = new float[size];
        angle = new float[size];
        sin = new float[size];
        cos = new float[size];
      }
      return this;
    }
  }

  /** Fills the normals of whole groups of blocks in {@code out[off, off + n)}; returns how many. */
  static int fill(long seed, long step, long example, int stream, float[] out, int off, int n) {
    int blocks = n / 4 / LANES * LANES;
    if (blocks == 0) {
      return 0;
    }
    Buffers buffers = BUFFERS.get().ensure(2 * blocks);
    double[] wide = buffers.wide;
    double[] top = buffers.top;
    float[] radius = buffers.radius;
    float[] angle = buffers.angle;
    LongVector iota = LongVector.fromArray(LS, IOTA, 0);
    for (int b = 0; b < blocks; b += LANES) {
      LongVector c0 = iota.add(b);
      LongVector c1 = LongVector.broadcast(LS, stream & WORD);
      LongVector c2 = LongVector.broadcast(LS, example & WORD);
      LongVector c3 = LongVector.broadcast(LS, step & WORD);
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
      // Radius words to (0, 1) in double, as openUniform; the angle words' top 24 bits. A
      // word below 2^32 is exactly (2^52 + w) - 2^52 in double.
      ((DoubleVector) c0.or(TWO_52_BITS).reinterpretAsDoubles()).sub(TWO_52).add(0.5)
          .mul(CounterRng.INV_2_32).intoArray(wide, b);
      ((DoubleVector) c2.or(TWO_52_BITS).reinterpretAsDoubles()).sub(TWO_52).add(0.5)
          .mul(CounterRng.INV_2_32).intoArray(wide, blocks + b);
      ((DoubleVector) c1.lanewise(VectorOperators.LSHR, 8).or(TWO_52_BITS).reinterpretAsDoubles())
          .sub(TWO_52).intoArray(top, b);
      ((DoubleVector) c3.lanewise(VectorOperators.LSHR, 8).or(TWO_52_BITS).reinterpretAsDoubles())
          .sub(TWO_52).intoArray(top, blocks + b);
    }
    // To float as openUniform and halfOpenUniform round them (both conversions are exact for
    // the angle's 24 bits).
    for (int u = 0; u < 2 * blocks; u++) {
      radius[u] = (float) wide[u];
      angle[u] = (float) top[u] * 0x1.0p-24f;
    }
    ArrayMath.log(radius, 0, radius, 0, 2 * blocks);
    float[] sin = buffers.sin;
    float[] cos = buffers.cos;
    ArrayMath.sinCos2Pi(angle, 0, sin, cos, 2 * blocks);
    // r = sqrt(-2 ln u) in float lanes (a float square root is the double one rounded to
    // float), times the cosine and sine in place; then the pairs interleave into out. 2 blocks
    // is a whole number of float vectors, a float vector having twice the long lanes.
    for (int u = 0; u < 2 * blocks; u += FS.length()) {
      FloatVector r = FloatVector.fromArray(FS, radius, u).mul(-2f).sqrt();
      r.mul(FloatVector.fromArray(FS, cos, u)).intoArray(cos, u);
      r.mul(FloatVector.fromArray(FS, sin, u)).intoArray(sin, u);
    }
    for (int t = 0; t < 2; t++) {
      for (int j = 0, u = t * blocks; j < blocks; j++, u++) {
        out[off + 4 * j + 2 * t] = cos[u];
        out[off + 4 * j + 2 * t + 1] = sin[u];
      }
    }
    return 4 * blocks;
  }
}
