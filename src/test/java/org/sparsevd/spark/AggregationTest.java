package org.sparsevd.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.data.SharedData;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.Schedules;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.DataBlock;
import org.sparsevd.train.BatchOrder;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.train.TrainingState;

/**
 * The sum of a step's partials is the same bits whatever order the tasks finish in: tasks are
 * delayed at random, the sums compared bit for bit. The tree groups the sum differently from
 * collect, so the two agree to the bit only where the additions are the same: up to 3
 * partitions (groups of one partition, or one group of two and one of one, give the left fold
 * collect computes); from 4 on they differ in the last bits.
 */
class AggregationTest {
  private static final NetworkDef DEF = new NetworkDef("vd(24) | relu | vd(10)", 784,
      VdSettings.DEFAULTS);
  private static JavaSparkContext sc;
  private static LabeledData data;
  private static JavaRDD<DataBlock> sixteen;
  private static JavaRDD<DataBlock> three;

  @BeforeAll
  static void setUp() throws Exception {
    sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    data = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, 960);
    sixteen = BlockReader.fromLabeledData(sc, data, 16).rdd()
        .persist(StorageLevel.MEMORY_ONLY());
    three = BlockReader.fromLabeledData(sc, data, 3).rdd().persist(StorageLevel.MEMORY_ONLY());
  }

  @AfterAll
  static void tearDown() {
    sixteen.unpersist(true);
    three.unpersist(true);
  }

  /** The blocks, each task held up for a random 0-40 ms first: tasks finish in any order. */
  private static JavaRDD<DataBlock> delayed(JavaRDD<DataBlock> blocks) {
    return blocks.mapPartitions(it -> {
      Thread.sleep(ThreadLocalRandom.current().nextInt(40));
      return it;
    }, true);
  }

  private static SparkGradientSource source(JavaRDD<DataBlock> blocks, Aggregation a) {
    return new SparkGradientSource(sc, blocks, Scaling.none(),
        data.rows(), DEF, 4, ParamTransport.broadcast(sc),
        StepPartitions.every(), a);
  }

  private static float[] gradient(SparkGradientSource s, float[] params, int[] batch) {
    float[] g = new float[params.length];
    s.gradient(params, batch, 3, 1f, g);
    return g;
  }

  @Test
  void treeSumsAreTheSameBitsWhateverOrderTasksFinishIn() {
    float[] params = DEF.build().initParams(2);
    int[] batch = new int[480];
    Arrays.setAll(batch, i -> 2 * i);
    try (SparkGradientSource tree = source(delayed(sixteen), Aggregation.tree());
         SparkGradientSource collect = source(delayed(sixteen), Aggregation.COLLECT)) {
      float[] first = gradient(tree, params, batch);
      for (int run = 0; run < 4; run++) {
        assertArrayEquals(first, gradient(tree, params, batch), "tree, run " + run);
      }
      float[] byCollect = gradient(collect, params, batch);
      assertArrayEquals(byCollect, gradient(collect, params, batch), "collect, again");
      double max = 0;
      double scale = 0;
      for (int k = 0; k < first.length; k++) {
        max = Math.max(max, Math.abs(first[k] - byCollect[k]));
        scale = Math.max(scale, Math.abs(byCollect[k]));
      }
      assertTrue(max <= 1e-5 * scale, "tree vs collect: " + max + " of " + scale);
      assertFalse(Arrays.equals(first, byCollect),
          "16 partitions in 4 groups: the grouping must show in the last bits");
    }
  }

  @Test
  void upToThreePartitionsTheTreeTrainsCollectsModel() throws Exception {
    float[] byTree;
    float[] byCollect;
    try (SparkGradientSource s = source(delayed(three), Aggregation.tree())) {
      byTree = train(s);
    }
    try (SparkGradientSource s = source(three, Aggregation.COLLECT)) {
      byCollect = train(s);
    }
    assertArrayEquals(byCollect, byTree);
  }

  @Test
  void groupsGrowAsTheSquareRootOfThePartitions() {
    assertEquals(1, Aggregation.Tree.groupSize(1));
    assertEquals(1, Aggregation.Tree.groupSize(2));
    assertEquals(4, Aggregation.Tree.groupSize(16));
    assertEquals(6, Aggregation.Tree.groupSize(32));
    for (int e = 1; e <= 2048; e++) {
      int size = Aggregation.Tree.groupSize(e);
      int groups = (e + size - 1) / size;
      assertTrue(groups <= Math.ceil(Math.sqrt(e)), e + " partitions: " + groups + " groups");
      assertTrue(size <= Math.ceil(Math.sqrt(e)) + 1, e + " partitions: groups of " + size);
    }
    assertEquals(Aggregation.COLLECT, Aggregation.parse("auto", 2));
    assertEquals("tree", Aggregation.parse("auto", Aggregation.TREE_FROM_PARTITIONS).spec());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Aggregation.parse("treeAggregate", 4));
    assertTrue(e.getMessage().contains("'treeAggregate'"), e.getMessage());
  }

  private static float[] train(SparkGradientSource source) throws Exception {
    Network net = DEF.build();
    TrainConfig config = new TrainConfig(DEF.layers(), VdSettings.DEFAULTS, 96, 2, 1e-3,
        Schedules.learningRate("constant", 1e-3, 2), Schedules.klWeight("constant(1)"),
        TrainConfig.DEFAULTS.optimizer(), 11, 1);
    TrainingState state = TrainingLoop.initialState(net, config);
    TrainingLoop.run(net, config, state, source, BatchOrder.GLOBAL, null, (r, s) -> { });
    return state.params();
  }
}
