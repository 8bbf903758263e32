package org.sparsevd.spark;

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
 * @param skipped rows dropped as invalid (only with {@link DataSource#skipInvalid()})
 * @param skipReasons why the first few dropped rows were dropped, in input order
 */
public record Blocks(JavaRDD<DataBlock> rdd, long rows, int cols, int numClasses, long skipped,
    List<String> skipReasons) {

  public Blocks {
    Objects.requireNonNull(rdd, "rdd");
    skipReasons = List.copyOf(skipReasons);
  }

  /** Bytes the blocks' arrays take once cached deserialised: 4 per feature value and label. */
  public long cachedBytes() {
    return rows * DataBlock.bytesPerExample(cols);
  }
}
