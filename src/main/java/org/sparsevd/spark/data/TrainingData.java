package org.sparsevd.spark.data;

import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.sparsevd.data.Scaling;

/**
 * Training blocks as every trainer trains on them: cut to a row limit if one is set, example
 * weights rescaled to mean 1, features scaled with a scaling fitted on these rows (or given, a
 * warm start's), persisted and stored in full before training. Closing unpersists them.
 */
public final class TrainingData implements AutoCloseable {
  private final PersistedBlocks blocks;
  private final long[] starts;
  private final int cols;
  private final int numClasses;
  private final Scaling scaling;

  private TrainingData(PersistedBlocks blocks, long[] starts, int cols, int numClasses,
                       Scaling scaling) {
    this.blocks = blocks;
    this.starts = starts;
    this.cols = cols;
    this.numClasses = numClasses;
    this.scaling = scaling;
  }

  /**
   * Fits a scaling of {@code mode} on the training rows and applies it.
   *
   * @param raw the blocks as read, not persisted
   * @param name names the data in messages and in the Spark UI, e.g. its path
   * @param limit keeps only the rows numbered below it; 0: all rows
   */
  public static TrainingData fitScaling(Blocks raw, String name, long limit, Scaling.Mode mode,
                                        StorageLevel level) {
    return prepare(raw, name, limit, rdd -> BlockStats.fit(mode, rdd), level);
  }

  /** As {@link #fitScaling}, but applies {@code scaling} (a warm start's) instead. */
  public static TrainingData withScaling(Blocks raw, String name, long limit, Scaling scaling,
                                         StorageLevel level) {
    return prepare(raw, name, limit, rdd -> scaling, level);
  }

  private static TrainingData prepare(Blocks raw, String name, long limit,
                                      Function<JavaRDD<DataBlock>, Scaling> scaling,
                                      StorageLevel level) {
    if (limit < 0) {
      throw new IllegalArgumentException(name + ": row limit " + limit + " must be >= 0");
    }
    JavaRDD<DataBlock> rdd = raw.rdd();
    long rows = raw.rows();
    long[] starts = raw.starts();
    if (limit > 0 && limit < rows) {
      rdd = rdd.map(b -> b.before(limit));
      rows = limit;
      for (int p = 0; p < starts.length; p++) {
        starts[p] = Math.min(starts[p], limit);
      }
    }
    rdd = BlockStats.normalizeWeights(rdd, rows, name);
    Scaling s = scaling.apply(rdd);
    return new TrainingData(PersistedBlocks.persist(BlockStats.apply(s, rdd), rows, level, name),
        starts, raw.cols(), raw.numClasses(), s);
  }

  /** Persisted; partition p holds the rows [starts()[p], starts()[p + 1]). */
  public JavaRDD<DataBlock> blocks() { return blocks.rdd(); }
  public long rows() { return blocks.rows(); }
  /** Training block p holds rows [starts()[p], starts()[p + 1]); the last entry is rows(). */
  public long[] starts() { return starts.clone(); }
  public int cols() { return cols; }
  public int numClasses() { return numClasses; }
  public Scaling scaling() { return scaling; }

  /** Bytes of the cached training arrays per example (features and label). */
  public long cachedBytesPerExample() {
    return DataBlock.bytesPerExample(cols);
  }

  /** Held-out blocks scaled as these, persisted. */
  public PersistedBlocks heldOut(Blocks raw, StorageLevel level, String name) {
    return PersistedBlocks.scaled(raw, scaling, level, name);
  }

  @Override
  public void close() {
    blocks.close();
  }
}
