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
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.SharedData;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.spark.TestSpark;

/**
 * The train job end to end in local[2] on a slice of MNIST: it learns and prunes, reruns are
 * bit-identical, a resumed run ends with the uninterrupted model, and the output directory
 * protocol holds.
 */
class TrainJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  private static Path config;
  @TempDir static Path tmp;

  @BeforeAll
  static void setUp() throws Exception {
    spark = TestSpark.session();
    config = tmp.resolve("small.properties");
    Files.writeString(config, String.join("\n",
        "data.format = mnist",
        "data.dir = " + SharedData.mnistDir(),
        "data.train_limit = 4000",
        "data.scaling = divide_255",
        "layers = vd(64) | relu | vd(10)",
        "batch_size = 100",
        "epochs = 4",
        "lr = 3e-3",
        "lr_schedule = constant",
        "kl_schedule = linear(1, 2)",
        "partitions = 2",
        "checkpoint_every = 1",
        "seed = 5"));
  }

  static String train(Path out, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(config.toString(), "--output", out.toString()));
    args.addAll(List.of(extra));
    return Train.run(spark, Train.COMMAND.parse(args.toArray(new String[0])));
  }

  static float[] params(Path out) throws Exception {
    return ModelFormat.read(new org.apache.hadoop.fs.Path(out.resolve("model").toString()),
        new Configuration()).params();
  }

  @Test
  void learnsPrunesAndWritesACompleteOutput() throws Exception {
    Path out = tmp.resolve("run");
    train(out);
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(4, lines.size());
    JsonNode first = JSON.readTree(lines.get(0));
    JsonNode last = JSON.readTree(lines.get(3));
    assertTrue(last.get("test_accuracy").asDouble() > 0.85, last.toString());
    assertTrue(last.get("sparsity").asDouble() > first.get("sparsity").asDouble() + 0.3,
        first + " -> " + last);
    for (String key : List.of("loss", "nll", "kl", "kl_weight", "lr", "test_nll", "compression",
        "layers", "epoch_seconds", "examples_per_second")) {
      assertTrue(last.has(key), "metrics line lacks " + key);
    }
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(4, summary.get("epochs").asInt());
    assertEquals(last.get("compression").asDouble(), summary.get("compression").asDouble(), 1e-9);
    assertTrue(Files.exists(out.resolve(OutputDir.MARKER)));
    assertEquals(4000 / 100 * 4, summary.get("steps").asInt());
    var model = ModelFormat.read(new org.apache.hadoop.fs.Path(out.resolve("model").toString()),
        new Configuration());
    assertEquals(org.sparsevd.sparse.ShrunkConvNetwork.of(model.network(), model.params()).spec(),
        summary.get("shrunk_network").asText());

    String report = Evaluate.run(spark, Evaluate.COMMAND.parse(new String[] {config.toString(),
        "--output", out.toString(), "--mc_samples", "5"}));
    JsonNode eval = JSON.readTree(report);
    assertEquals(10000, eval.get("examples").asInt());
    assertEquals(last.get("test_accuracy").asDouble(),
        eval.get("deterministic").get("accuracy").asDouble(), 1e-12);
    assertTrue(eval.get("monte_carlo").get("accuracy").asDouble() > 0.85, report);
    assertTrue(Files.exists(out.resolve("evaluation.json")));
  }

  @Test
  void rerunsAreBitIdenticalAndResumeReachesTheSameModel() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    train(a);
    // Serialised, spillable caching changes where blocks live, not what is computed.
    train(b, "--storage_level", "MEMORY_AND_DISK_SER");
    assertArrayEquals(params(a), params(b));

    // A crash after epoch 2: the checkpoint of epoch 2 and the metrics are there, nothing else.
    Path c = tmp.resolve("c");
    Files.createDirectories(c.resolve("checkpoints"));
    Files.copy(a.resolve("checkpoints/ckpt-000002.bin"), c.resolve("checkpoints/ckpt-000002.bin"));
    Files.copy(a.resolve("metrics.jsonl"), c.resolve("metrics.jsonl"));
    assertFalse(Files.exists(c.resolve(OutputDir.MARKER)));
    train(c, "--resume");
    assertArrayEquals(params(a), params(c));
    assertEquals(Files.readAllLines(a.resolve("metrics.jsonl")).size(),
        Files.readAllLines(c.resolve("metrics.jsonl")).size());
  }

  @Test
  void aWarmStartAddsStructuredPruningToATrainedNetwork() throws Exception {
    Path base = tmp.resolve("base");
    train(base);
    Path sbp = tmp.resolve("sbp");
    train(sbp, "--init_model", base.resolve("model").toString(), "--layers",
        "vd(64) | sbp | relu | vd(10)", "--epochs", "1", "--lr", "1e-5");
    double before = JSON.readTree(base.resolve("summary.json").toFile())
        .get("test_accuracy").asDouble();
    JsonNode after = JSON.readTree(sbp.resolve("summary.json").toFile());
    // The trained layers carry over and sbp starts as theta = 1: one epoch at a tiny rate
    // keeps the accuracy, where a fresh start would be near chance.
    assertEquals(before, after.get("test_accuracy").asDouble(), 0.02, after.toString());
    assertEquals("vd(64) | sbp | relu | vd(10)", after.get("config").get("layers").asText());
  }

  @Test
  void partitionCountChangesOnlyRoundOff() throws Exception {
    Path two = tmp.resolve("two");
    Path three = tmp.resolve("three");
    train(two, "--epochs", "2");
    train(three, "--epochs", "2", "--partitions", "3");
    JsonNode s2 = JSON.readTree(two.resolve("summary.json").toFile());
    JsonNode s3 = JSON.readTree(three.resolve("summary.json").toFile());
    assertEquals(s2.get("test_accuracy").asDouble(), s3.get("test_accuracy").asDouble(), 0.01);
    assertEquals(s2.get("test_nll").asDouble(), s3.get("test_nll").asDouble(),
        0.03 * s2.get("test_nll").asDouble());
  }

  @Test
  void outputDirectoryProtocol() throws Exception {
    Path out = tmp.resolve("protocol");
    Files.createDirectories(out);
    Files.writeString(out.resolve("something"), "x");
    Exception e = assertThrows(java.io.IOException.class, () -> train(out));
    assertTrue(e.getMessage().contains("not empty: use --resume"), e.getMessage());
    Path done = tmp.resolve("done");
    train(done, "--epochs", "1");
    e = assertThrows(java.io.IOException.class, () -> train(done, "--resume", "--epochs", "1"));
    assertTrue(e.getMessage().contains("already complete"), e.getMessage());
  }

  @Test
  void trainsFromCsvFiles() throws Exception {
    org.sparsevd.data.LabeledData mnist = org.sparsevd.data.MnistIdx.readTrain(
        SharedData.mnistDir().toString(), new Configuration()).slice(0, 1200);
    Path csv = tmp.resolve("digits.csv");
    StringBuilder b = new StringBuilder("label");
    for (int i = 0; i < 784; i++) {
      b.append(",p").append(i);
    }
    b.append('\n');
    for (int r = 0; r < mnist.rows(); r++) {
      b.append(mnist.label(r));
      for (int i = 0; i < 784; i++) {
        b.append(',').append((int) mnist.feature(r, i));
      }
      b.append('\n');
    }
    Files.writeString(csv, b);
    Path out = tmp.resolve("csv-run");
    train(out, "--data.format", "csv", "--data.train", csv.toString(), "--data.test",
        csv.toString(), "--data.train_limit", "0", "--epochs", "2", "--kl_schedule",
        "constant(0)");
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(1200, summary.get("train_examples").asInt());
    assertTrue(summary.get("test_accuracy").asDouble() > 0.8, summary.toString());
  }

  @Test
  void aHeldOutSetOfAnotherWidthFailsNamingBothFilesBeforeAnythingIsCached() throws Exception {
    Path train = tmp.resolve("wide.csv");
    Path test = tmp.resolve("narrow.csv");
    Files.writeString(train, "label,a,b,c\n0,1,2,3\n1,4,5,6\n");
    Files.writeString(test, "label,a,b\n0,1,2\n");
    int cachedBefore = spark.sparkContext().getPersistentRDDs().size();
    org.sparsevd.data.InvalidDataException e = assertThrows(
        org.sparsevd.data.InvalidDataException.class, () -> train(tmp.resolve("shapes"),
            "--data.format", "csv", "--data.train", train.toString(), "--data.test",
            test.toString(), "--layers", "vd(4) | relu | vd(2)", "--data.num_classes", "2"));
    assertTrue(e.getMessage().matches(".*narrow\\.csv: 2 features, but the training data "
        + ".*wide\\.csv has 3"), e.getMessage());
    assertEquals(cachedBefore, spark.sparkContext().getPersistentRDDs().size());
  }

  @Test
  void skippedRowsAreCountedInTheSummaryWithTheirFileAndRow() throws Exception {
    StringBuilder b = new StringBuilder("label,a,b,c\n");
    for (int i = 0; i < 40; i++) {
      b.append(i % 2).append(',').append(i).append(",1,").append(i % 3).append('\n');
    }
    b.append("1,x,2,3\n");
    Path csv = tmp.resolve("one-bad.csv");
    Files.writeString(csv, b);
    String[] args = {"--data.format", "csv", "--data.train", csv.toString(), "--data.test",
        csv.toString(), "--layers", "vd(4) | relu | vd(2)", "--data.num_classes", "2",
        "--epochs", "1", "--batch_size", "10", "--data.train_limit", "0"};
    assertThrows(org.sparsevd.data.InvalidDataException.class,
        () -> train(tmp.resolve("strict"), args));
    Path out = tmp.resolve("skipping");
    List<String> skipping = new ArrayList<>(List.of(args));
    skipping.add("--skip-invalid");
    train(out, skipping.toArray(new String[0]));
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(40, summary.get("train_examples").asInt());
    assertEquals(2, summary.get("skipped_rows").asInt(), summary.toString());
    assertEquals(1, summary.get("skipped_train_rows").asInt());
    assertEquals(1, summary.get("skipped_test_rows").asInt());
    String reason = summary.get("skip_reasons").get(0).asText();
    assertTrue(reason.endsWith("one-bad.csv row 40: column 'a': 'x' is not a number"), reason);
  }

  @Test
  void configErrorsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Train.COMMAND.parse(new String[] {config.toString(), "--batchsize", "5"}));
    assertTrue(e.getMessage().startsWith("command line: unknown key 'batchsize'"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Train.COMMAND.parse(
        new String[] {config.toString(), "--epochs", "ten"}).trainConfig());
    assertEquals("epochs = 'ten': not an integer", e.getMessage());
  }
}
