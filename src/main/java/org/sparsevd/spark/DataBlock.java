package org.sparsevd.spark;

import java.io.Serializable;

/**
 * The examples of one partition in the layout the engine reads: features row-major
 * [rows x cols] in one {@code float[]}, labels in one {@code int[]}, and the global index of
 * the first row (rows are numbered contiguously across partitions in partition order). The
 * global index is what batches are drawn from and what keys each example's noise.
 *
 * <p>Cached bytes per example: {@link #bytesPerExample} (plus a few dozen bytes per block).
 */
public final class DataBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long firstIndex;
  private final int cols;
  private final float[] features;
  private final int[] labels;

  public DataBlock(long firstIndex, int cols, float[] features, int[] labels) {
    if (firstIndex < 0 || cols <= 0 || (long) labels.length * cols != features.length) {
      throw new IllegalArgumentException("block at " + firstIndex + ": " + labels.length
          + " labels, " + features.length + " feature values, " + cols + " columns");
    }
    this.firstIndex = firstIndex;
    this.cols = cols;
    this.features = features;
    this.labels = labels;
  }

  public long firstIndex() { return firstIndex; }
  public int rows() { return labels.length; }
  public int cols() { return cols; }
  /** Live array; not to be modified once the block is cached. */
  public float[] features() { return features; }
  /** Live array; not to be modified once the block is cached. */
  public int[] labels() { return labels; }

  /** The same rows renumbered from {@code newFirst}. */
  public DataBlock withFirstIndex(long newFirst) {
    return new DataBlock(newFirst, cols, features, labels);
  }

  /** The rows whose global index is below {@code end} (this block if all are). */
  public DataBlock before(long end) {
    if (firstIndex + rows() <= end) {
      return this;
    }
    int keep = (int) Math.max(0, end - firstIndex);
    return new DataBlock(firstIndex, cols, java.util.Arrays.copyOf(features, keep * cols),
        java.util.Arrays.copyOf(labels, keep));
  }

  /** Bytes one cached example takes: its features and its label, 4 bytes each. */
  public static long bytesPerExample(int cols) {
    return 4L * cols + 4L;
  }
}
