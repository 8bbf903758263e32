package org.sparsevd.spark;

import org.sparsevd.data.Scaling;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.DataBlock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.train.LocalGradientSource;

/**
 * The dropout layers of the method comparison draw their noise by example id, so the
 * distributed step gives the same gradient whichever way the partials travel, and the one of
 * a single local thread up to the order of the partial sums. Augmentation draws by example id
 * too, and batch normalisation's moments add up over partitions.
 */
class MethodLayersSparkTest {
  private static final NetworkDef DEF = new NetworkDef(
      "drop(0.2) | nvd | cdense(32) | relu | idrop(0.1) | nvd | vd(16) | relu | gdrop(0.3) "
          + "| idense(12, 0.05) | relu | dense(10)", 784, VdSettings.DEFAULTS);

  /**
   * Three partitions against three local threads whose shares of the batch are the partitions'
   * rows: batch normalisation sees the same rows in each, so the gradients agree up to the
   * order of the sums, and so do the running statistics taken from the summed moments.
   */
  @Test
  void augmentedBatchNormalisedStepsAgreeAcrossPartitionsAndThreads() throws Exception {
    NetworkDef def = new NetworkDef("image(28, 28, 1) | crop(3) | flip | conv(4, 5) | bn | relu "
        + "| maxpool(2) | flatten | vd(16) | bn | relu | dense(10)", 784, VdSettings.DEFAULTS);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    float[] x = scaledMnist(600);
    int[] labels = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, 600).labels();
    JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc,
        new LabeledData("scaled", x, labels, 784, 10), 3).rdd().cache();
    Network net = def.build();
    float[] params = net.initParams(2);
    // Three rows in each partition of 200, so each local thread's share is one partition's.
    int[] batch = {3, 17, 150, 200, 260, 399, 400, 451, 599};
    try (SparkGradientSource spark = new SparkGradientSource(sc, blocks, Scaling.none(), 600,
        def, 4, ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT);
         LocalGradientSource local = new LocalGradientSource(net, x, labels, 4, 3)) {
      float[] a = new float[params.length];
      float[] c = new float[params.length];
      BatchLoss lossA = spark.gradient(params, batch, 7, 0.5f, a);
      BatchLoss lossC = local.gradient(params, batch, 7, 0.5f, c);
      assertEquals(lossC.nll(), lossA.nll(), 1e-6 * lossC.nll());
      float[] pa = params.clone();
      float[] pc = params.clone();
      net.updateStatistics(pa, a, batch.length);
      net.updateStatistics(pc, c, batch.length);
      assertMaxDifference(c, a, 1e-4, "gradient");
      assertMaxDifference(pc, pa, 1e-5, "parameters with running statistics");
      assertTrue(!java.util.Arrays.equals(params, pa), "the running statistics moved");
    } finally {
      blocks.unpersist(true);
    }
  }

  private static void assertMaxDifference(float[] expected, float[] actual, double relative,
                                          String what) {
    float max = 0;
    float scale = 0;
    for (int k = 0; k < expected.length; k++) {
      max = Math.max(max, Math.abs(expected[k] - actual[k]));
      scale = Math.max(scale, Math.abs(expected[k]));
    }
    assertTrue(scale > 0.1, what + " scale " + scale);
    assertTrue(max < relative * scale, what + ": Spark vs threads differ by " + max + " of "
        + scale);
  }

  private static float[] scaledMnist(int rows) throws Exception {
    float[] x = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, rows).features().clone();
    for (int k = 0; k < x.length; k++) {
      x[k] /= 255f;
    }
    return x;
  }

  @Test
  void sparkAndLocalStepsAgree() throws Exception {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    LabeledData data = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, 600);
    float[] x = data.features().clone();
    for (int k = 0; k < x.length; k++) {
      x[k] /= 255f;
    }
    LabeledData scaled = new LabeledData("scaled", x, data.labels(), data.cols(), 10);
    JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc, scaled, 3).rdd().cache();
    Network net = DEF.build();
    float[] params = net.initParams(2);
    int[] batch = {3, 17, 150, 199, 200, 201, 440, 599};
    try (SparkGradientSource byRef = new SparkGradientSource(sc, blocks, Scaling.none(),
        600, DEF, 4,
        ParamTransport.localHandoff(sc), StepPartitions.every(), Aggregation.COLLECT);
         SparkGradientSource byBytes = new SparkGradientSource(sc, blocks, Scaling.none(),
             600, DEF, 4,
             ParamTransport.broadcast(sc), StepPartitions.every(), Aggregation.COLLECT);
         LocalGradientSource local = new LocalGradientSource(net, x, data.labels(), 4, 1)) {
      float[] a = new float[params.length];
      float[] b = new float[params.length];
      float[] c = new float[params.length];
      BatchLoss lossA = byRef.gradient(params, batch, 7, 0.5f, a);
      BatchLoss lossB = byBytes.gradient(params, batch, 7, 0.5f, b);
      BatchLoss lossC = local.gradient(params, batch, 7, 0.5f, c);
      assertArrayEquals(a, b);
      assertEquals(lossA, lossB);
      assertTrue(lossC.exampleKl() > 0, "information dropout's KL " + lossC);
      assertEquals(lossC.exampleKl(), lossA.exampleKl(), 1e-9 * lossC.exampleKl());
      assertEquals(lossC.nll(), lossA.nll(), 1e-9 * lossC.nll());
      float max = 0;
      float scale = 0;
      for (int k = 0; k < a.length; k++) {
        max = Math.max(max, Math.abs(a[k] - c[k]));
        scale = Math.max(scale, Math.abs(c[k]));
      }
      assertTrue(scale > 0.1, "gradient scale " + scale);
      assertTrue(max < 1e-4 * scale, "Spark vs one thread differ by " + max + " of " + scale);
    } finally {
      blocks.unpersist(true);
    }
  }
}
