package org.sparsevd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.eval.Metrics;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.spark.SparkEvaluation;
import org.sparsevd.spark.data.PersistedBlocks;

/**
 * The evaluate job: {@code Evaluate CONFIG --output RUN_DIR [--model DIR] [--mc_samples T]}.
 * Scores the model on the config's held-out data, deterministically (posterior means, pruned
 * weights masked) and, with T > 0, by Monte-Carlo averaging over T posterior samples: accuracy,
 * NLL, expected calibration error (15 bins), Brier score and the confusion matrix. Prints a
 * summary and writes {@code evaluation.json} next to the model. A tabular run ({@code pipeline =
 * tabular}, its model a PipelineModel) is scored on the held-out rows its training split off,
 * through its own fitted feature stages.
 */
public final class Evaluate {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The model's settings come with the model: of a train config it reads the held-out data. */
  public static final JobCommand COMMAND = JobCommand.withConfig(
      "jobs/evaluate.sh CONFIG --output RUN_DIR [--model DIR] [--mc_samples T] [--key value ...]"
          + " [--skip-invalid]", JobConfig.KEYS, JobConfig.keys("data.format", "data.dir",
          "data.cache", "data.test", "data.label_col", "data.weight_col", "data.csv_header",
          "data.features_col", "data.feature_cols", "data.num_features", "data.num_classes",
          "data.skip_invalid", "seed", "partitions", "storage_level", "master", "output",
          "mc_samples", "model", "pipeline", "data.train", "data.column_names",
          "data.categorical_cols", "data.test_fraction", "data.train_limit", "data.image_shape"),
      JobConfig.SKIP_INVALID);

  private Evaluate() {}

  public static void main(String[] args) throws Exception {
    JobConfig c = COMMAND.parseMain(args);
    Sessions.runMain(c, "sparsevd-evaluate", spark -> System.out.print(run(spark, c)));
  }

  /** Evaluates and returns the JSON report (also written to RUN_DIR/evaluation.json). */
  public static String run(SparkSession spark, JobConfig c) throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    Path runDir = new Path(c.require("output"));
    Path modelDir = c.get("model").isEmpty() ? new Path(runDir, "model") : new Path(c.get("model"));
    ModelLocator.Found found = ModelLocator.find(modelDir, hconf);
    SparseVdModel model = ModelFormat.read(found.modelDir(), hconf);
    if (found.inPipeline() != c.tabular()) {
      throw new IllegalArgumentException(modelDir + (found.inPipeline()
          ? " is a tabular run's PipelineModel: evaluate it with its train config "
              + "(pipeline = tabular)" : " is not a PipelineModel, but the config sets "
              + "pipeline = tabular"));
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    try (PersistedBlocks test = found.inPipeline()
        ? TabularJob.heldOut(spark, c, found.pipeline().toString(), model)
        : JobData.loadTest(spark, c, model.scaling(), model.def().inputSize(),
            model.numClasses())) {
      ObjectNode o = JSON.createObjectNode();
      o.put("model", modelDir.toString());
      o.put("examples", test.rows());
      o.set("deterministic", report(SparkEvaluation.metrics(sc, test.rdd(), model.def(),
          model.numClasses(), model.params(), 0, 0)));
      int samples = c.getInt("mc_samples");
      if (samples > 0) {
        ObjectNode mc = report(SparkEvaluation.metrics(sc, test.rdd(), model.def(),
            model.numClasses(), model.params(), samples, c.getLong("seed")));
        mc.put("samples", samples);
        o.set("monte_carlo", mc);
      }
      String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
      HadoopFiles.writeString(new Path(runDir, "evaluation.json"), hconf, text);
      return text;
    }
  }

  private static ObjectNode report(Metrics m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("accuracy", m.accuracy());
    o.put("error", m.error());
    o.put("nll", m.nll());
    o.put("ece", m.ece());
    o.put("brier", m.brier());
    ArrayNode rows = o.putArray("confusion");
    for (long[] row : m.confusion()) {
      ArrayNode r = rows.addArray();
      for (long v : row) {
        r.add(v);
      }
    }
    o.put("summary", String.format(Locale.ROOT,
        "accuracy %.4f  error %.2f%%  nll %.4f  ece %.4f  brier %.4f", m.accuracy(),
        100 * m.error(), m.nll(), m.ece(), m.brier()));
    return o;
  }
}
