package org.sparsevd.spark.data;

import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.sparsevd.data.Scaling;

/**
 * Training blocks as every trainer trains on them: cut to a row limit if one is set, example
 * weights rescaled to mean 1, persisted and stored in full before training, with the scaling
 * of their features: fitted on these rows while they are stored (or given, a warm start's).
 * The stored rows are as read; trainers scale each batch row as they take it (see {@code
 * ShardWorker}), so that storing the set is its one pass before training. Closing unpersists
 * them.
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
   * Fits a scaling of {@code mode} on the training rows while it stores them.
   *
   * @param raw the blocks as read, not persisted
   * @param name names the data in messages and in the Spark UI, e.g. its path
   * @param limit keeps only the rows numbered below it; 0: all rows
   */
  public static TrainingData fitScaling(Blocks raw, String name, long limit, Scaling.Mode mode,
                                        StorageLevel level) {
    return prepare(raw, name, limit, rdd -> BlockStats.fitting(mode, rdd), level);
  }

  /** As {@link #fitScaling}, but with {@code scaling} (a warm start's) instead. */
  public static TrainingData withScaling(Blocks raw, String name, long limit, Scaling scaling,
                                         StorageLevel level) {
    return prepare(raw, name, limit, rdd -> BlockStats.given(scaling, rdd), level);
  }

  private static TrainingData prepare(Blocks raw, String name, long limit,
                                      Function<JavaRDD<DataBlock>, BlockStats.Fitting> scaling,
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
    if (raw.weighted()) {
      rdd = BlockStats.normalizeWeights(rdd, rows, name);
    }
    BlockStats.Fitting fit = scaling.apply(rdd);
    PersistedBlocks stored = PersistedBlocks.persist(fit.blocks(), rows, level, name);
    return new TrainingData(stored, starts, raw.cols(), raw.numClasses(), fit.scaling());
  }

  /**
   * Persisted, as read (not scaled: apply {@link #scaling()} to the rows taken from them);
   * partition p holds the rows [starts()[p], starts()[p + 1]).
   */
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
