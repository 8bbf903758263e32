package org.sparsevd.rand;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.sparsevd.math.ArrayMath;

/**
 * {@link CounterRng#gaussians} for whole groups of blocks: Philox with one block per 32-bit
 * lane, its 32 x 32 -> 64-bit products from 16-bit halves, the words turned into uniforms one by
 * one, then Box-Muller over arrays with {@link ArrayMath}'s log and sine and cosine. Every
 * operation gives the scalar one's bits lane by lane, so the normals are bitwise those of the
 * scalar code; only vector-path code loads this class. Vectors never cross a method boundary
 * here (a vector passed to or returned from a call the compiler does not inline is boxed), and
 * only the preferred shape is used: a second shape of FloatVector makes the vector library's
 * own call sites polymorphic, and every vector loop of the engine then runs boxed, ten times
 * slower.
 *
 * <p>Why 32-bit lanes: a product of two 64-bit lanes has no instruction below AVX-512 and runs
 * as a sequence of several; four 32-bit products of 16-bit halves fill twice the lanes. The
 * 288,000 blocks of 1.15 million normals took 2.2-2.5 ms so on a 256-bit Zen 3 core, against
 * 4.9 ms in 64-bit lanes.
 *
 * <p>Layout: block j's words (w0, w1, w2, w3) give the normals {@code out[off + 4 j + 2 t]} =
 * r cos and {@code out[off + 4 j + 2 t + 1]} = r sin of pair t: radius from w(2t), angle from
 * w(2t + 1). The words of pair t of block j sit at {@code t * blocks + j}.
 */
final class GaussianLanes {
  private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
  private static final int LANES = IS.length();
  private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
  /** Lane numbers 0, 1, ...: addIndex runs boxed on this JDK, a load from an array does not. */
  private static final int[] IOTA = java.util.stream.IntStream.range(0, LANES).toArray();
  /** The halves of the multipliers: a 16 x 16-bit product fits a 32-bit lane unsigned. */
  private static final int M0_LO = CounterRng.M0 & 0xFFFF;
  private static final int M0_HI = CounterRng.M0 >>> 16;
  private static final int M1_LO = CounterRng.M1 & 0xFFFF;
  private static final int M1_HI = CounterRng.M1 >>> 16;

  /**
   * This thread's buffers: the layers fill one example at a time, and six new arrays a call
   * (184 KB for an example of conv1) cost about as much as the draws.
   */
  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private GaussianLanes() {}

  /** Words, radii, angles, sines and cosines of up to {@code radiusWords.length} pairs. */
  private static final class Buffers {
    int[] radiusWords = new int[0];
    int[] angleWords = new int[0];
    float[] radius = new float[0];
    float[] angle = new float[0];
    float[] sin = new float[0];
    float[] cos = new float[0];

    Buffers ensure(int size) {
      if (radiusWords.length < size) {
        radiusWords = new int[size];
        angleWords = new int[size];
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
    int[] radiusWords = buffers.radiusWords;
    int[] angleWords = buffers.angleWords;
    IntVector iota = IntVector.fromArray(IS, IOTA, 0);
    for (int b = 0; b < blocks; b += LANES) {
      IntVector c0 = iota.add(b);
      IntVector c1 = IntVector.broadcast(IS, stream);
      IntVector c2 = IntVector.broadcast(IS, (int) example);
      IntVector c3 = IntVector.broadcast(IS, (int) step);
      int k0 = (int) seed;
      int k1 = (int) (seed >>> 32);
      for (int round = 0; round < 10; round++) {
        // hi(c M) = hh + (hl + (ll >>> 16)) >>> 16 + (lh + ((hl + (ll >>> 16)) & 0xFFFF)) >>> 16
        // over the halves of c and M (Hacker's Delight's mulhu): no sum leaves 32 bits unsigned.
        IntVector lo = c0.and(0xFFFF);
        IntVector hi = c0.lanewise(VectorOperators.LSHR, 16);
        IntVector mid = hi.mul(M0_LO).add(lo.mul(M0_LO).lanewise(VectorOperators.LSHR, 16));
        IntVector hi0 = hi.mul(M0_HI).add(mid.lanewise(VectorOperators.LSHR, 16))
            .add(lo.mul(M0_HI).add(mid.and(0xFFFF)).lanewise(VectorOperators.LSHR, 16));
        lo = c2.and(0xFFFF);
        hi = c2.lanewise(VectorOperators.LSHR, 16);
        mid = hi.mul(M1_LO).add(lo.mul(M1_LO).lanewise(VectorOperators.LSHR, 16));
        IntVector hi2 = hi.mul(M1_HI).add(mid.lanewise(VectorOperators.LSHR, 16))
            .add(lo.mul(M1_HI).add(mid.and(0xFFFF)).lanewise(VectorOperators.LSHR, 16));
        IntVector n0 = hi2.lanewise(VectorOperators.XOR, c1).lanewise(VectorOperators.XOR, k0);
        IntVector n2 = hi0.lanewise(VectorOperators.XOR, c3).lanewise(VectorOperators.XOR, k1);
        c1 = c2.mul(CounterRng.M1);
        c3 = c0.mul(CounterRng.M0);
        c0 = n0;
        c2 = n2;
        k0 += CounterRng.W0;
        k1 += CounterRng.W1;
      }
      c0.intoArray(radiusWords, b);
      c2.intoArray(radiusWords, blocks + b);
      c1.intoArray(angleWords, b);
      c3.intoArray(angleWords, blocks + b);
    }
    // As openUniform and halfOpenUniform: the radius word to (0, 1) in double, then float; the
    // angle word's top 24 bits, exact in float.
    float[] radius = buffers.radius;
    float[] angle = buffers.angle;
    for (int u = 0; u < 2 * blocks; u++) {
      radius[u] = (float) (((radiusWords[u] & 0xFFFFFFFFL) + 0.5) * CounterRng.INV_2_32);
      angle[u] = (float) (angleWords[u] >>> 8) * 0x1.0p-24f;
    }
    ArrayMath.log(radius, 0, radius, 0, 2 * blocks);
    float[] sin = buffers.sin;
    float[] cos = buffers.cos;
    ArrayMath.sinCos2Pi(angle, 0, sin, cos, 2 * blocks);
    // r = sqrt(-2 ln u) in float lanes (a float square root is the double one rounded to
    // float), times the cosine and sine in place; then the pairs interleave into out. 2 blocks
    // is a whole number of float vectors, a float vector having as many lanes as an int one.
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
