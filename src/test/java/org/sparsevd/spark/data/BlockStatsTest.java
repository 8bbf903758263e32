package org.sparsevd.spark.data;

import org.sparsevd.spark.TestSpark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
      BlockStats.Fitting fit = BlockStats.fitting(mode, blocks);
      fit.blocks().foreachPartition(it -> { });
      Scaling spread = fit.scaling();
      assertEquals(mode, spread.mode());
      assertArrayEquals(local.mean(), spread.mean(), 1e-5f, mode.toString());
      assertArrayEquals(local.std(), spread.std(), 1e-5f, mode.toString());
    }
  }

  @Test
  void standardisedBlocksEqualTheLocallyStandardisedDataAndSourcesStayUntouched() {
    JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc, data, 3).rdd().cache();
    BlockStats.Fitting fit = BlockStats.fitting(Scaling.Mode.STANDARDIZE, blocks);
    fit.blocks().count();
    Scaling s = fit.scaling();
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

  @Test
  void aFitNeedsEveryBlockComputedAndCountsABlockComputedTwiceOnce() {
    JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc, data, 4).rdd();
    BlockStats.Fitting once = BlockStats.fitting(Scaling.Mode.STANDARDIZE, blocks);
    IllegalStateException early = assertThrows(IllegalStateException.class, once::scaling);
    assertEquals("moments of 0 of 4 blocks recorded; compute every block before asking for the "
        + "scaling", early.getMessage());
    once.blocks().foreachPartition(it -> { });

    // Not persisted: every job computes every block again, and records its moments again.
    BlockStats.Fitting twice = BlockStats.fitting(Scaling.Mode.STANDARDIZE, blocks);
    twice.blocks().foreachPartition(it -> { });
    twice.blocks().count();
    assertArrayEquals(once.scaling().mean(), twice.scaling().mean());
    assertArrayEquals(once.scaling().std(), twice.scaling().std());
    assertNotEquals(0f, once.scaling().std()[400]);
  }

  @Test
  void aGivenScalingRecordsNothingAndUnfittedModesNeedNoJob() {
    JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc, data, 2).rdd();
    Scaling given = Scaling.fit(Scaling.Mode.CENTER, data);
    assertSame(given, BlockStats.given(given, blocks).scaling());
    assertSame(blocks, BlockStats.given(given, blocks).blocks());
    assertEquals(Scaling.Mode.DIVIDE_255,
        BlockStats.fitting(Scaling.Mode.DIVIDE_255, blocks).scaling().mode());
  }
}
