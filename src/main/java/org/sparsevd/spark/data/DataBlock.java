package org.sparsevd.spark.data;

import java.io.Externalizable;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInput;
import java.io.ObjectInputStream;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The examples of one partition in the layout the engine reads: features row-major
 * [rows x cols] in one {@code float[]}, labels in one {@code int[]}, optional example
 * weights in one {@code float[]} (null: every example weighs 1), and the global index of
 * the first row (rows are numbered contiguously across partitions in partition order). The
 * global index is what batches are drawn from and what keys each example's noise.
 *
 * <p>Serialised (shuffled, cached on disk) through {@link Wire}: the arrays in bulk.
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

  /**
   * Rows [from, to) of this block, numbered from {@code newFirst}, to be shipped: serialised as
   * {@link #slice} would be, without copying the rows first; read back, a {@code DataBlock}.
   */
  public Serializable shippedSlice(int from, int to, long newFirst) {
    if (from < 0 || to < from || to > rows()) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rows());
    }
    return new Wire(this, from, to, newFirst);
  }

  private Object writeReplace() {
    return new Wire(this, 0, rows(), firstIndex);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a DataBlock is read through its Wire form");
  }

  /**
   * A block's serialised form, or that of a range of its rows: the scalars, then each array as
   * raw little-endian bytes, copied in chunks. Java's own array serialisation converts one float at a time, which was a quarter
   * of the executors' time while loading a large set (the shuffle to equal blocks and the disk
   * cache both write every block). The bytes never leave one application's JVMs.
   */
  static final class Wire implements Externalizable {
    private static final long serialVersionUID = 1L;
    private static final int CHUNK_BYTES = 1 << 16;

    /** The block written, or read. */
    private DataBlock block;
    /** Rows [from, to) of {@code block} are written, numbered from {@code first}. */
    private int from;
    private int to;
    private long first;

    /** For deserialisation. */
    public Wire() {}

    Wire(DataBlock block, int from, int to, long first) {
      this.block = block;
      this.from = from;
      this.to = to;
      this.first = first;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
      int cols = block.cols;
      out.writeLong(first);
      out.writeInt(cols);
      out.writeInt(to - from);
      out.writeBoolean(block.weights != null);
      byte[] chunk = new byte[CHUNK_BYTES];
      ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
      writeFloats(out, block.features, from * cols, to * cols, chunk, bytes);
      for (int i = from; i < to; i += CHUNK_BYTES / 4) {
        int n = Math.min(CHUNK_BYTES / 4, to - i);
        bytes.asIntBuffer().put(block.labels, i, n);
        out.write(chunk, 0, 4 * n);
      }
      if (block.weights != null) {
        writeFloats(out, block.weights, from, to, chunk, bytes);
      }
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
      long first = in.readLong();
      int cols = in.readInt();
      int rows = in.readInt();
      boolean weighted = in.readBoolean();
      if (first < 0 || cols <= 0 || rows < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
        throw new InvalidObjectException("block at " + first + " of " + rows + " rows x " + cols
            + " columns");
      }
      byte[] chunk = new byte[CHUNK_BYTES];
      ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
      float[] x = readFloats(in, rows * cols, chunk, bytes);
      int[] y = new int[rows];
      for (int i = 0; i < rows; i += CHUNK_BYTES / 4) {
        int n = Math.min(CHUNK_BYTES / 4, rows - i);
        in.readFully(chunk, 0, 4 * n);
        bytes.asIntBuffer().get(y, i, n);
      }
      block = new DataBlock(first, cols, x, y, weighted ? readFloats(in, rows, chunk, bytes)
          : null);
    }

    private Object readResolve() {
      return block;
    }

    /** Writes {@code a[start, end)}. */
    private static void writeFloats(ObjectOutput out, float[] a, int start, int end, byte[] chunk,
        ByteBuffer bytes) throws IOException {
      for (int i = start; i < end; i += CHUNK_BYTES / 4) {
        int n = Math.min(CHUNK_BYTES / 4, end - i);
        bytes.asFloatBuffer().put(a, i, n);
        out.write(chunk, 0, 4 * n);
      }
    }

    private static float[] readFloats(ObjectInput in, int length, byte[] chunk,
        ByteBuffer bytes) throws IOException {
      float[] a = new float[length];
      for (int i = 0; i < length; i += CHUNK_BYTES / 4) {
        int n = Math.min(CHUNK_BYTES / 4, length - i);
        in.readFully(chunk, 0, 4 * n);
        bytes.asFloatBuffer().get(a, i, n);
      }
      return a;
    }
  }
}
