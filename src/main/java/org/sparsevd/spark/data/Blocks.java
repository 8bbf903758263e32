package org.sparsevd.spark.data;

import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;

/**
 * A data set read into one {@link DataBlock} per partition, with what the reader learned on the
 * way: its shape and the rows it dropped as invalid.
 *
 * @param rdd the blocks, partition {@code p} holding block {@code p}; numbered contiguously from
 *     0 in partition order. Not persisted: the caller chooses the storage level
 * @param rows examples in all blocks
 * @param cols features per example
 * @param numClasses labels lie in {@code [0, numClasses)}
 * @param weighted the blocks carry example weights
 * @param skipped rows dropped as invalid (only with {@link DataSource#skipInvalid()})
 * @param skipReasons why the first few dropped rows were dropped, in input order
 */
public record Blocks(JavaRDD<DataBlock> rdd, long rows, int cols, int numClasses,
    boolean weighted, long skipped, List<String> skipReasons) {

  public Blocks {
    Objects.requireNonNull(rdd, "rdd");
    skipReasons = List.copyOf(skipReasons);
  }

  /**
   * Where each block starts, as {@link BlockReader} lays them out: block {@code p} holds rows
   * {@code [starts[p], starts[p + 1])}, the last entry is {@code rows}.
   */
  public long[] starts() {
    int parts = rdd.getNumPartitions();
    long[] starts = new long[parts + 1];
    for (int p = 0; p <= parts; p++) {
      starts[p] = BlockReader.rangeStart(rows, parts, p);
    }
    return starts;
  }

  /** Bytes the blocks' arrays take once cached deserialised: 4 per feature value and label. */
  public long cachedBytes() {
    return rows * DataBlock.bytesPerExample(cols);
  }
}
