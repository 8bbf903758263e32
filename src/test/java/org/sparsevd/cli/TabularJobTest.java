package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.export.CsrExport;
import org.sparsevd.export.CsrModel;
import org.sparsevd.ml.SparseVDClassificationModel;
import org.sparsevd.spark.TestSpark;

/**
 * The tabular pipeline on a small CSV made to be learnable: the class follows from a number
 * and a colour; a constant column and a noise column carry nothing.
 */
class TabularJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path csv;

  @BeforeAll
  static void data() throws Exception {
    spark = TestSpark.session();
    Random r = new Random(11);
    String[] colours = {"red", "green", "blue"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      double x = r.nextDouble() * 2 - 1;
      String colour = colours[r.nextInt(3)];
      String label = colour.equals("blue") ? "rare." : x > 0 ? "high." : "low.";
      lines.add(String.format(Locale.ROOT, "%.4f,%s,7,%.4f,%s", x, colour, r.nextGaussian(),
          label));
    }
    csv = tmp.resolve("rows.csv");
    Files.write(csv, lines);
  }

  static List<String> args(Path data, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("--pipeline", "tabular", "--data.format", "csv",
        "--data.train", data.toString(), "--data.csv_header", "false",
        "--data.column_names", "x,colour,constant,noise,class", "--data.label_col", "class",
        "--data.categorical_cols", "colour", "--data.test_fraction", "0.2",
        "--layers", "vd(16) | relu | vd(3)", "--epochs", "8", "--batch_size", "100",
        "--lr", "1e-2", "--lr_schedule", "constant", "--kl_schedule", "linear(1, 3)",
        "--partitions", "2", "--output", out.toString()));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void trainsComparesWithTheMlpAndSelectsFeatures() throws Exception {
    Path out = tmp.resolve("run");
    TabularJob.run(spark, Train.COMMAND.parse(args(csv, out, "--compare_mlp", "true",
        "--mlp.max_iter", "20").toArray(new String[0])));
    JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(3, s.get("classes").asInt());
    // x, colour one-hot (3 values and the slot for unseen ones), constant, noise.
    assertEquals(7, s.get("input_features").asInt());
    JsonNode vd = s.get("sparsevd");
    assertTrue(vd.get("accuracy").asDouble() > 0.9, vd.toString());
    assertTrue(vd.get("macro_f1").asDouble() > 0.85, vd.toString());
    assertTrue(vd.get("compression").asDouble() > 1.5, vd.toString());
    List<String> pruned = new ArrayList<>();
    vd.get("pruned_columns").forEach(n -> pruned.add(n.asText()));
    assertTrue(pruned.contains("constant"), pruned.toString());
    assertTrue(!pruned.contains("x") && !pruned.contains("colour"), pruned.toString());
    assertTrue(s.get("mlp").get("accuracy").asDouble() > 0.5, s.get("mlp").toString());
    assertTrue(Files.exists(out.resolve(OutputDir.MARKER)));

    PipelineModel model = PipelineModel.load(out.resolve("model").toString());
    assertTrue(model.stages()[model.stages().length - 1] instanceof SparseVDClassificationModel);
    List<Row> predicted = model.transform(TabularData.read(spark, Train.COMMAND.parse(
            args(csv, out).toArray(new String[0]))).all())
        .select("features_std", "probability", "prediction", "label_index").collectAsList();
    long right = predicted.stream().filter(r -> r.getDouble(2) == r.getDouble(3)).count();
    assertTrue(right > 0.9 * 1500, right + " of 1500");

    // The evaluate job scores the run's held-out rows through its own feature stages.
    List<String> a = args(csv, out);
    StringBuilder config = new StringBuilder();
    for (int i = 0; i < a.size(); i += 2) {
      config.append(a.get(i).substring(2)).append(" = ").append(a.get(i + 1)).append('\n');
    }
    Path file = Files.writeString(tmp.resolve("tabular.properties"), config);
    JsonNode ev = JSON.readTree(Evaluate.run(spark, Evaluate.COMMAND.parse(new String[] {
        file.toString(), "--mc_samples", "4"})));
    assertEquals(s.get("test_rows").asLong(), ev.get("examples").asLong());
    assertEquals(vd.get("accuracy").asDouble(), ev.get("deterministic").get("accuracy")
        .asDouble(), 1.0 / s.get("test_rows").asLong() + 1e-12, ev.toString());
    assertEquals(vd.get("nll").asDouble(), ev.get("deterministic").get("nll").asDouble(), 1e-4);
    assertTrue(ev.get("monte_carlo").get("accuracy").asDouble() > 0.85, ev.toString());
    assertTrue(Files.exists(out.resolve("evaluation.json")));

    // The export job finds the SparseVD stage inside the saved PipelineModel.
    Path csrFile = tmp.resolve("tabular.csr");
    Export.run(new String[] {out.resolve("model").toString(), "--format", "csr",
        csrFile.toString()}, new org.apache.hadoop.conf.Configuration());
    CsrModel csr = CsrExport.read(csrFile);
    for (Row r : predicted.subList(0, 50)) {
      double[] x = ((Vector) r.get(0)).toArray();
      float[] f = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        f[j] = (float) x[j];
      }
      double[] want = ((Vector) r.get(1)).toArray();
      float[] got = csr.probabilities(f, 1);
      for (int c = 0; c < want.length; c++) {
        assertEquals(want[c], got[c], 1e-5);
      }
    }
  }

  /**
   * Scheduled retraining of a tabular pipeline: the first run publishes; the second is
   * warm-started from the published pipeline's SparseVD stage and both are scored on the
   * holdout table through their own stages.
   */
  @Test
  void retrainsATabularPipeline() throws Exception {
    List<String> lines = Files.readAllLines(csv);
    Path root = tmp.resolve("days");
    for (int d = 0; d < 2; d++) {
      Path day = Files.createDirectories(root.resolve("date=2026-11-0" + (d + 1)));
      Files.write(day.resolve("rows.csv"), lines.subList(d * 600, (d + 1) * 600));
    }
    Path holdout = Files.write(tmp.resolve("holdout.csv"), lines.subList(1200, 1500));
    List<String> a = args(csv, tmp.resolve("unused"));
    StringBuilder config = new StringBuilder();
    for (int i = 0; i < a.size(); i += 2) {
      if (!a.get(i).equals("--data.train") && !a.get(i).equals("--output")) {
        config.append(a.get(i).substring(2)).append(" = ").append(a.get(i + 1)).append('\n');
      }
    }
    Path file = Files.writeString(tmp.resolve("retrain-tabular.properties"), config);
    Path store = tmp.resolve("tabular-store");
    JsonNode[] runs = new JsonNode[2];
    for (int r = 0; r < 2; r++) {
      runs[r] = Retrain.run(spark, RetrainConfig.parse(new String[] {
          "--train_config", file.toString(), "--data.root", root.toString(), "--data.newest",
          String.valueOf(r + 1), "--holdout", holdout.toString(), "--store", store.toString(),
          "--margin", "0.5", "--run_id", "t" + r}));
      assertEquals("published", runs[r].get("status").asText(), runs[r].toString());
      assertEquals(300, runs[r].get("candidate_holdout").get("holdout_examples").asLong());
      assertTrue(runs[r].get("candidate_holdout").get("holdout_error").asDouble() < 0.2,
          runs[r].toString());
    }
    assertEquals(300, runs[1].get("published_holdout").get("holdout_examples").asLong());
    SparseVDClassificationModel second = (SparseVDClassificationModel) PipelineModel.load(
        store.resolve("runs/t1/model").toString()).stages()[2];
    String init = second.trained().provenance().get("init_model");
    assertTrue(init.contains("runs/t0/model/stages/") && init.endsWith("/data"), init);
  }

  /**
   * A layer list other than vd(N) | relu | ... goes to the estimator whole; compare_mlp, which
   * needs a perceptron of the same shape, refuses it before training.
   */
  @Test
  void takesAnyLayerListOfTheTrainJob() throws Exception {
    String layers = "vd(16, init=glorot) | sbp | relu | vd(3)";
    Path out = tmp.resolve("layers");
    List<String> a = args(csv, out);
    a.set(a.indexOf("--layers") + 1, layers);
    TabularJob.run(spark, Train.COMMAND.parse(a.toArray(new String[0])));
    PipelineModel model = PipelineModel.load(out.resolve("model").toString());
    SparseVDClassificationModel vd =
        (SparseVDClassificationModel) model.stages()[model.stages().length - 1];
    assertEquals(layers.replace(" ", ""), vd.trained().def().layers().replace(" ", ""));
    JsonNode s = JSON.readTree(out.resolve("summary.json").toFile()).get("sparsevd");
    assertTrue(s.get("accuracy").asDouble() > 0.9, s.toString());

    Path refused = tmp.resolve("refused");
    List<String> b = args(csv, refused, "--compare_mlp", "true");
    b.set(b.indexOf("--layers") + 1, layers);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TabularJob.run(spark, Train.COMMAND.parse(b.toArray(new String[0]))));
    assertTrue(e.getMessage().contains("compare_mlp") && e.getMessage().contains(layers),
        e.getMessage());
    assertTrue(!Files.exists(refused.resolve(OutputDir.MARKER)));
  }

  @Test
  void aValueThatIsNotANumberNamesTheFileColumnAndRow() throws Exception {
    Path bad = tmp.resolve("bad.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(csv).subList(0, 50));
    lines.set(17, "0.5,red,7,oops,high.");
    Files.write(bad, lines);
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> TabularJob.run(spark, Train.COMMAND.parse(args(bad, tmp.resolve("bad-out"))
            .toArray(new String[0]))));
    assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("'noise'")
        && e.getMessage().contains("oops"), e.getMessage());
    assertTrue(!Files.exists(tmp.resolve("bad-out").resolve(OutputDir.MARKER)));
  }
}
