package org.sparsevd.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.sparsevd.spark.SparkGradientSource.Partial;
import org.sparsevd.spark.SparkGradientSource.StepTask;
import org.sparsevd.spark.data.DataBlock;

/**
 * Which partitions run a step: {@link #every} partition, each task scanning its blocks for the
 * rows of the batch; or, for the epoch order {@link org.sparsevd.train.BatchOrder#blocks}, only
 * the partitions {@link #holding} rows of the batch, whose tasks keep the one block they read
 * ({@link HeldBlocks}), so that data that does not fit in memory is read block by block, once
 * per epoch, instead of in full at every step. The partials are the same either way.
 */
sealed interface StepPartitions {
  static StepPartitions every() {
    return Every.INSTANCE;
  }

  /**
   * @param starts partition p's block holds the rows [starts[p], starts[p + 1]); the last entry
   *     is the number of examples
   */
  static Holding holding(long[] starts, int partitions, int streams) {
    if (starts.length != partitions + 1) {
      throw new IllegalArgumentException(starts.length + " block starts for " + partitions
          + " partitions");
    }
    return new Holding(starts.clone(), new HeldRead(UUID.randomUUID().toString(), streams));
  }

  /** Runs the step's job on the partitions of this choice; their partials in any order. */
  List<Partial> run(JavaRDD<DataBlock> blocks, StepTask task, int[] batch);

  /** What the tasks carry: how a task reads its partition's blocks. */
  BlockRead read();

  /** The task side: the blocks a task computes on. */
  interface BlockRead extends Serializable {
    Iterator<DataBlock> blocks(int partition, Iterator<DataBlock> cached);
  }

  enum Every implements StepPartitions, BlockRead {
    INSTANCE;

    @Override
    public List<Partial> run(JavaRDD<DataBlock> blocks, StepTask task, int[] batch) {
      return SparkGradientSource.runOn(blocks, task,
          IntStream.range(0, blocks.getNumPartitions()).toArray());
    }

    @Override
    public BlockRead read() {
      return this;
    }

    @Override
    public Iterator<DataBlock> blocks(int partition, Iterator<DataBlock> cached) {
      return cached;
    }
  }

  /**
   * {@code source} keys the blocks held for this choice's steps in {@link HeldBlocks}, two per
   * stream of the block order's {@code streams}.
   */
  record HeldRead(String source, int streams) implements BlockRead {
    @Override
    public Iterator<DataBlock> blocks(int partition, Iterator<DataBlock> cached) {
      return List.of(HeldBlocks.get(source, partition, streams, cached)).iterator();
    }
  }

  record Holding(long[] starts, HeldRead read) implements StepPartitions {
    @Override
    public List<Partial> run(JavaRDD<DataBlock> blocks, StepTask task, int[] batch) {
      return SparkGradientSource.runOn(blocks, task, partitionsOf(batch));
    }

    /** The partitions holding rows of the ascending {@code batch}, ascending. */
    int[] partitionsOf(int[] batch) {
      int[] found = new int[starts.length - 1];
      int count = 0;
      int i = 0;
      while (i < batch.length) {
        int p = Arrays.binarySearch(starts, batch[i]);
        // A hit may be the start of empty blocks before it: the row lies in the last of them.
        p = p >= 0 ? lastStartingAt(p) : -p - 2;
        if (p < 0 || p >= found.length) {
          throw new IllegalArgumentException("batch row " + batch[i] + " outside the "
              + starts[starts.length - 1] + " examples");
        }
        found[count++] = p;
        i = SparkGradientSource.lowerBound(batch, starts[p + 1]);
      }
      return Arrays.copyOf(found, count);
    }

    private int lastStartingAt(int p) {
      while (p + 2 < starts.length && starts[p + 1] == starts[p]) {
        p++;
      }
      return p;
    }
  }
}
