package org.sparsevd.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.cli.JobConfig;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Sparsity;
import org.sparsevd.spark.BatchScoring;
import org.sparsevd.spark.JobSparkSettings;
import org.sparsevd.spark.data.DataSource;
import org.sparsevd.spark.data.ScoringInput;

/**
 * Rows per second scoring a Parquet table of feature vectors (for example {@code
 * jobs/generate.sh} output) three ways, each reading the same files and writing {@code id},
 * {@code prediction} and {@code probability} to Spark's {@code noop} sink, in rounds that
 * alternate them so that all see the same machine:
 * <ul>
 *   <li>the score job's pass ({@link BatchScoring}): the pruned network in CSR form;</li>
 *   <li>the same pass through the same model's masked dense network;</li>
 *   <li>MLlib's {@code MultilayerPerceptronClassificationModel.transform} of a dense MLP of the
 *       same layer sizes (fitted for one iteration on 1,000 rows: its weights do not change
 *       its cost).</li>
 * </ul>
 * Usage: {@code ScoreBench [OUT.json] MODEL_DIR INPUT [--rounds R]}; master local[2] unless
 * spark.master is set.
 */
public final class ScoreBench {
  static final JobCommand COMMAND = Timing.command("score", "target/bench/score.json",
      List.of(new JobConfig.Key("rounds", "3", "timed rounds of the three scorers")),
      new JobConfig.Key("MODEL_DIR", "", "the model to score with (a run folder or its "
          + "model/); required"),
      new JobConfig.Key("INPUT", "", "Parquet with an id column and a features vector "
          + "column; required"));

  private ScoreBench() {}

  public static void main(String[] args) throws Exception {
    JobConfig a = COMMAND.parseMain(args);
    if (a.get("MODEL_DIR").isEmpty() || a.get("INPUT").isEmpty()) {
      throw new IllegalArgumentException("MODEL_DIR and INPUT are required\n"
          + COMMAND.usage());
    }
    SparkConf conf = JobSparkSettings.applyMissing(new SparkConf().setAppName(
        "sparsevd-bench-score"));
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[2]");
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    SparseVdModel model = ModelLocator.readUnwrapped(new org.apache.hadoop.fs.Path(
        a.get("MODEL_DIR")), hconf, "score bench");
    String input = a.get("INPUT");
    long rows = spark.read().parquet(input).count();
    int rounds = a.getInt("rounds");
    DataSource src = DataSource.parquet(input, model.numClasses())
        .withNumFeatures(model.def().inputSize());

    MultilayerPerceptronClassificationModel mlp = new MultilayerPerceptronClassifier()
        .setLayers(layerSizes(model)).setMaxIter(1).setSeed(1)
        .fit(spark.read().parquet(input).limit(1000));

    Runnable sparse = () -> noop(BatchScoring.score(spark, ScoringInput.open(spark, src,
        List.of("id")), model, 0, 1, spark.sparkContext().longAccumulator(),
        spark.sparkContext().collectionAccumulator(), false));
    Runnable dense = () -> noop(BatchScoring.score(spark, ScoringInput.open(spark, src,
        List.of("id")), model, 0, 1, spark.sparkContext().longAccumulator(),
        spark.sparkContext().collectionAccumulator(), true));
    Runnable mllib = () -> noop(mlp.transform(spark.read().parquet(input))
        .select("id", "prediction", "probability"));

    Runnable[] scorers = {sparse, dense, mllib};
    String[] names = {"sparse_csr", "dense_masked", "mllib_mlp"};
    double[][] seconds = new double[3][rounds];
    for (Runnable r : scorers) {
      r.run();
    }
    for (int i = 0; i < rounds; i++) {
      for (int k = 0; k < 3; k++) {
        long t = System.nanoTime();
        scorers[k].run();
        seconds[k][i] = (System.nanoTime() - t) / 1e9;
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    Sparsity s = model.network().sparsity(model.params());
    json.put("master", spark.sparkContext().master());
    json.put("rows", rows);
    json.put("layers", model.def().layers());
    json.put("input_size", model.def().inputSize());
    json.put("kept_weights", s.kept());
    json.put("weights", s.weights());
    json.put("rounds", rounds);
    List<String> table = new ArrayList<>();
    double[] median = new double[3];
    for (int k = 0; k < 3; k++) {
      median[k] = Timing.median(seconds[k]);
      json.put(names[k] + "_seconds_median", median[k]);
      json.put(names[k] + "_rows_per_second", rows / median[k]);
      table.add(String.format(Locale.ROOT, "%-13s %8.1f s median of %s  %,10.0f rows/s",
          names[k], median[k], java.util.Arrays.toString(seconds[k]), rows / median[k]));
    }
    json.put("sparse_over_mllib", median[2] / median[0]);
    json.put("sparse_over_dense", median[1] / median[0]);
    table.add(String.format(Locale.ROOT, "sparse CSR: %.2fx MLlib's MLP, %.2fx the dense "
        + "masked pass", median[2] / median[0], median[1] / median[0]));
    Timing.report(Path.of(a.get("OUT")), json, table);
    spark.stop();
  }

  private static void noop(Dataset<Row> scores) {
    scores.write().format("noop").mode("overwrite").save();
  }

  /** The input size, then each weighted layer's outputs: the MLP's layer sizes. */
  private static int[] layerSizes(SparseVdModel model) {
    org.sparsevd.nn.Network net = model.network();
    List<Integer> sizes = new ArrayList<>(List.of(net.inputSize()));
    for (Sparsity.LayerCount l : net.sparsity(model.params()).layers()) {
      sizes.add(net.layers().get(l.layer()).outputSize());
    }
    return sizes.stream().mapToInt(Integer::intValue).toArray();
  }
}
