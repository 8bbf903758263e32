package org.sparsevd.spark.data;

import org.sparsevd.spark.TestSpark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.data.SharedData;

class BlockStatsTest {

  private static JavaSparkContext sc;
  private static LabeledData data;

  @BeforeAll
  static void setUp() throws IOException {
    sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    data = MnistIdx.readTest(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, 2000);
  }

  @Test
  void fittedStatisticsMatchTheLocalFit() {
    JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc, data, 3).rdd();
    for (Scaling.Mode mode : Scaling.Mode.values()) {
      Scaling local = Scaling.fit(mode, data);
      Scaling spread = BlockStats.fit(mode, blocks);
      assertEquals(mode, spread.mode());
      assertArrayEquals(local.mean(), spread.mean(), 1e-5f, mode.toString());
      assertArrayEquals(local.std(), spread.std(), 1e-5f, mode.toString());
    }
  }

  @Test
  void standardisedBlocksEqualTheLocallyStandardisedDataAndSourcesStayUntouched() {
    JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc, data, 3).rdd().cache();
    Scaling s = BlockStats.fit(Scaling.Mode.STANDARDIZE, blocks);
    List<DataBlock> scaled = BlockStats.apply(s, blocks).collect();

    LabeledData expected = data.slice(0, data.rows());
    Scaling.fit(Scaling.Mode.STANDARDIZE, data).applyInPlace(expected);
    float[] got = new float[expected.features().length];
    int at = 0;
    for (DataBlock b : scaled) {
      assertEquals(at / data.cols(), b.firstIndex());
      System.arraycopy(b.features(), 0, got, at, b.features().length);
      at += b.features().length;
    }
    assertArrayEquals(expected.features(), got, 1e-5f);

    float[] cachedAgain = new float[data.features().length];
    at = 0;
    for (DataBlock b : blocks.collect()) {
      System.arraycopy(b.features(), 0, cachedAgain, at, b.features().length);
      at += b.features().length;
    }
    assertArrayEquals(data.features(), cachedAgain);
    blocks.unpersist();
    assertSame(blocks, BlockStats.apply(Scaling.none(), blocks));
  }
}
