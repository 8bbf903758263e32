package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.Distortion;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;
import org.sparsevd.spark.TestSpark;

/** The generator job: deterministic for a seed, distorted MNIST images with their labels. */
class GenerateTest {
  @TempDir Path tmp;

  private static List<Row> generate(SparkSession spark, Path out, long seed) throws Exception {
    Generate.run(spark, out.toString(), 1500, seed, 3, SharedData.mnistDir().toString());
    return spark.read().parquet(out.toString()).orderBy("id").collectAsList();
  }

  @Test
  void sameSeedSameExamplesEachADistortedTrainingImage() throws Exception {
    SparkSession spark = TestSpark.session();
    List<Row> a = generate(spark, tmp.resolve("a"), 11);
    List<Row> b = generate(spark, tmp.resolve("b"), 11);
    List<Row> c = generate(spark, tmp.resolve("c"), 12);
    assertEquals(1500, a.size());
    assertEquals(a, b);
    assertNotEquals(a.get(0).get(2), c.get(0).get(2));

    LabeledData mnist = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration());
    float[] warped = new float[784];
    for (int i : new int[] {0, 777, 1499}) {
      Row r = a.get(i);
      assertEquals(i, r.getLong(0));
      Distortion.Transform t = Distortion.sample(11, i, mnist.rows());
      assertEquals(mnist.label(t.source()), r.getInt(1), "label of example " + i);
      Distortion.warp(mnist.features(), t.source() * 784, 28, t, warped, 0);
      double[] x = ((Vector) r.get(2)).toArray();
      double[] expected = new double[784];
      for (int k = 0; k < 784; k++) {
        expected[k] = Math.min(255, Math.round(warped[k]));
      }
      assertArrayEquals(expected, x, "pixels of example " + i);
      // Still a digit: about as much ink as its source.
      double ink = java.util.Arrays.stream(x).sum();
      double sourceInk = 0;
      for (int k = 0; k < 784; k++) {
        sourceInk += mnist.feature(t.source(), k);
      }
      assertEquals(sourceInk, ink, 0.35 * sourceInk, "ink of example " + i);
    }
    assertTrue(a.stream().allMatch(r -> java.util.Arrays.stream(((Vector) r.get(2)).toArray())
        .allMatch(v -> v >= 0 && v <= 255 && v == Math.rint(v))));
  }
}
