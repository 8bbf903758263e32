package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.Scaling;
import org.sparsevd.ml.SparseVDClassificationModel;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.LayerWeights;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.spark.TestSpark;

/**
 * The score job on Parquet, CSV and LibSVM input: every row scored as the masked dense network
 * scores it, the kept columns beside, {@code _SUCCESS} only for a complete output, bad rows
 * named (or skipped and counted), and the Monte-Carlo columns equal to those of the Spark ML
 * model's {@code transform} on the same run folder.
 */
class ScoreTest {
  private static final int IN = 12;
  private static final int CLASSES = 3;
  private static final int ROWS = 700;
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static SparkSession spark;
  private static SparseVdModel model;
  private static Path runDir;
  private static float[][] features;

  @BeforeAll
  static void saveModelAndData() throws Exception {
    spark = TestSpark.session();
    NetworkDef def = new NetworkDef("vd(10) | relu | vd(3)", IN, VdSettings.DEFAULTS);
    Network net = def.build();
    float[] params = net.initParams(2);
    SplittableRandom rnd = new SplittableRandom(2);
    for (int l : new int[] {0, 2}) {
      int n = LayerWeights.count(net.layers().get(l));
      for (int k = 0; k < n; k++) {
        params[net.offset(l) + k] = (float) rnd.nextGaussian();
        params[net.offset(l) + n + k] = rnd.nextDouble() < 0.6 ? 5f : -3f;
      }
    }
    model = new SparseVdModel(def, CLASSES, params, Scaling.divide255(), Map.of());
    runDir = tmp.resolve("run");
    ModelFormat.write(model, new org.apache.hadoop.fs.Path(runDir.resolve("model").toString()),
        new Configuration());
    features = new float[ROWS][IN];
    for (float[] row : features) {
      for (int j = 0; j < IN; j++) {
        row[j] = rnd.nextInt(256);
      }
    }
  }

  /** Rows: id, a vector column, and the same features as numeric columns f0, f1, .... */
  private static Path parquet(String name, int files) {
    StructType schema = new StructType().add("id", DataTypes.LongType)
        .add("features", SQLDataTypes.VectorType());
    for (int j = 0; j < IN; j++) {
      schema = schema.add("f" + j, DataTypes.DoubleType);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Object[] v = new Object[IN + 2];
      v[0] = (long) i;
      double[] d = new double[IN];
      for (int j = 0; j < IN; j++) {
        d[j] = features[i][j];
        v[j + 2] = d[j];
      }
      v[1] = Vectors.dense(d);
      rows.add(RowFactory.create(v));
    }
    Path p = tmp.resolve(name);
    spark.createDataFrame(rows, schema).repartition(files).sortWithinPartitions("id")
        .write().parquet(p.toString());
    return p;
  }

  private static Path csv(String name, int badRow) throws Exception {
    StringBuilder b = new StringBuilder("id");
    for (int j = 0; j < IN; j++) {
      b.append(",f").append(j);
    }
    b.append('\n');
    for (int i = 0; i < ROWS; i++) {
      b.append("row").append(i);
      for (int j = 0; j < IN; j++) {
        b.append(',').append(i == badRow && j == 4 ? "bright" : (int) features[i][j]);
      }
      b.append('\n');
    }
    Path p = tmp.resolve(name);
    Files.writeString(p, b);
    return p;
  }

  private static String score(String... args) throws Exception {
    return Score.run(spark, Score.COMMAND.parse(args));
  }

  /** The output's rows by their first column. */
  private static Map<Object, Row> read(Path out) {
    Map<Object, Row> byKey = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      byKey.put(r.get(0), r);
    }
    return byKey;
  }

  /** The masked dense network's probabilities of row i. */
  private static float[] expected(int i) {
    float[] x = features[i].clone();
    model.scaling().applyInPlace(x, IN);
    Network net = model.network();
    float[] p = new float[CLASSES];
    SoftmaxCrossEntropy.softmax(net.forward(model.params(), x, 1, Mode.EVAL, null,
        net.newWorkspace(1)), p, 1, CLASSES);
    return p;
  }

  private static void assertScores(Row r, int i, int first) {
    float[] p = expected(i);
    List<Double> got = r.getList(first + 1);
    int best = 0;
    for (int c = 0; c < CLASSES; c++) {
      assertEquals(p[c], got.get(c), 1e-6, "row " + i + " class " + c);
      best = p[c] > p[best] ? c : best;
    }
    assertEquals(best, r.getDouble(first), "row " + i);
  }

  @Test
  void parquetVectorsAreScoredWithTheirIds() throws Exception {
    Path in = parquet("in.parquet", 3);
    Path out = tmp.resolve("scores-parquet");
    JsonNode report = JSON.readTree(score(runDir.toString(), in.toString(), out.toString(),
        "--keep_cols", "id"));
    assertEquals(ROWS, report.get("rows").asLong());
    assertEquals(0, report.get("skipped_rows").asLong());
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    Map<Object, Row> rows = read(out);
    assertEquals(ROWS, rows.size());
    assertEquals(List.of("id", "prediction", "probability"),
        List.of(spark.read().parquet(out.toString()).columns()));
    for (int i = 0; i < ROWS; i++) {
      assertScores(rows.get((long) i), i, 1);
    }
    // The numeric columns are the same features: the same scores, bit for bit.
    Path cols = tmp.resolve("scores-cols");
    score(runDir.resolve("model").toString(), in.toString(), cols.toString(), "--keep_cols",
        "id", "--data.feature_cols", String.join(",", names()));
    Map<Object, Row> again = read(cols);
    for (int i = 0; i < ROWS; i++) {
      assertEquals(rows.get((long) i), again.get((long) i));
    }
    // An existing output is kept unless --overwrite.
    assertTrue(assertThrows(IllegalArgumentException.class, () -> score(runDir.toString(),
        in.toString(), out.toString())).getMessage().endsWith("exists; --overwrite replaces it"));
    score(runDir.toString(), in.toString(), out.toString(), "--keep_cols", "id",
        "--overwrite", "--partition_by", "id", "--data.feature_cols", "f0,f1,f2,f3,f4,f5,f6,f7,f8,"
            + "f9,f10,f11");
    assertTrue(Files.isDirectory(out.resolve("id=7")));
  }

  private static List<String> names() {
    List<String> n = new ArrayList<>();
    for (int j = 0; j < IN; j++) {
      n.add("f" + j);
    }
    return n;
  }

  @Test
  void monteCarloColumnsMatchTheSparkMlModelLoadedFromTheRunFolder() throws Exception {
    Path one = parquet("mc1.parquet", 1);
    Path four = parquet("mc4.parquet", 4);
    Path a = tmp.resolve("mc-a");
    Path b = tmp.resolve("mc-b");
    score(runDir.toString(), one.toString(), a.toString(), "--keep_cols", "id",
        "--mc_samples", "5", "--seed", "11");
    score(runDir.toString(), four.toString(), b.toString(), "--keep_cols", "id",
        "--mc_samples", "5", "--seed", "11");
    Map<Object, Row> ra = read(a);
    Map<Object, Row> rb = read(b);
    SparseVDClassificationModel ml = SparseVDClassificationModel.load(runDir.toString())
        .setMcSamples(5).setSeed(11);
    Map<Object, Row> rm = new HashMap<>();
    for (Row r : ml.transform(spark.read().parquet(one.toString())).select("id",
        "predictiveEntropy", "probabilityVariance", "prediction").collectAsList()) {
      rm.put(r.get(0), r);
    }
    for (long i = 0; i < ROWS; i++) {
      Row x = ra.get(i);
      assertEquals(x, rb.get(i), "row " + i + " in 1 and in 4 files");
      assertEquals(rm.get(i).getDouble(1), x.getDouble(3), 1e-12, "entropy of row " + i);
      assertEquals(rm.get(i).getDouble(2), x.getDouble(4), 1e-12, "variance of row " + i);
      assertEquals(rm.get(i).getDouble(3), x.getDouble(1), "prediction of row " + i);
    }
    assertTrue(ra.values().stream().anyMatch(r -> r.getDouble(4) > 0));
  }

  @Test
  void csvWithoutLabelsAndABadValue() throws Exception {
    Path good = csv("good.csv", -1);
    Path out = tmp.resolve("scores-csv");
    score(runDir.toString(), good.toString(), out.toString(), "--format", "csv",
        "--keep_cols", "id");
    Map<Object, Row> rows = read(out);
    assertEquals(ROWS, rows.size());
    for (int i = 0; i < ROWS; i++) {
      assertScores(rows.get("row" + i), i, 1);
    }

    Path bad = csv("bad.csv", 321);
    Path failed = tmp.resolve("scores-bad");
    String message = "file://" + bad + " row 321: column 'f4': 'bright' is not a number";
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = JobCommand.status(() -> score(runDir.toString(), bad.toString(),
        failed.toString(), "--format", "csv", "--keep_cols", "id"),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(JobCommand.EXIT_INVALID_DATA, status);
    String[] lines = err.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals("invalid data: " + message, lines[lines.length - 1]);
    assertFalse(Files.exists(failed.resolve("_SUCCESS")), "a failed run leaves no _SUCCESS");

    JsonNode report = JSON.readTree(score(runDir.toString(), bad.toString(), failed.toString(),
        "--format", "csv", "--keep_cols", "id", "--skip-invalid", "--overwrite"));
    assertEquals(ROWS - 1, report.get("rows").asLong());
    assertEquals(1, report.get("skipped_rows").asLong());
    assertEquals(message, report.get("skip_reasons").get(0).asText());
    assertFalse(read(failed).containsKey("row321"));
  }

  @Test
  void libsvmRowsKeepTheirLabels() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      b.append(i % CLASSES);
      for (int j = 0; j < IN; j++) {
        if (features[i][j] != 0) {
          b.append(' ').append(j + 1).append(':').append((int) features[i][j]);
        }
      }
      b.append('\n');
    }
    Path in = tmp.resolve("in.libsvm");
    Files.writeString(in, b);
    Path out = tmp.resolve("scores-libsvm");
    score(runDir.toString(), in.toString(), out.toString(), "--format", "libsvm");
    List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
    assertEquals(ROWS, rows.size());
    // One file, one partition: the rows come back in the file's order.
    for (int i = 0; i < ROWS; i++) {
      assertEquals(i % CLASSES, rows.get(i).getDouble(0));
      assertScores(rows.get(i), i, 1);
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> score(runDir.toString(),
        in.toString(), tmp.resolve("x").toString(), "--format", "libsvm", "--keep_cols", "id"))
        .getMessage().contains("a LibSVM row has no columns to keep [id]"));
  }

  @Test
  void theSparkMlModelLoadsARunFolderAndItsModelFolder() {
    for (Path p : List.of(runDir, runDir.resolve("model"))) {
      SparseVDClassificationModel m = SparseVDClassificationModel.load(p.toString());
      assertArrayEquals(model.params(), m.trained().params());
      assertEquals(model.def().layers(), m.trained().def().layers());
    }
    assertTrue(assertThrows(RuntimeException.class, () -> SparseVDClassificationModel.load(
        tmp.toString())).getMessage().contains("no model here"));
  }
}
