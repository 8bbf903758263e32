package org.sparsevd.spark;

import org.sparsevd.data.Scaling;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.BlockStats;
import org.sparsevd.spark.data.DataBlock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.train.LocalGradientSource;

/** The distributed step against the same engine run in this JVM. */
class SparkGradientSourceTest {
  private static JavaSparkContext sc;
  private static LabeledData data;
  private static JavaRDD<DataBlock> blocks;
  private static final NetworkDef DEF = new NetworkDef("vd(32) | relu | vd(10)", 784,
      VdSettings.DEFAULTS);

  @BeforeAll
  static void setUp() throws Exception {
    sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    data = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, 900);
    blocks = BlockReader.fromLabeledData(sc, data, 3).rdd().persist(StorageLevel.MEMORY_ONLY());
  }

  @AfterAll
  static void tearDown() {
    blocks.unpersist(true);
  }

  private static float[] gradient(SparkGradientSource s, float[] params, int[] batch) {
    float[] g = new float[params.length];
    java.util.Arrays.fill(g, Float.NaN);
    s.gradient(params, batch, 7, 1f, g);
    return g;
  }

  @Test
  void handedOverAndSerialisedPartialsGiveTheSameBits() {
    Network net = DEF.build();
    float[] params = net.initParams(2);
    int[] batch = {3, 17, 250, 299, 300, 301, 640, 899};
    try (SparkGradientSource byRef = new SparkGradientSource(sc, blocks, Scaling.none(), 900, DEF,
        4, ParamTransport.localHandoff(sc), StepPartitions.every(), Aggregation.COLLECT);
         SparkGradientSource byBytes = new SparkGradientSource(sc, blocks, Scaling.none(), 900,
             DEF, 4, ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT)) {
      float[] a = gradient(byRef, params, batch);
      float[] b = gradient(byBytes, params, batch);
      assertArrayEquals(a, b);
      // Repeated calls are bit-identical (partials are merged in partition order).
      assertArrayEquals(a, gradient(byRef, params, batch));

      float[] local = new float[params.length];
      BatchLoss lossLocal;
      try (LocalGradientSource l = new LocalGradientSource(net, data.features(), data.labels(),
          4, 1)) {
        lossLocal = l.gradient(params, batch, 7, 1f, local);
      }
      float max = 0;
      for (int k = 0; k < a.length; k++) {
        max = Math.max(max, Math.abs(a[k] - local[k]));
      }
      assertTrue(max < 1e-4, "Spark vs one thread differ by " + max);
      BatchLoss loss = byBytes.gradient(params, batch, 7, 1f, new float[params.length]);
      assertEquals(lossLocal.nll(), loss.nll(), 1e-9 * Math.abs(lossLocal.nll()));
    }
  }

  @Test
  void rowsScaledAsTheyAreTakenGiveTheBitsOfRowsScaledBeforeCaching() {
    Scaling center = Scaling.fit(Scaling.Mode.CENTER, data);
    JavaRDD<DataBlock> scaled = BlockStats.apply(center, blocks)
        .persist(StorageLevel.MEMORY_ONLY());
    float[] params = DEF.build().initParams(3);
    int[] batch = {0, 1, 299, 300, 450, 601, 898};
    try (SparkGradientSource onTheWay = new SparkGradientSource(sc, blocks, center, 900, DEF, 4,
        ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT);
         SparkGradientSource before = new SparkGradientSource(sc, scaled, Scaling.none(), 900,
             DEF, 4, ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT);
         SparkGradientSource unscaled = new SparkGradientSource(sc, blocks, Scaling.none(), 900,
             DEF, 4, ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT)) {
      float[] a = gradient(onTheWay, params, batch);
      assertArrayEquals(gradient(before, params, batch), a);
      assertFalse(Arrays.equals(gradient(unscaled, params, batch), a));
    } finally {
      scaled.unpersist(true);
    }
  }

  @Test
  void aMissingHandOverIsReported() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LocalHandoff.take("missing:1:0"));
    assertEquals("partial gradient missing:1:0 was not handed over", e.getMessage());
  }
}
