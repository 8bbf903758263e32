package org.sparsevd.spark.data;

import java.io.Serializable;

/**
 * The examples of one partition in the layout the engine reads: features row-major
 * [rows x cols] in one {@code float[]}, labels in one {@code int[]}, optional example
 * weights in one {@code float[]} (null: every example weighs 1), and the global index of
 * the first row (rows are numbered contiguously across partitions in partition order). The
 * global index is what batches are drawn from and what keys each example's noise.
 *
 * <p>Cached bytes per example: {@link #bytesPerExample} (plus 4 with weights, and a few dozen
 * bytes per block).
 */
public final class DataBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long firstIndex;
  private final int cols;
  private final float[] features;
  private final int[] labels;
  private final float[] weights;

  public DataBlock(long firstIndex, int cols, float[] features, int[] labels) {
    this(firstIndex, cols, features, labels, null);
  }

  /** @param weights one per label, or null for all 1 */
  public DataBlock(long firstIndex, int cols, float[] features, int[] labels, float[] weights) {
    if (firstIndex < 0 || cols <= 0 || (long) labels.length * cols != features.length
        || (weights != null && weights.length != labels.length)) {
      throw new IllegalArgumentException("block at " + firstIndex + ": " + labels.length
          + " labels, " + features.length + " feature values, " + cols + " columns, "
          + (weights == null ? "no" : String.valueOf(weights.length)) + " weights");
    }
    this.firstIndex = firstIndex;
    this.cols = cols;
    this.features = features;
    this.labels = labels;
    this.weights = weights;
  }

  public long firstIndex() { return firstIndex; }
  public int rows() { return labels.length; }
  public int cols() { return cols; }
  /** Live array; not to be modified once the block is cached. */
  public float[] features() { return features; }
  /** Live array; not to be modified once the block is cached. */
  public int[] labels() { return labels; }
  /** Live array, or null when every example weighs 1; not to be modified once cached. */
  public float[] weights() { return weights; }

  /** The same rows with other features, e.g. scaled ones. */
  public DataBlock withFeatures(float[] x) {
    return new DataBlock(firstIndex, cols, x, labels, weights);
  }

  /** The same rows with other weights. */
  public DataBlock withWeights(float[] w) {
    return new DataBlock(firstIndex, cols, features, labels, w);
  }

  /** Rows [from, to) of this block, numbered from {@code newFirst}. */
  public DataBlock slice(int from, int to, long newFirst) {
    return new DataBlock(newFirst, cols, java.util.Arrays.copyOfRange(features, from * cols,
        to * cols), java.util.Arrays.copyOfRange(labels, from, to),
        weights == null ? null : java.util.Arrays.copyOfRange(weights, from, to));
  }

  /** The same rows renumbered from {@code newFirst}. */
  public DataBlock withFirstIndex(long newFirst) {
    return new DataBlock(newFirst, cols, features, labels, weights);
  }

  /** The rows whose global index is below {@code end} (this block if all are). */
  public DataBlock before(long end) {
    if (firstIndex + rows() <= end) {
      return this;
    }
    return slice(0, (int) Math.max(0, end - firstIndex), firstIndex);
  }

  /** Bytes one cached example takes: its features and its label, 4 bytes each. */
  public static long bytesPerExample(int cols) {
    return 4L * cols + 4L;
  }
}
