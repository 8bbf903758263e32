package org.sparsevd.spark.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparsevd.data.Scaling;

/**
 * Blocks persisted at a storage level and already stored in full, with their row count.
 * Closing unpersists them.
 */
public final class PersistedBlocks implements AutoCloseable {
  private final JavaRDD<DataBlock> rdd;
  private final long rows;

  private PersistedBlocks(JavaRDD<DataBlock> rdd, long rows) {
    this.rdd = rdd;
    this.rows = rows;
  }

  /**
   * Persists {@code blocks} and stores every one of them now, so that training or evaluation
   * starts on a full cache.
   *
   * @throws org.sparsevd.data.InvalidDataException as {@link BlockReader#read} describes, for
   *     rows first parsed here
   * @param name what the blocks hold, for the Spark UI
   */
  public static PersistedBlocks persist(JavaRDD<DataBlock> blocks, long rows, StorageLevel level,
                                        String name) {
    JavaRDD<DataBlock> cached = blocks.persist(level);
    JavaSparkContext.fromSparkContext(cached.context()).setJobDescription("sparsevd: cache "
        + name);
    // Stores every block without reading it back: with DISK_ONLY a count would deserialise
    // the whole set once more. Rows the reader had not parsed yet are validated here.
    BlockReader.unwrapping(() -> {
      cached.foreachPartition(it -> { });
      return null;
    });
    return new PersistedBlocks(cached, rows);
  }

  /** Held-out blocks scaled with a model's or a training set's scaling, persisted. */
  public static PersistedBlocks scaled(Blocks raw, Scaling scaling, StorageLevel level,
                                       String name) {
    return persist(BlockStats.apply(scaling, raw.rdd()), raw.rows(), level, name);
  }

  public JavaRDD<DataBlock> rdd() { return rdd; }
  public long rows() { return rows; }

  @Override
  public void close() {
    rdd.unpersist(false);
  }
}
