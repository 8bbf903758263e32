package org.sparsevd.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.spark.TestSpark;

/** Saving and loading models, estimators and pipelines; loading what is not a model. */
class SparseVDPersistenceTest {
  private static SparkSession spark;
  private static Dataset<Row> train;
  private static Dataset<Row> test;
  private static SparseVDClassificationModel model;
  @TempDir Path tmp;

  @BeforeAll
  static void fit() throws Exception {
    spark = TestSpark.session();
    train = MnistFrames.train(spark, 1000).cache();
    test = MnistFrames.test(spark, 300).cache();
    model = new SparseVDClassifier().setHiddenLayers(new int[] {16}).setEpochs(2)
        .setBatchSize(100).setLrSchedule("constant").setKlSchedule("linear(0, 1)")
        .setScaling("standardize").setNumPartitions(2).fit(train);
  }

  private static List<Row> predictions(org.apache.spark.ml.Transformer t) {
    return t.transform(test).select("rawPrediction", "probability", "prediction")
        .collectAsList();
  }

  @Test
  void aSavedModelLoadsWithItsParametersAndPredictsTheSame() throws IOException {
    SparseVDClassificationModel tuned = model.copy(new org.apache.spark.ml.param.ParamMap())
        .setLogAlphaThreshold(2.5).setMcSamples(3).setPredictiveEntropyCol("h");
    String path = tmp.resolve("model").toString();
    tuned.write().save(path);
    SparseVDClassificationModel back = SparseVDClassificationModel.load(path);
    assertEquals(tuned.uid(), back.uid());
    assertEquals(2.5, back.getLogAlphaThreshold());
    assertEquals(3, back.getMcSamples());
    assertEquals("h", back.getPredictiveEntropyCol());
    assertArrayEquals(tuned.trained().params(), back.trained().params());
    assertEquals(tuned.transform(test).collectAsList(), back.transform(test).collectAsList());
    Exception exists = assertThrows(Exception.class, () -> tuned.write().save(path));
    assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
    tuned.setMcSamples(0).write().overwrite().save(path);
    assertEquals(0, SparseVDClassificationModel.load(path).getMcSamples());
  }

  @Test
  void anEstimatorRoundTripsItsParameters() throws IOException {
    SparseVDClassifier vd = new SparseVDClassifier().setHiddenLayers(new int[] {7, 5})
        .setKlSchedule("increment(0, 0.1)").setSeed(42);
    String path = tmp.resolve("estimator").toString();
    vd.save(path);
    SparseVDClassifier back = SparseVDClassifier.load(path);
    assertEquals(vd.uid(), back.uid());
    assertArrayEquals(new int[] {7, 5}, back.getHiddenLayers());
    assertEquals("increment(0, 0.1)", back.getKlSchedule());
    assertEquals(42L, back.getSeed());
  }

  @Test
  void aPipelineModelWithTheClassifierRoundTrips() throws IOException {
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
        new StandardScaler().setInputCol("features").setOutputCol("scaled"),
        new SparseVDClassifier().setFeaturesCol("scaled").setHiddenLayers(new int[] {8})
            .setEpochs(1).setBatchSize(100).setNumPartitions(2)}).fit(train);
    String path = tmp.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel back = PipelineModel.load(path);
    assertTrue(back.stages()[1] instanceof SparseVDClassificationModel);
    assertEquals(predictions(fitted), predictions(back));
  }

  @Test
  void corruptTruncatedOrForeignFilesFailWithTheirNames() throws IOException {
    String path = tmp.resolve("m").toString();
    model.write().save(path);
    // Without the local file system's .crc files, as on an object store: the format's own
    // checks must catch what follows.
    Files.delete(Path.of(path, "data", ".params.bin.crc"));
    Files.delete(Path.of(path, "data", ".model.json.crc"));
    Path params = Path.of(path, "data", "params.bin");
    byte[] bytes = Files.readAllBytes(params);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(params, bytes);
    Exception flipped = assertThrows(Exception.class,
        () -> SparseVDClassificationModel.load(path));
    assertTrue(flipped.getMessage().contains("params.bin")
        && flipped.getMessage().contains("SHA-256"), flipped.getMessage());

    Path json = Path.of(path, "data", "model.json");
    Files.writeString(json, Files.readString(json).substring(0, 40));
    Exception truncated = assertThrows(Exception.class,
        () -> SparseVDClassificationModel.load(path));
    assertTrue(truncated.getMessage().contains("model.json"), truncated.getMessage());

    String foreign = tmp.resolve("lr").toString();
    new LogisticRegression().setMaxIter(1).fit(train).write().save(foreign);
    Exception other = assertThrows(Exception.class,
        () -> SparseVDClassificationModel.load(foreign));
    assertTrue(other.getMessage().contains("not a saved")
        && other.getMessage().contains("LogisticRegressionModel"), other.getMessage());

    Exception missing = assertThrows(Exception.class,
        () -> SparseVDClassificationModel.load(tmp.resolve("nothing").toString()));
    assertTrue(missing.getMessage().contains("nothing"), missing.getMessage());
  }
}
