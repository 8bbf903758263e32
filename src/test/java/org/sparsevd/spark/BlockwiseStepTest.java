package org.sparsevd.spark;

import org.sparsevd.data.Scaling;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.Blocks;
import org.sparsevd.spark.data.DataBlock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.Schedules;
import org.sparsevd.train.BatchOrder;
import org.sparsevd.train.GradientSource;
import org.sparsevd.train.LocalGradientSource;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.train.TrainingState;

/**
 * Steps that run only on the partitions holding the batch: the same bits as a step over every
 * partition, tasks only where the batch is, each block read once while the steps stay in it,
 * and training in the blocks order equal to training in this JVM.
 */
class BlockwiseStepTest {
  private static final NetworkDef DEF = new NetworkDef("vd(32) | relu | vd(10)", 784,
      VdSettings.DEFAULTS);
  private static final long[] STARTS = {0, 300, 600, 900};
  /** Blocks read from their RDD (not from a held copy), counted in this JVM. */
  private static final AtomicInteger READS = new AtomicInteger();
  private static JavaSparkContext sc;
  private static LabeledData data;
  private static Blocks raw;
  private static JavaRDD<DataBlock> cached;

  @BeforeAll
  static void setUp() throws Exception {
    sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    data = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, 900);
    raw = BlockReader.fromLabeledData(sc, data, 3);
    cached = raw.rdd().persist(StorageLevel.DISK_ONLY());
  }

  @AfterAll
  static void tearDown() {
    cached.unpersist(true);
  }

  private static float[] train(GradientSource source, int batchSize) throws Exception {
    return train(source, batchSize, BatchOrder.blocks(STARTS));
  }

  private static float[] train(GradientSource source, int batchSize, BatchOrder order)
      throws Exception {
    Network net = DEF.build();
    TrainConfig config = new TrainConfig(DEF.layers(), VdSettings.DEFAULTS, batchSize, 2, 1e-3,
        Schedules.learningRate("constant", 1e-3, 2), Schedules.klWeight("constant(1)"),
        TrainConfig.DEFAULTS.optimizer(), 11, 1);
    TrainingState state = TrainingLoop.initialState(net, config);
    TrainingLoop.run(net, config, state, source, order, null, (r, s) -> { });
    return state.params();
  }

  @Test
  void theLayoutMatchesTheBlocks() {
    assertArrayEquals(STARTS, raw.starts());
    List<Long> firsts = cached.map(DataBlock::firstIndex).collect();
    assertEquals(List.of(0L, 300L, 600L), firsts);
  }

  @Test
  void blockwiseTrainingIsBitIdenticalToSteppingEveryPartition() throws Exception {
    // Batches of 120 cross block boundaries: those steps sum two partials.
    float[] all;
    try (SparkGradientSource s = new SparkGradientSource(sc, cached, Scaling.none(), 900, DEF, 11,
        ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT)) {
      all = train(s, 120);
    }
    try (SparkGradientSource s = SparkGradientSource.blockwise(sc, cached, Scaling.none(),
        STARTS, 1, DEF, 11)) {
      assertArrayEquals(all, train(s, 120));
    }
  }

  /**
   * Three streams, one block each: every step reads all three blocks side by side, 40 rows of
   * each, and gives the bits of a step over every partition in the same order.
   */
  @Test
  void streamsOfBlocksTrainTheBitsOfSteppingEveryPartition() throws Exception {
    BatchOrder streams = BatchOrder.blocks(STARTS, 3, 120);
    float[] all;
    try (SparkGradientSource s = new SparkGradientSource(sc, cached, Scaling.none(), 900, DEF, 11,
        ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT)) {
      all = train(s, 120, streams);
    }
    READS.set(0);
    JavaRDD<DataBlock> counted = cached.map(b -> {
      READS.incrementAndGet();
      return b;
    });
    try (SparkGradientSource s = SparkGradientSource.blockwise(sc, counted, Scaling.none(),
        STARTS, 3, DEF,
        11)) {
      assertArrayEquals(all, train(s, 120, streams));
    }
    // Two epochs of 3 held blocks: each block read once (held across steps and epochs).
    assertEquals(3, READS.get(), "blocks read from the cache");
    try (SparkGradientSource s = SparkGradientSource.blockwise(sc, cached, Scaling.none(),
        STARTS, 1, DEF, 11)) {
      assertFalse(Arrays.equals(all, train(s, 120)), "one stream is another order");
    }
  }

  @Test
  void blockwiseTrainingEqualsTrainingInThisJvm() throws Exception {
    // Batches of 100 never cross a block of 300 rows: every step has one partial, which the
    // driver adds to zeros exactly as one local thread's share is.
    float[] local;
    try (LocalGradientSource s = new LocalGradientSource(DEF.build(), data.features(),
        data.labels(), 11, 1)) {
      local = train(s, 100);
    }
    try (SparkGradientSource s = SparkGradientSource.blockwise(sc, cached, Scaling.none(),
        STARTS, 1, DEF, 11)) {
      assertArrayEquals(local, train(s, 100));
    }
  }

  @Test
  void stepsRunOnlyWhereTheBatchIsAndReadEachBlockOnce() {
    // A task on partition 2 fails; a block counts as read when its iterator yields it.
    JavaRDD<DataBlock> counted = raw.rdd().mapPartitionsWithIndex((p, it) -> {
      if (p == 2) {
        throw new IllegalStateException("partition 2 was read");
      }
      return it;
    }, true).map(b -> {
      READS.incrementAndGet();
      return b;
    });
    float[] params = DEF.build().initParams(3);
    float[] grad = new float[params.length];
    READS.set(0);
    try (SparkGradientSource s = SparkGradientSource.blockwise(sc, counted, Scaling.none(),
        STARTS, 1, DEF, 11)) {
      for (int step = 0; step < 3; step++) {
        s.gradient(params, new int[] {300 + step, 420, 599}, step, 1f, grad);
      }
      assertEquals(1, READS.get());
      s.gradient(params, new int[] {10, 299, 300}, 3, 1f, grad);
      assertEquals(2, READS.get());
    }
    try (SparkGradientSource s = new SparkGradientSource(sc, counted, Scaling.none(), 900, DEF, 11,
        ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT)) {
      Exception e = assertThrows(Exception.class,
          () -> s.gradient(params, new int[] {300, 420}, 0, 1f, grad));
      assertTrue(String.valueOf(e.getMessage()).contains("partition 2 was read"),
          e.getMessage());
    }
  }

  @Test
  void batchRowsAreFoundInTheirPartitionsEvenPastEmptyOnes() {
    StepPartitions.Holding h = StepPartitions.holding(new long[] {0, 300, 300, 600, 900}, 4, 1);
    assertArrayEquals(new int[] {0, 2, 3}, h.partitionsOf(new int[] {0, 299, 300, 899}));
    assertArrayEquals(new int[] {2}, h.partitionsOf(new int[] {300, 599}));
    IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
        () -> h.partitionsOf(new int[] {5, 900}));
    assertEquals("batch row 900 outside the 900 examples", outside.getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkGradientSource.blockwise(sc, cached, Scaling.none(),
            new long[] {0, 900}, 1, DEF, 1));
    assertEquals("2 block starts for 3 partitions", e.getMessage());
  }
}
