package org.sparsevd.nn;

import org.sparsevd.rand.CounterRng;

/**
 * Standard normal noise for the rows of a batch, keyed by each row's global example index so
 * that an example sees the same noise whichever partition or thread computes it.
 */
public final class Noise {
  /** Steps from here up to 2^32 draw the noise of prediction samples ({@link #forSample}). */
  static final long FIRST_SAMPLE_STEP = 1L << 31;
  private final long seed;
  private final long step;
  private final long[] exampleIds;

  /**
   * The noise of training step {@code step}.
   *
   * @param step below 2^31 (training steps count from 0; {@link #forSample} uses the rest)
   * @param exampleIds global example index of each batch row; not copied, not modified
   */
  public Noise(long seed, long step, long[] exampleIds) {
    this.seed = seed;
    this.step = step;
    this.exampleIds = exampleIds;
  }

  /**
   * The noise of Monte-Carlo prediction sample {@code t} (from 0): that of step 2^31 + t, which
   * no training step reaches, so a prediction's samples are independent of the noise its
   * network was trained with.
   */
  public static Noise forSample(long seed, int t, long[] exampleIds) {
    if (t < 0) {
      throw new IllegalArgumentException("sample " + t + " must be >= 0");
    }
    return new Noise(seed, FIRST_SAMPLE_STEP + t, exampleIds);
  }

  /**
   * Fills {@code out[r * width + j]} for rows r in [0, rows) and j in [0, width).
   *
   * @param stream the caller's stream id (a layer's index in its network)
   * @param out modified
   */
  public void fill(int stream, int rows, int width, float[] out) {
    if (rows > exampleIds.length) {
      throw new IllegalArgumentException(
          "noise for " + rows + " rows requested, only " + exampleIds.length + " example ids");
    }
    for (int r = 0; r < rows; r++) {
      CounterRng.gaussians(seed, step, exampleIds[r], stream, out, r * width, width);
    }
  }

  /**
   * Fills {@code out[r * width + j]} with uniforms in (0, 1) (see {@link
   * CounterRng#uniforms}), keyed like {@link #fill}.
   *
   * @param out modified
   */
  public void fillUniform(int stream, int rows, int width, float[] out) {
    if (rows > exampleIds.length) {
      throw new IllegalArgumentException(
          "noise for " + rows + " rows requested, only " + exampleIds.length + " example ids");
    }
    for (int r = 0; r < rows; r++) {
      CounterRng.uniforms(seed, step, exampleIds[r], stream, out, r * width, width);
    }
  }
}
