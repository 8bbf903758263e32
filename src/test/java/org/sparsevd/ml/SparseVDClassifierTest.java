package org.sparsevd.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.cli.Train;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.spark.TestSpark;

/**
 * The estimator on MNIST slices: it learns and prunes, trains exactly the model the train job
 * trains, validates its parameters, and works inside CrossValidator and TrainValidationSplit.
 */
class SparseVDClassifierTest {
  private static SparkSession spark;
  private static Dataset<Row> train;
  private static Dataset<Row> test;
  private static SparseVDClassificationModel model;
  @TempDir static Path tmp;

  static SparseVDClassifier small() {
    return new SparseVDClassifier().setHiddenLayers(new int[] {32}).setEpochs(6)
        .setBatchSize(100).setLearningRate(3e-3).setLrSchedule("constant")
        .setKlSchedule("linear(1, 3)").setScaling("divide_255").setNumPartitions(2).setSeed(7);
  }

  @BeforeAll
  static void fit() throws Exception {
    spark = TestSpark.session();
    train = MnistFrames.train(spark, 3000).cache();
    test = MnistFrames.test(spark, 1000).cache();
    model = small().fit(train);
  }

  @Test
  void learnsAndPrunes() {
    Dataset<Row> out = model.transform(test);
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(out);
    assertTrue(accuracy > 0.8, "accuracy " + accuracy);
    assertTrue(model.sparsity().sparsity() > 0.3, model.summary());
    assertEquals(784, model.numFeatures());
    assertEquals(10, model.numClasses());
    assertEquals(6, model.lossHistory().length);
    assertTrue(model.lossHistory()[5] < model.lossHistory()[3], "full KL weight from epoch 4");
    for (Row r : out.select("probability", "prediction", "rawPrediction").collectAsList()) {
      double[] p = ((Vector) r.get(0)).toArray();
      double sum = 0;
      int best = 0;
      for (int c = 0; c < p.length; c++) {
        sum += p[c];
        best = p[c] > p[best] ? c : best;
      }
      assertEquals(1.0, sum, 1e-9);
      assertEquals(best, (int) r.getDouble(1));
      assertEquals(((Vector) r.get(2)).argmax(), best);
    }
  }

  @Test
  void evaluateSummarisesAsMllibsEvaluatorScores() {
    SparseVDClassificationSummary s = model.evaluate(test);
    Dataset<Row> out = s.predictions();
    MulticlassClassificationEvaluator e = new MulticlassClassificationEvaluator();
    assertEquals(test.count(), s.count());
    assertEquals(e.setMetricName("accuracy").evaluate(out), s.accuracy(), 1e-12);
    assertEquals(e.setMetricName("weightedPrecision").evaluate(out), s.weightedPrecision(),
        1e-12);
    assertEquals(e.setMetricName("weightedRecall").evaluate(out), s.weightedRecall(), 1e-12);
    assertEquals(e.setMetricName("f1").evaluate(out), s.weightedFMeasure(), 1e-12);
    // MLlib's log loss clips probabilities at 1e-15; ours is the float softmax's.
    assertEquals(e.setMetricName("logLoss").evaluate(out), s.logLoss(), 1e-6);
    for (int c = 0; c < 10; c++) {
      assertEquals(e.setMetricName("precisionByLabel").setMetricLabel(c).evaluate(out),
          s.precisionByLabel()[c], 1e-12, "precision of " + c);
      assertEquals(e.setMetricName("recallByLabel").setMetricLabel(c).evaluate(out),
          s.recallByLabel()[c], 1e-12, "recall of " + c);
      assertEquals(e.setMetricName("fMeasureByLabel").setMetricLabel(c).evaluate(out),
          s.fMeasureByLabel()[c], 1e-12, "F1 of " + c);
    }
    assertTrue(s.ece() > 0 && s.ece() < 0.2, "ece " + s.ece());
    assertTrue(s.brier() > 0 && s.brier() < 0.5, "brier " + s.brier());
    long diagonal = 0;
    for (int c = 0; c < 10; c++) {
      diagonal += s.confusionMatrix()[c][c];
    }
    assertEquals(s.accuracy() * s.count(), diagonal, 1e-6);
    assertEquals(List.of("predictiveEntropy", "probabilityVariance"), List.of(model.copy(
        ParamMap.empty()).setMcSamples(2).evaluate(test.limit(20)).predictions().columns())
        .subList(out.columns().length, out.columns().length + 2));
  }

  @Test
  void aLowerThresholdPrunesMoreAndTheCornerPixelsAreSelectedOut() {
    SparseVDClassificationModel copy = model.copy(ParamMap.empty());
    long kept = copy.sparsity().kept();
    copy.setLogAlphaThreshold(0.0);
    assertTrue(copy.sparsity().kept() < kept, copy.sparsity().kept() + " vs " + kept);
    assertEquals(kept, model.sparsity().kept(), "the copy's threshold leaked into the original");
    int[] perInput = model.keptPerInput();
    // Pixel (0, 0) is 0 in every MNIST image: its weights get no data gradient and are pruned.
    assertEquals(0, perInput[0]);
    assertTrue(java.util.Arrays.stream(perInput).sum() > 0);
  }

  /** One implementation of training: the estimator and the train job give the same bits. */
  @Test
  void trainsTheSameModelAsTheTrainJob() throws Exception {
    Path data = tmp.resolve("train.parquet");
    train.coalesce(1).write().parquet(data.toString());
    Path out = tmp.resolve("job");
    Train.run(spark, Train.COMMAND.parse(new String[] {
        "--data.format", "parquet", "--data.train", data.toString(), "--data.scaling",
        "divide_255", "--layers", "vd(32) | relu | vd(10)", "--epochs", "6", "--batch_size",
        "100", "--lr", "3e-3", "--lr_schedule", "constant", "--kl_schedule", "linear(1, 3)",
        "--partitions", "2", "--seed", "7", "--checkpoint_every", "0",
        "--output", out.toString()}));
    float[] job = ModelFormat.read(new org.apache.hadoop.fs.Path(out.resolve("model")
        .toString()), spark.sparkContext().hadoopConfiguration()).params();
    assertArrayEquals(job, model.trained().params());
  }

  /** The same conv net, shuffled by blocks, as the Estimator and as the train job: same bits. */
  @Test
  void aConvNetTrainsTheSameAsTheTrainJob() throws Exception {
    String layers = "image(28, 28, 1) | vdconv(4, 5) | relu | maxpool(2) | flatten | vd(10)";
    Dataset<Row> few = train.limit(1000);
    Path data = tmp.resolve("conv.parquet");
    few.coalesce(1).write().parquet(data.toString());
    Path out = tmp.resolve("conv-job");
    Train.run(spark, Train.COMMAND.parse(new String[] {
        "--data.format", "parquet", "--data.train", data.toString(), "--data.scaling",
        "divide_255", "--layers", layers, "--epochs", "2", "--batch_size", "100", "--lr",
        "3e-3", "--lr_schedule", "constant", "--kl_schedule", "linear(0, 1)", "--shuffle",
        "blocks", "--partitions", "2", "--seed", "5", "--checkpoint_every", "0",
        "--output", out.toString()}));
    float[] job = ModelFormat.read(new org.apache.hadoop.fs.Path(out.resolve("model")
        .toString()), spark.sparkContext().hadoopConfiguration()).params();
    SparseVDClassificationModel m = small().setLayers(layers).setEpochs(2)
        .setKlSchedule("linear(0, 1)").setShuffle("blocks").setSeed(5)
        .fit(spark.read().parquet(data.toString()));
    assertArrayEquals(job, m.trained().params());
    assertEquals(layers, m.trained().def().layers());
  }

  /**
   * A validation column holds rows out and scores them each epoch; checkpoints let a second fit
   * with the same settings resume where the first ended; a warm start begins at a model.
   */
  @Test
  void validationCheckpointsAndWarmStart() throws Exception {
    Dataset<Row> rows = train.limit(1500).withColumn("held",
        org.apache.spark.sql.functions.rand(3).lt(0.2));
    long held = rows.filter("held").count();
    String ckpt = tmp.resolve("ckpt").toString();
    SparseVDClassifier vd = small().setEpochs(2).setValidationIndicatorCol("held")
        .setCheckpointDir(ckpt);
    spark.sparkContext().setJobDescription("the caller's own");
    SparseVDClassificationModel first = vd.fit(rows);
    assertEquals("the caller's own", spark.sparkContext().getLocalProperty(
        "spark.job.description"), "the steps' labels end with training");
    spark.sparkContext().setJobDescription(null);
    List<org.sparsevd.train.EpochReport> h = first.trainingHistory();
    assertEquals(2, h.size());
    for (org.sparsevd.train.EpochReport r : h) {
      assertEquals(held, r.evaluation().examples());
      assertTrue(r.evaluation().accuracy() > 0.3, r.toString());
    }
    assertEquals(h.get(1).evaluation().accuracy(), org.sparsevd.report.RunHistory.of(h)
        .epochs().get(1).testAccuracy());
    assertTrue(java.nio.file.Files.list(Path.of(ckpt)).count() >= 1, "checkpoints written");
    SparseVDClassificationModel resumed = vd.fit(rows);
    assertEquals(0, resumed.trainingHistory().size(), "nothing left to train");
    assertArrayEquals(first.trained().params(), resumed.trained().params());

    String saved = tmp.resolve("warm-from").toString();
    first.write().save(saved);
    SparseVDClassificationModel warm = small().setEpochs(1).setInitModel(saved).fit(rows);
    SparseVDClassificationModel cold = small().setEpochs(1).fit(rows);
    assertTrue(warm.trainingHistory().get(0).nll() < cold.trainingHistory().get(0).nll(),
        warm.trainingHistory().get(0) + " vs " + cold.trainingHistory().get(0));
    assertEquals(saved, warm.trained().provenance().get("init_model"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> small().setHiddenLayers(new int[] {8}).setInitModel(saved).fit(rows));
    assertTrue(e.getMessage().contains("a warm start needs the same network"), e.getMessage());
  }

  @Test
  void explainsAndValidatesItsParameters() {
    String doc = new SparseVDClassifier().explainParams();
    for (String p : List.of("hiddenLayers", "logAlphaThreshold", "parameterization",
        "batchSize", "epochs", "learningRate", "lrSchedule", "klSchedule", "seed",
        "numPartitions", "featuresCol", "labelCol", "probabilityCol", "layers", "shuffle",
        "initModel", "validationIndicatorCol", "checkpointDir", "checkpointInterval")) {
      assertTrue(doc.contains(p + ":"), p + " missing from\n" + doc);
    }
    SparseVDClassifier vd = new SparseVDClassifier();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> vd.setLrSchedule("cosine"));
    assertTrue(e.getMessage().contains("lrSchedule"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> vd.setBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> vd.setHiddenLayers(new int[] {10, 0}));
    assertThrows(IllegalArgumentException.class, () -> vd.setScaling("minmax"));
    assertThrows(IllegalArgumentException.class, () -> vd.setLogAlphaThreshold(9));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> vd.setLayers(
        "image(28, 28, 1) | vd(10)")).getMessage().contains("put flatten before it"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> vd.setLayers("vd(10) | tanh"))
        .getMessage().startsWith("parameter layers: network spec layer 2 'tanh'"));
    assertThrows(IllegalArgumentException.class, () -> vd.setShuffle("random"));
    assertThrows(IllegalArgumentException.class, () -> vd.setCheckpointInterval(0));
  }

  @Test
  void rejectsLabelsThatAreNotClassIndices() {
    Dataset<Row> bad = train.limit(200).withColumn("label",
        org.apache.spark.sql.functions.lit(1.5));
    Exception e = assertThrows(Exception.class, () -> small().setEpochs(1).fit(bad));
    assertTrue(String.valueOf(e.getMessage()).contains("1.5"), e.getMessage());
  }

  /** Weight 0 on every 0 digit: the model never learns to say 0; negative weights fail. */
  @Test
  void exampleWeightsWeighTheLoss() {
    Dataset<Row> weighted = train.withColumn("w", org.apache.spark.sql.functions
        .when(org.apache.spark.sql.functions.col("label").equalTo(0), 0.0).otherwise(2.0));
    SparseVDClassificationModel m = small().setWeightCol("w").fit(weighted);
    Dataset<Row> zeros = test.where("label = 0");
    long said0 = m.transform(zeros).where("prediction = 0").count();
    long said0Unweighted = model.transform(zeros).where("prediction = 0").count();
    long n = zeros.count();
    assertTrue(said0 < 0.1 * n && said0Unweighted > 0.8 * n,
        said0 + " and " + said0Unweighted + " of " + n);
    Dataset<Row> negative = weighted.withColumn("w", org.apache.spark.sql.functions.lit(-1.0));
    Exception e = assertThrows(Exception.class,
        () -> small().setEpochs(1).setWeightCol("w").fit(negative));
    assertTrue(e.getMessage().contains("weight column 'w'")
        && e.getMessage().contains("negative"), e.getMessage());
  }

  @Test
  void uncertaintyColumnsAreRepeatableAndHigherOffTheData() {
    SparseVDClassificationModel m = model.copy(ParamMap.empty()).setMcSamples(8);
    Dataset<Row> digits = m.transform(test.limit(200));
    List<Row> a = digits.select("predictiveEntropy", "probabilityVariance").collectAsList();
    List<Row> b = m.transform(test.limit(200))
        .select("predictiveEntropy", "probabilityVariance").collectAsList();
    assertEquals(a, b);
    double digitEntropy = 0;
    for (Row r : a) {
      assertTrue(r.getDouble(0) >= 0 && r.getDouble(0) <= Math.log(10) + 1e-9);
      assertTrue(r.getDouble(1) >= 0 && r.getDouble(1) <= 0.25);
      digitEntropy += r.getDouble(0) / a.size();
    }
    Dataset<Row> noise = test.limit(200).withColumn("features",
        org.apache.spark.sql.functions.udf((org.apache.spark.sql.api.java.UDF1<Vector, Vector>)
            v -> {
              double[] x = new double[v.size()];
              java.util.Random r = new java.util.Random(v.hashCode());
              for (int j = 0; j < x.length; j++) {
                x[j] = 255 * r.nextDouble();
              }
              return org.apache.spark.ml.linalg.Vectors.dense(x);
            }, org.apache.spark.ml.linalg.SQLDataTypes.VectorType())
            .apply(org.apache.spark.sql.functions.col("features")));
    double noiseEntropy = m.transform(noise).agg(
        org.apache.spark.sql.functions.avg("predictiveEntropy")).first().getDouble(0);
    assertTrue(noiseEntropy > digitEntropy, noiseEntropy + " vs " + digitEntropy);
    assertNotEquals(0.0, digitEntropy);
  }

  @Test
  void selectsAModelWithCrossValidationAndTrainValidationSplit() {
    Dataset<Row> few = train.limit(800);
    SparseVDClassifier vd = small().setEpochs(2);
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(vd.hiddenLayers(), scala.jdk.javaapi.CollectionConverters.asScala(
            List.<int[]>of(new int[] {8}, new int[] {24})))
        .addGrid(vd.learningRate(), new double[] {1e-4, 3e-3})
        .build();
    MulticlassClassificationEvaluator acc =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    CrossValidatorModel cv = new CrossValidator().setEstimator(vd).setEstimatorParamMaps(grid)
        .setEvaluator(acc).setNumFolds(2).setSeed(3).fit(few);
    assertEquals(4, cv.avgMetrics().length);
    SparseVDClassificationModel best = (SparseVDClassificationModel) cv.bestModel();
    // The tiny learning rate cannot learn in 2 epochs; the search must see that.
    assertEquals(3e-3, ((SparseVDClassifier) best.parent()).getLearningRate());
    TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(vd)
        .setEstimatorParamMaps(grid).setEvaluator(acc).setTrainRatio(0.7).setSeed(3).fit(few);
    assertEquals(4, tvs.validationMetrics().length);
  }
}
