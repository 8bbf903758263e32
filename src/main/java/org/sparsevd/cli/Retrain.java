package org.sparsevd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.eval.Metrics;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.ModelStore;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.spark.SparkEvaluation;
import org.sparsevd.spark.data.InputFaults;
import org.sparsevd.spark.data.PersistedBlocks;

/**
 * Scheduled retraining: {@code Retrain CONFIG [--key value ...]} (keys in {@link
 * RetrainConfig}). Trains a candidate on the newest {@code date=YYYY-MM-DD} partitions,
 * warm-started from the published model, compares the two on the holdout and publishes the
 * candidate only if its error is at most the published one's plus the margin. Every run
 * writes {@code STORE/reports/RUN_ID.json} with its status: {@code published}, {@code
 * rejected_worse} or {@code failed} (with the reason); only {@code published} changes the
 * current model. The process exits with 1 when the run failed, with 3 when it failed on
 * invalid data (the report's {@code invalid_data} is then true and its reason names the file
 * and row).
 */
public final class Retrain {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Retrain() {}

  public static void main(String[] args) throws Exception {
    RetrainConfig r = RetrainConfig.of(RetrainConfig.COMMAND.parseMain(args));
    JobConfig train = Train.COMMAND.parse(r.master().isEmpty() ? new String[] {r.trainConfig()}
        : new String[] {r.trainConfig(), "--master", r.master()});
    SparkSession spark = Sessions.create(train, "sparsevd-retrain");
    ObjectNode report;
    try {
      report = run(spark, r);
    } finally {
      spark.stop();
    }
    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    if (report.get("status").asText().equals("failed")) {
      System.exit(report.path("invalid_data").asBoolean() ? JobCommand.EXIT_INVALID_DATA : 1);
    }
  }

  /** Runs one retraining and returns its report (also written to the store). */
  public static ObjectNode run(SparkSession spark, RetrainConfig r) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ModelStore store = new ModelStore(new Path(r.store()), conf);
    ObjectNode report = JSON.createObjectNode();
    report.put("run", r.runId());
    report.put("started_at", Instant.now().toString());
    report.put("margin", r.margin());
    long start = System.nanoTime();
    try {
      decide(spark, r, store, report);
      if (!r.scoreInput().isEmpty()) {
        score(spark, r, store, report);
      }
    } catch (Exception e) {
      report.put("status", "failed");
      Optional<InvalidDataException> invalid = InputFaults.of(e);
      report.put("reason", invalid.map(i -> "invalid data: " + i.getMessage()).orElse(reason(e)));
      invalid.ifPresent(i -> report.put("invalid_data", true));
    }
    report.put("seconds", (System.nanoTime() - start) / 1e9);
    HadoopFiles.writeString(store.report(r.runId()), conf,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    return report;
  }

  private static void decide(SparkSession spark, RetrainConfig r, ModelStore store,
                             ObjectNode report) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<Path> parts = newestPartitions(new Path(r.dataRoot()), r.newest(), conf);
    parts.forEach(p -> report.withArray("partitions").add(p.getName()));
    Optional<ModelStore.Published> current = store.current();
    current.ifPresent(p -> report.put("previous_pointer", p.pointer().toString()));

    Path runDir = store.runDir(r.runId());
    report.put("candidate", runDir.toString());
    Train.run(spark, Train.COMMAND.parse(new String[] {r.trainConfig(),
        "--data.train", glob(new Path(r.dataRoot()), parts), "--data.test", "",
        "--output", runDir.toString(),
        "--init_model", current.map(p -> p.model().toString()).orElse("")}));

    // A tabular run reads the holdout table as its training table, through each model's stages.
    boolean tabular = Train.COMMAND.parse(new String[] {r.trainConfig()}).tabular();
    JobConfig holdout = Evaluate.COMMAND.parse(new String[] {r.trainConfig(),
        tabular ? "--data.train" : "--data.test", r.holdout()});
    Metrics candidate = evaluate(spark, holdout, new Path(runDir, "model"));
    report.set("candidate_holdout", metrics(candidate));
    if (current.isPresent()) {
      Metrics published = evaluate(spark, holdout, current.get().model());
      report.set("published_holdout", metrics(published));
      if (candidate.error() > published.error() + r.margin()) {
        report.put("status", "rejected_worse");
        report.put("reason", String.format(java.util.Locale.ROOT, "holdout error %.4f > "
            + "published %.4f + margin %.4f", candidate.error(), published.error(), r.margin()));
        return;
      }
    }
    ModelStore.Published p = store.publish(r.runId(), new Path(runDir, "model"),
        metrics(candidate));
    report.put("status", "published");
    report.put("pointer", p.pointer().toString());
  }

  /**
   * The scoring step: the table of {@code score.input} scored by the model current after the
   * decision, with the score job ({@link Score}); its report goes into the run's under
   * "scores". A failed scoring fails the run (the decision stays as made).
   */
  private static void score(SparkSession spark, RetrainConfig r, ModelStore store,
                            ObjectNode report) throws IOException {
    ModelStore.Published current = store.current().orElseThrow(() -> new IOException(
        "score.input: no model has been published to score with"));
    List<String> args = new ArrayList<>(List.of(current.model().toString(), r.scoreInput(),
        r.scoreOutput().isEmpty() ? new Path(r.store(), "scores/" + r.runId()).toString()
            : r.scoreOutput()));
    JobConfig train = Train.COMMAND.parse(new String[] {r.trainConfig()});
    if (!r.scoreArgs().contains("--format")) {
      args.addAll(List.of("--format", train.get("data.format")));
    }
    args.addAll(List.of(r.scoreArgs().trim().split("\\s+")).stream()
        .filter(a -> !a.isEmpty()).toList());
    JsonNode scored = JSON.readTree(Score.run(spark, Score.COMMAND.parse(
        args.toArray(String[]::new))));
    report.set("scores", scored);
  }

  /** The newest {@code n} partitions named {@code date=YYYY-MM-DD} under {@code root}. */
  static List<Path> newestPartitions(Path root, int n, Configuration conf) throws IOException {
    FileSystem fs = root.getFileSystem(conf);
    if (!fs.exists(root)) {
      throw new IOException("data.root " + root + " does not exist");
    }
    List<Path> parts = new ArrayList<>();
    for (FileStatus st : fs.listStatus(root)) {
      String name = st.getPath().getName();
      if (st.isDirectory() && name.startsWith("date=")) {
        try {
          LocalDate.parse(name.substring(5));
        } catch (DateTimeParseException e) {
          throw new IOException(st.getPath() + ": not a date=YYYY-MM-DD partition", e);
        }
        parts.add(st.getPath());
      }
    }
    if (parts.isEmpty()) {
      throw new IOException("data.root " + root + " holds no date=YYYY-MM-DD partitions");
    }
    parts.sort((a, b) -> a.getName().compareTo(b.getName()));
    return parts.subList(Math.max(0, parts.size() - n), parts.size());
  }

  /** One Hadoop glob for the partitions: {@code root/{date=a,date=b}}. */
  private static String glob(Path root, List<Path> parts) {
    List<String> names = parts.stream().map(Path::getName).toList();
    return names.size() == 1 ? new Path(root, names.get(0)).toString()
        : root + "/{" + String.join(",", names) + "}";
  }

  /** The deterministic holdout metrics of the model in {@code modelDir}, a pipeline's too. */
  private static Metrics evaluate(SparkSession spark, JobConfig c, Path modelDir)
      throws IOException {
    ModelLocator.Found found = ModelLocator.find(modelDir, spark.sparkContext()
        .hadoopConfiguration());
    SparseVdModel m = ModelFormat.read(found.modelDir(), spark.sparkContext()
        .hadoopConfiguration());
    try (PersistedBlocks test = found.inPipeline()
        ? TabularJob.prepared(spark, c, found.pipeline().toString(), m,
            TabularData.read(spark, c).all(), "the holdout rows of " + c.get("data.train"))
        : JobData.loadTest(spark, c, m.scaling(), m.def().inputSize(), m.numClasses())) {
      return SparkEvaluation.metrics(JavaSparkContext.fromSparkContext(spark.sparkContext()),
          test.rdd(), m.def(), m.numClasses(), m.params(), 0, 0);
    }
  }

  private static ObjectNode metrics(Metrics m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("holdout_examples", m.count());
    o.put("holdout_error", m.error());
    o.put("holdout_nll", m.nll());
    return o;
  }

  /** The failure's own message and those of its causes, without Spark's task details. */
  private static String reason(Throwable e) {
    StringBuilder b = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c.getMessage() != null && !b.toString().contains(c.getMessage())) {
        b.append(" <- ").append(c.getClass().getSimpleName()).append(": ")
            .append(c.getMessage().lines().findFirst().orElse(""));
      }
    }
    return b.toString();
  }
}
