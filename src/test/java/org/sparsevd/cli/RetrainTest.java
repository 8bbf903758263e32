package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.ModelStore;
import org.sparsevd.spark.TestSpark;

/**
 * Scheduled retraining on MNIST slices as daily Parquet partitions: the first run publishes,
 * a better candidate is published, a worse one (trained on mislabelled data) and a failed one
 * (invalid data) leave the published model in place; each run leaves its report.
 */
class RetrainTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 500;
  @TempDir static Path tmp;
  private static SparkSession spark;
  private static LabeledData mnist;
  private static Path weak;
  private static Path strong;
  private static String holdout;

  @BeforeAll
  static void setUp() throws Exception {
    spark = TestSpark.session();
    mnist = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration());
    holdout = tmp.resolve("holdout").toString();
    MnistParquet.write(spark, holdout, MnistIdx.readTest(SharedData.mnistDir().toString(),
        new Configuration()).slice(0, 1000), y -> y);
    String common = String.join("\n", "data.format = parquet", "data.scaling = divide_255",
        "layers = vd(64) | relu | vd(10)", "batch_size = 100", "lr_schedule = constant",
        "kl_schedule = linear(1, 2)", "partitions = 2", "checkpoint_every = 0", "seed = 3", "");
    weak = Files.writeString(tmp.resolve("weak.properties"), common + "epochs = 1\nlr = 1e-3\n");
    strong = Files.writeString(tmp.resolve("strong.properties"),
        common + "epochs = 3\nlr = 3e-3\n");
  }

  /** Writes day {@code day} of November 2026: the {@code index}-th slice of ROWS rows. */
  private static void day(Path root, int day, int index, IntUnaryOperator label) {
    MnistParquet.write(spark, root.resolve(String.format("date=2026-11-%02d", day)).toString(),
        mnist.slice(index * ROWS, (index + 1) * ROWS), label);
  }

  private static JsonNode retrain(Path root, Path config, String run, int newest,
      String... more) throws Exception {
    Path store = root.resolveSibling(root.getFileName() + "-store");
    List<String> args = new java.util.ArrayList<>(List.of(
        "--train_config", config.toString(), "--data.root", root.toString(),
        "--data.newest", String.valueOf(newest), "--holdout", holdout,
        "--store", store.toString(), "--margin", "0.01", "--run_id", run));
    args.addAll(List.of(more));
    JsonNode report = Retrain.run(spark, RetrainConfig.parse(args.toArray(String[]::new)));
    assertEquals(JSON.readTree(report.toString()),
        JSON.readTree(store.resolve("reports/" + run + ".json").toFile()), "the stored report");
    return report;
  }

  private static ModelStore store(Path root) {
    return new ModelStore(new org.apache.hadoop.fs.Path(
        root.resolveSibling(root.getFileName() + "-store").toString()), new Configuration());
  }

  private static double error(JsonNode report, String which) {
    return report.get(which).get("holdout_error").asDouble();
  }

  @Test
  void firstRunPublishes() throws Exception {
    Path root = tmp.resolve("first");
    day(root, 1, 0, y -> y);
    day(root, 2, 1, y -> y);
    // The next day's partition, scored by the model just published as the run's last step.
    day(root.resolveSibling("first-next"), 3, 2, y -> y);
    Path next = root.resolveSibling("first-next").resolve("date=2026-11-03");
    JsonNode r = retrain(root, weak, "r1", 7, "--score.input", next.toString(),
        "--score.args", "--keep_cols label --mc_samples 2");
    assertEquals("published", r.get("status").asText(), r.toString());
    JsonNode scores = r.get("scores");
    assertEquals(ROWS, scores.get("rows").asLong(), r.toString());
    assertTrue(scores.get("model").asText().endsWith("runs/r1/model"), r.toString());
    Path written = root.resolveSibling("first-store").resolve("scores/r1");
    assertTrue(Files.exists(written.resolve("_SUCCESS")));
    assertEquals(List.of("label", "prediction", "probability", "predictiveEntropy",
        "probabilityVariance"), List.of(spark.read().parquet(written.toString()).columns()));
    assertEquals(List.of("date=2026-11-01", "date=2026-11-02"),
        List.of(r.get("partitions").get(0).asText(), r.get("partitions").get(1).asText()));
    assertFalse(r.has("published_holdout"));
    assertTrue(error(r, "candidate_holdout") < 0.5, r.toString());
    ModelStore.Published p = store(root).current().orElseThrow();
    assertEquals(1, p.sequence());
    assertEquals("r1", p.run());
    assertTrue(p.model().toString().endsWith("runs/r1/model"), p.model().toString());
  }

  @Test
  void betterCandidateIsPublishedWarmStarted() throws Exception {
    Path root = tmp.resolve("better");
    for (int d = 1; d <= 3; d++) {
      day(root, d, d - 1, y -> y);
    }
    assertEquals("published", retrain(root, weak, "r1", 1).get("status").asText());
    JsonNode r = retrain(root, strong, "r2", 3);
    assertEquals("published", r.get("status").asText(), r.toString());
    assertTrue(error(r, "candidate_holdout") < error(r, "published_holdout"), r.toString());
    ModelStore.Published p = store(root).current().orElseThrow();
    assertEquals(2, p.sequence());
    assertEquals("r2", p.run());
    String init = ModelFormat.read(p.model(), new Configuration()).provenance().get("init_model");
    assertTrue(init.endsWith("runs/r1/model"), "warm-started from " + init);
  }

  @Test
  void worseCandidateLeavesThePublishedModel() throws Exception {
    Path root = tmp.resolve("worse");
    day(root, 1, 0, y -> y);
    assertEquals("published", retrain(root, strong, "r1", 1).get("status").asText());
    // The newest day arrives with every label shifted by one.
    day(root, 2, 1, y -> (y + 1) % 10);
    JsonNode r = retrain(root, strong, "r2", 1);
    assertEquals("rejected_worse", r.get("status").asText(), r.toString());
    assertTrue(error(r, "candidate_holdout") > error(r, "published_holdout") + 0.01,
        r.toString());
    assertTrue(r.get("reason").asText().startsWith("holdout error"), r.toString());
    ModelStore.Published p = store(root).current().orElseThrow();
    assertEquals("r1", p.run());
    assertEquals(1, p.sequence());
  }

  @Test
  void failedRunLeavesThePublishedModelAndSaysWhy() throws Exception {
    Path root = tmp.resolve("failed");
    day(root, 1, 0, y -> y);
    assertEquals("published", retrain(root, weak, "r1", 1).get("status").asText());
    // The newest day holds a label outside the 10 classes: training stops on it.
    day(root, 2, 1, y -> y == 7 ? 12 : y);
    JsonNode r = retrain(root, weak, "r2", 2);
    assertEquals("failed", r.get("status").asText(), r.toString());
    String reason = r.get("reason").asText();
    assertTrue(reason.startsWith("invalid data: ") && reason.contains("date=2026-11-02")
        && reason.contains("label 12 outside [0, 10)"), reason);
    assertTrue(r.get("invalid_data").asBoolean(), r.toString());
    assertEquals("r1", store(root).current().orElseThrow().run());
    assertFalse(Files.exists(root.resolveSibling("failed-store/runs/r2/_SUCCESS")));
  }

  @Test
  void warmStartBeginsAtTheModelAndNeedsItsNetwork() throws Exception {
    Path root = tmp.resolve("warm");
    day(root, 1, 0, y -> y);
    retrain(root, weak, "r1", 1);
    String model = store(root).current().orElseThrow().model().toString();
    String[] base = {weak.toString(), "--data.train", root.resolve("date=2026-11-01").toString()};
    // A learning rate of 1e-9 leaves every parameter within about 1e-8 of where it started.
    Path out = tmp.resolve("warm-tiny-lr");
    Train.run(spark, Train.COMMAND.parse(concat(base, "--init_model", model, "--lr", "1e-9",
        "--output", out.toString())));
    float[] start = ModelFormat.read(new org.apache.hadoop.fs.Path(model), new Configuration())
        .params();
    assertArrayEquals(start, TrainJobTest.params(out), 1e-6f);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Train.run(spark, Train.COMMAND.parse(concat(base, "--init_model", model, "--layers",
            "vd(32) | relu | vd(10)", "--output", tmp.resolve("warm-other").toString()))));
    assertTrue(e.getMessage().contains("vd(32) | relu | vd(10)")
        && e.getMessage().contains("a warm start needs the same network"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Train.run(spark, Train.COMMAND.parse(
        concat(base, "--init_model", model, "--data.scaling", "center", "--output",
            tmp.resolve("warm-scaling").toString()))));
    assertTrue(e.getMessage().contains("trained with scaling divide_255"), e.getMessage());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
