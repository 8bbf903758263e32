package org.sparsevd.rand;

import org.sparsevd.math.FastMath;
import org.sparsevd.math.MatMul;

/**
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011): a keyed bijection on 128-bit counters, so any random number is computed directly
 * from its coordinates with no sequential state.
 *
 * <p>Coordinates: the 64-bit seed is the key; the counter words are (block, stream, example,
 * step). Each block yields four 32-bit words, which {@link #gaussians} turns into four
 * standard normals by the Box-Muller transform. Its log, sin and cos come from {@link
 * FastMath}, plain IEEE arithmetic, so the normals are bitwise equal on every JVM and CPU,
 * which a distributed run relies on.
 */
public final class CounterRng {
  /** Stream ids below this are free for layers; the ones at and above are reserved. */
  public static final int FIRST_RESERVED_STREAM = 1 << 20;
  /** Stream of weight initialisation. */
  public static final int STREAM_INIT = FIRST_RESERVED_STREAM;
  /** Stream of the per-epoch example permutation. */
  public static final int STREAM_SHUFFLE = FIRST_RESERVED_STREAM + 1;
  /** Stream of the random distortions of generated examples. */
  public static final int STREAM_DISTORT = FIRST_RESERVED_STREAM + 2;

  static final int M0 = 0xD2511F53;
  static final int M1 = 0xCD9E8D57;
  static final int W0 = 0x9E3779B9;
  static final int W1 = 0xBB67AE85;
  static final double INV_2_32 = 1.0 / 4294967296.0;
  /** Whole groups of blocks go through the vector lanes, when the kernels are vectorised. */
  private static final boolean VECTOR = MatMul.isVectorized();

  private CounterRng() {}

  /**
   * Computes one Philox4x32-10 block.
   *
   * @param out receives the four words; modified
   */
  public static void block(long seed, int c0, int c1, int c2, int c3, int[] out) {
    int k0 = (int) seed;
    int k1 = (int) (seed >>> 32);
    for (int round = 0; round < 10; round++) {
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      c1 = (int) p1;
      c3 = (int) p0;
      c0 = n0;
      c2 = n2;
      k0 += W0;
      k1 += W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }

  /**
   * Fills {@code out[off, off + n)} with standard normals for the given coordinates. Value i
   * depends only on (seed, step, example, stream, i), not on n or on who asks.
   *
   * @param out modified
   */
  public static void gaussians(long seed, long step, long example, int stream,
                               float[] out, int off, int n) {
    checkCoordinates(step, example);
    int[] w = new int[4];
    float[] sc = new float[2];
    int done = VECTOR ? GaussianLanes.fill(seed, step, example, stream, out, off, n) : 0;
    for (int i = done; i < n; i += 4) {
      block(seed, i >>> 2, stream, (int) example, (int) step, w);
      int left = Math.min(4, n - i);
      for (int pair = 0; pair < left; pair += 2) {
        float r = (float) Math.sqrt(-2f * FastMath.log(openUniform(w[pair])));
        FastMath.sinCos2Pi(halfOpenUniform(w[pair + 1]), sc, 0);
        out[off + i + pair] = r * sc[1];
        if (pair + 1 < left) {
          out[off + i + pair + 1] = r * sc[0];
        }
      }
    }
  }

  /**
   * Fills {@code out[off, off + n)} with uniforms in the open interval (0, 1), 23 bits each
   * plus half a step, so that log u and log(1 - u) are both finite. Value i depends only on
   * (seed, step, example, stream, i).
   *
   * @param out modified
   */
  public static void uniforms(long seed, long step, long example, int stream,
                              float[] out, int off, int n) {
    checkCoordinates(step, example);
    int[] w = new int[4];
    for (int i = 0; i < n; i += 4) {
      block(seed, i >>> 2, stream, (int) example, (int) step, w);
      for (int k = 0, left = Math.min(4, n - i); k < left; k++) {
        out[off + i + k] = ((w[k] >>> 9) + 0.5f) * 0x1.0p-23f;
      }
    }
  }

  /** A uniform double in [0, 1) at the given coordinates (word {@code i}). */
  public static double uniform(long seed, long step, long example, int stream, int i) {
    checkCoordinates(step, example);
    int[] w = new int[4];
    block(seed, i >>> 2, stream, (int) example, (int) step, w);
    return (w[i & 3] & 0xFFFFFFFFL) * INV_2_32;
  }

  /**
   * A permutation of [0, n) as a function of (seed, epoch) only: Fisher-Yates with uniform
   * draws from the shuffle stream.
   */
  public static int[] permutation(long seed, long epoch, int n) {
    return permutation(seed, epoch, n, 0);
  }

  /**
   * Permutation {@code which} of [0, n) for (seed, epoch): independent permutations of one
   * epoch, e.g. of its blocks and of the rows within each; {@code which} 0 is {@link
   * #permutation(long, long, int)}.
   */
  public static int[] permutation(long seed, long epoch, int n, long which) {
    checkCoordinates(epoch, which);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    int[] w = new int[4];
    for (int i = n - 1; i > 0; i--) {
      int word = n - 1 - i;
      if ((word & 3) == 0) {
        block(seed, word >>> 2, STREAM_SHUFFLE, (int) which, (int) epoch, w);
      }
      // Multiply-shift maps a 32-bit word onto [0, i] without division.
      int j = (int) (((w[word & 3] & 0xFFFFFFFFL) * (i + 1L)) >>> 32);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return perm;
  }

  /** Maps a 32-bit word to (0, 1] in float: never 0, so the logarithm stays finite. */
  private static float openUniform(int word) {
    return (float) (((word & 0xFFFFFFFFL) + 0.5) * INV_2_32);
  }

  /** Maps a 32-bit word to [0, 1) in float (24 bits, so 1 is never reached by rounding). */
  private static float halfOpenUniform(int word) {
    return (word >>> 8) * 0x1.0p-24f;
  }

  private static void checkCoordinates(long step, long example) {
    if (step < 0 || step > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("step " + step + " outside [0, 2^32)");
    }
    if (example < 0 || example > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("example " + example + " outside [0, 2^32)");
    }
  }
}
