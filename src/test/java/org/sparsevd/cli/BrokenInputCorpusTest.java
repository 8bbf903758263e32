package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.MnistIdxTest;
import org.sparsevd.spark.TestSpark;
import org.sparsevd.spark.data.TestImages;
import org.sparsevd.spark.data.LibSvmTextTest;

/**
 * The broken-input corpus of every format through the train job, run in this JVM as its
 * {@code main} runs it ({@link JobCommand#status} around {@link Train#run}): each broken file
 * ends the job with exit status 3 and a message naming the file and the row or line, and no
 * model is written. A row fault under {@code --skip-invalid} trains on the other rows and
 * reports the skipped one in {@code summary.json}; a file fault fails even then. CSV and Parquet
 * faults sit in the second of three rows, LibSVM's are {@link LibSvmTextTest}'s (which checks
 * its parser line by line), and the IDX faults replace one file of a small MNIST folder; file
 * faults add what Spark's own readers meet: a gzip stream cut short, a Parquet file without its
 * footer or with a corrupt page. Image folders have an image file of each fault (a truncated
 * JPEG, text named .jpg, another size) and an empty class folder.
 */
class BrokenInputCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /**
   * A broken input and what the job must say.
   *
   * @param name the case, for the report
   * @param keys the data keys that name the input
   * @param message the whole message, or (ending in "...") its start
   * @param kept rows trained on under --skip-invalid; -1: a file fault, which fails even then
   */
  record Case(String name, List<String> keys, String message, long kept) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A CSV data row (columns label, a, b) and the end of its message. */
  record CsvFault(String row, String problem) {
    @Override
    public String toString() {
      return row;
    }
  }

  static List<CsvFault> csvFaults() {
    return List.of(
        new CsvFault("1,x7,3", "column 'a': 'x7' is not a number"),
        new CsvFault("1,NaN,3", "column 'a': NaN"),
        new CsvFault("1,3,-Infinity", "column 'b': -Infinity"),
        new CsvFault("1,1e39,3", "column 'a': 1.0E39 does not fit in a float"),
        new CsvFault("1,,3", "column 'a' is empty"),
        new CsvFault(",2,3", "column 'label' is empty"),
        new CsvFault("one,2,3", "column 'label': 'one' is not a number"),
        new CsvFault("1.5,2,3", "label 1.5 is not an integer"),
        new CsvFault("12,2,3", "label 12 outside [0, 10)"),
        new CsvFault("-1,2,3", "label -1 outside [0, 10)"),
        new CsvFault("1,2", "malformed CSV record, expected 3 values (label, a, b): '1,2'"),
        new CsvFault("1,2,3,4",
            "malformed CSV record, expected 3 values (label, a, b): '1,2,3,4'"));
  }

  @ParameterizedTest(name = "csv: {0}")
  @MethodSource("csvFaults")
  void csvRowFaults(CsvFault f) throws Exception {
    Path file = tmp.resolve("bad.csv");
    Files.writeString(file, "label,a,b\n0,1,2\n" + f.row() + "\n2,5,6\n");
    expect(new Case(f.row(), csv(file), file.toUri() + " row 1: " + f.problem(), 2));
  }

  /** A Parquet row (label, features, weight) and the end of its message. */
  record ParquetFault(String name, Object label, Object features, Object weight,
      String problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<ParquetFault> parquetFaults() {
    return List.of(
        new ParquetFault("no vector", 1.0, null, 1.0, "column 'features' is empty"),
        new ParquetFault("other size", 1.0, Vectors.dense(1, 2, 3, 4), 1.0,
            "4 features, expected 3 (the first row has 3)"),
        new ParquetFault("NaN", 1.0, Vectors.dense(1, Double.NaN, 3), 1.0, "feature 1: NaN"),
        new ParquetFault("infinite", 1.0, Vectors.sparse(3, new int[] {2},
            new double[] {Double.POSITIVE_INFINITY}), 1.0, "feature 2: Infinity"),
        new ParquetFault("beyond a float", 1.0, Vectors.dense(1e39, 2, 3), 1.0,
            "feature 0: 1.0E39 does not fit in a float"),
        new ParquetFault("no label", null, Vectors.dense(1, 2, 3), 1.0,
            "column 'label' is empty"),
        new ParquetFault("fractional label", 1.5, Vectors.dense(1, 2, 3), 1.0,
            "label 1.5 is not an integer"),
        new ParquetFault("label out of range", 12.0, Vectors.dense(1, 2, 3), 1.0,
            "label 12 outside [0, 10)"),
        new ParquetFault("negative label", -1.0, Vectors.dense(1, 2, 3), 1.0,
            "label -1 outside [0, 10)"),
        new ParquetFault("negative weight", 1.0, Vectors.dense(1, 2, 3), -1.0,
            "weight column 'w': -1.0 is negative"),
        new ParquetFault("NaN weight", 1.0, Vectors.dense(1, 2, 3), Double.NaN,
            "weight column 'w': NaN"),
        new ParquetFault("no weight", 1.0, Vectors.dense(1, 2, 3), null,
            "column 'w' is empty"));
  }

  @ParameterizedTest(name = "parquet: {0}")
  @MethodSource("parquetFaults")
  void parquetRowFaults(ParquetFault f) throws Exception {
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType()).add("w", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>(List.of(
        RowFactory.create(0.0, Vectors.dense(1, 2, 3), 1.0),
        RowFactory.create(f.label(), f.features(), f.weight()),
        RowFactory.create(2.0, Vectors.dense(4, 5, 6), 2.0)));
    String path = tmp.resolve("bad.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    String file = spark.read().parquet(path).inputFiles()[0];
    expect(new Case(f.name(), List.of("--data.format", "parquet", "--data.train", path,
        "--data.weight_col", "w"), file + " row 1: " + f.problem(), 2));
  }

  @ParameterizedTest(name = "libsvm: {0}")
  @MethodSource("org.sparsevd.spark.data.LibSvmTextTest#faults")
  void libsvmRowFaults(LibSvmTextTest.Fault f) throws Exception {
    Path file = tmp.resolve("bad.libsvm");
    Files.writeString(file, "# comment\n\n1 1:2 2:3\n" + f.line() + "\n2 5:1\n");
    expect(new Case(f.name(), List.of("--data.format", "libsvm", "--data.train",
        file.toString(), "--data.num_features", "5"), "file:" + file + " line 4: "
        + f.problem(), 2));
  }

  /** Files Spark's own readers or ours cannot decode: faults of the file, not of a row. */
  static Stream<String> fileFaults() {
    return Stream.of("cut gzip csv", "cut gzip libsvm", "parquet without its footer",
        "parquet with a corrupt page", "text named parquet", "second parquet file cut");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileFaults")
  void fileFaults(String name) throws Exception {
    StringBuilder text = new StringBuilder(name.contains("csv") ? "label,a,b\n" : "");
    for (int i = 0; i < 20_000; i++) {
      text.append(name.contains("csv") ? (i % 3) + "," + i + "," + (2 * i) : (i % 3) + " 1:" + i)
          .append('\n');
    }
    byte[] gz = MnistIdxTest.gzip(text.toString().getBytes(StandardCharsets.UTF_8));
    Path dir = Files.createDirectories(tmp.resolve("in"));
    if (name.startsWith("cut gzip")) {
      Path file = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
      List<String> keys = name.endsWith("csv") ? csv(file) : List.of("--data.format", "libsvm",
          "--data.train", file.toString(), "--data.num_features", "5");
      expect(new Case(name, keys, "file:" + file + ": " + (name.endsWith("csv")
          ? "cannot be read: Unexpected end of input stream (EOFException)"
          : "unreadable after ..."), -1));
      return;
    }
    String written = tmp.resolve("written").toString();
    spark.range(20_000).selectExpr("cast(id % 3 as double) label", "cast(id as double) a",
        "cast(id * 2 as double) b").coalesce(1).write().parquet(written);
    byte[] good = Files.readAllBytes(Files.list(Path.of(written))
        .filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow());
    Path file = dir.resolve("part-0.parquet");
    String problem;
    switch (name) {
      case "parquet with a corrupt page" -> {
        byte[] bad = good.clone();
        for (int i = 200; i < 2000; i++) {
          bad[i] ^= 0x5a;
        }
        Files.write(file, bad);
        problem = "cannot be read: can not read class org.apache.parquet.format.PageHeader: "
            + "don't know what type: 15 (IOException)";
      }
      case "text named parquet" -> {
        Files.writeString(file, "label,a,b\n0,1,2\n");
        problem = "cannot be read: file:" + file + " is not a Parquet file...";
      }
      case "second parquet file cut" -> {
        Files.write(file, good);
        file = Files.write(dir.resolve("part-1.parquet"), Arrays.copyOf(good, good.length / 2));
        problem = "cannot be read: file:" + file + " is not a Parquet file...";
      }
      default -> {
        Files.write(file, Arrays.copyOf(good, good.length / 2));
        problem = "cannot be read: file:" + file + " is not a Parquet file...";
      }
    }
    expect(new Case(name, List.of("--data.format", "parquet", "--data.train", dir.toString()),
        "file:" + file + ": " + problem, -1));
  }

  /** Image folders: faults of one image file (rows) and an empty class folder (the set's). */
  static Stream<String> imageFaults() {
    return Stream.of("truncated jpeg", "text named jpg", "image of another size",
        "empty class folder");
  }

  /** Two good 4x4 RGB PNGs in classes a and b, and the fault. */
  @ParameterizedTest(name = "images: {0}")
  @MethodSource("imageFaults")
  void imageFaults(String name) throws Exception {
    Path root = tmp.resolve("images");
    TestImages.png(root.resolve("a/0.png"), TestImages.rgb(4, 4, 10));
    TestImages.png(root.resolve("b/0.png"), TestImages.rgb(4, 4, 20));
    Path file = root.resolve("b/1.jpg");
    String problem;
    long kept = 2;
    switch (name) {
      case "truncated jpeg" -> {
        // Cut in its scan data: the header and tables are whole.
        byte[] jpeg = TestImages.jpeg(TestImages.noise(4, 4, 3));
        Files.write(file, Arrays.copyOf(jpeg, jpeg.length - 8));
        problem = "the JPEG reader warns ...";
      }
      case "text named jpg" -> {
        Files.writeString(file, "label,a,b\n0,1,2\n");
        problem = "not an image: no image reader recognises its 16 bytes";
      }
      case "image of another size" -> {
        file = root.resolve("b/1.png");
        TestImages.png(file, TestImages.rgb(5, 4, 30));
        // Rows b/0, a/0, b/1 (the classes interleaved): b/0 is the first image.
        problem = "image 5x4x3, expected 4x4x3 (the first image file:" + root.resolve("b/0.png")
            + "); images are not resized";
      }
      default -> {
        file = Files.createDirectories(root.resolve("c"));
        problem = "no image files (jpg, jpeg, png, bmp, gif) in the folder of class 'c'";
        kept = -1;
      }
    }
    int classes = kept < 0 ? 3 : 2;
    expect(new Case(name, List.of("--data.format", "images", "--data.train", root.toString(),
        "--layers", "image(4, 4, 3) | conv(2, 3) | relu | flatten | dense(" + classes + ")"),
        (kept < 0 ? "" : "file:") + file + ": " + problem, kept));
  }

  /**
   * A fault of an MNIST folder (4 training and 3 test images of 2x2 pixels): one file replaced.
   *
   * @param message with DIR/ for the folder
   */
  record IdxFault(String name, String file, byte[] content, String message, long kept) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<IdxFault> idxFaults() throws IOException {
    int img = MnistIdx.IMAGES_MAGIC;
    byte[] trainImages = MnistIdxTest.idx3(img, 4, 2, 2, new byte[16]);
    String ti = "DIR/train-images-idx3-ubyte";
    String tl = "DIR/train-labels-idx1-ubyte";
    return List.of(
        new IdxFault("train label out of range", tl, MnistIdxTest.idx1(4, new byte[] {0, 1, 12,
            3}), ti + " (labels " + tl + ") row 2: label 12 outside [0, 10)", 3),
        new IdxFault("test label out of range", "DIR/t10k-labels-idx1-ubyte",
            MnistIdxTest.idx1(3, new byte[] {1, 2, 10}), "DIR/t10k-images-idx3-ubyte (labels "
            + "DIR/t10k-labels-idx1-ubyte) row 2: label 10 outside [0, 10)", 4),
        new IdxFault("images with the labels' magic", ti, MnistIdxTest.idx3(
            MnistIdx.LABELS_MAGIC, 4, 2, 2, new byte[16]),
            ti + ": magic 2049, expected 2051 (idx3 images)", -1),
        new IdxFault("labels with the images' magic", tl, trainImages,
            tl + ": magic 2051, expected 2049 (idx1 labels)", -1),
        new IdxFault("images cut short", ti, Arrays.copyOf(trainImages, 16 + 10),
            ti + ": truncated at image 2 of 4 (the file has 26 bytes, the header needs 32)", -1),
        new IdxFault("gzip images cut short", ti + ".gz",
            MnistIdxTest.gzip(Arrays.copyOf(trainImages, 16 + 5)),
            ti + ".gz: truncated at image 1 of 4", -1),
        new IdxFault("labels cut short", tl, MnistIdxTest.idx1(4, new byte[2]),
            tl + ": truncated at label 2 of 4...", -1),
        new IdxFault("header cut short", ti, Arrays.copyOf(trainImages, 9),
            ti + ": truncated in the header, at the rows per image", -1),
        new IdxFault("more labels than images", tl, MnistIdxTest.idx1(5, new byte[5]),
            ti + " holds 4 images but " + tl + " holds 5 labels", -1),
        new IdxFault("bytes after the images", ti, MnistIdxTest.idx3(img, 4, 2, 2, new byte[17]),
            ti + ": data continues after the 4 images the header announces", -1),
        new IdxFault("negative image height", ti, MnistIdxTest.idx3(img, 4, -2, 2, new byte[0]),
            ti + ": rows per image -2 is negative", -1),
        new IdxFault("test images of another size", "DIR/t10k-images-idx3-ubyte",
            MnistIdxTest.idx3(img, 3, 3, 3, new byte[27]), "DIR/t10k-images-idx3-ubyte: 9 "
            + "features, but the training data " + ti + " has 4", -1));
  }

  @ParameterizedTest(name = "idx: {0}")
  @MethodSource("idxFaults")
  void idxFaults(IdxFault f) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("mnist"));
    Files.write(dir.resolve("train-images-idx3-ubyte"),
        MnistIdxTest.idx3(MnistIdx.IMAGES_MAGIC, 4, 2, 2, new byte[16]));
    Files.write(dir.resolve("train-labels-idx1-ubyte"),
        MnistIdxTest.idx1(4, new byte[] {0, 1, 2, 3}));
    Files.write(dir.resolve("t10k-images-idx3-ubyte"),
        MnistIdxTest.idx3(MnistIdx.IMAGES_MAGIC, 3, 2, 2, new byte[12]));
    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), MnistIdxTest.idx1(3, new byte[] {1, 2, 3}));
    String file = f.file().replace("DIR/", "");
    if (file.endsWith(".gz")) {
      Files.delete(dir.resolve(file.substring(0, file.length() - 3)));
    }
    Files.write(dir.resolve(file), f.content());
    expect(new Case(f.name(), List.of("--data.format", "mnist", "--data.dir", dir.toString()),
        f.message().replace("DIR/", dir + "/"), f.kept()));
  }

  private static List<String> csv(Path file) {
    return List.of("--data.format", "csv", "--data.train", file.toString());
  }

  /**
   * Strict: status 3, the message as the last line of stderr, no model. Skipping: a row fault
   * trains on the kept rows and reports the skipped one; a file fault fails as before.
   */
  private void expect(Case c) throws Exception {
    String message = runFailing(c, false);
    if (c.kept() < 0) {
      assertEquals(message, runFailing(c, true), "a file fault fails even when skipping");
      return;
    }
    Path out = tmp.resolve("out-skipping");
    assertEquals(0, run(c, true, out, new ByteArrayOutputStream()));
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    boolean testRow = c.name().startsWith("test ");
    assertEquals(1, summary.get("skipped_rows").asLong(), summary.toString());
    assertEquals(testRow ? 1 : 0, summary.get("skipped_test_rows").asLong());
    assertEquals(c.kept(), summary.get("train_examples").asLong(), summary.toString());
    assertEquals(message, summary.get("skip_reasons").get(0).asText());
  }

  /** @return the message, after checking it and that no model was written */
  private String runFailing(Case c, boolean skip) throws Exception {
    Path out = tmp.resolve("out-" + (skip ? "skipping" : "strict"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(JobCommand.EXIT_INVALID_DATA, run(c, skip, out, err), err.toString());
    String[] lines = err.toString(StandardCharsets.UTF_8).strip().split("\n");
    String message = lines[lines.length - 1].replaceFirst("^invalid data: ", "");
    if (c.message().endsWith("...")) {
      String start = c.message().substring(0, c.message().length() - 3);
      assertTrue(message.startsWith(start), message + "\nexpected to start with\n" + start);
    } else {
      assertEquals(c.message(), message);
    }
    assertFalse(Files.exists(out.resolve("model")), "no model may be written");
    return message;
  }

  private static int run(Case c, boolean skip, Path out, ByteArrayOutputStream err)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--output", out.toString(), "--overwrite",
        "--epochs", "1", "--batch_size", "2", "--layers", "vd(4) | relu | vd(10)",
        "--data.num_classes", "10", "--partitions", "2"));
    args.addAll(c.keys());
    if (skip) {
      args.add("--skip-invalid");
    }
    JobConfig config = Train.COMMAND.parse(args.toArray(new String[0]));
    return JobCommand.status(() -> Train.run(spark, config),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
