package org.sparsevd.spark.data;

import org.sparsevd.spark.TestSpark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;
import scala.jdk.javaapi.CollectionConverters;

class BlockReaderTest {

  private static SparkSession spark;
  private static LabeledData mnist1000;

  @TempDir Path tmp;

  @BeforeAll
  static void setUp() throws IOException {
    spark = TestSpark.session();
    LabeledData test = MnistIdx.readTest(SharedData.mnistDir().toString(), new Configuration());
    mnist1000 = test.slice(0, 1000);
  }

  @Test
  void fromLabeledDataCutsContiguousRangesDifferingByAtMostOne() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Blocks b = BlockReader.fromLabeledData(sc, mnist1000, 3);
    assertEquals(3, b.rdd().getNumPartitions());
    assertEquals(1000, b.rows());
    assertEquals(784, b.cols());
    assertEquals(1000L * 785 * 4, b.cachedBytes());
    List<DataBlock> blocks = byPartition(b);
    assertEquals(List.of(333, 333, 334), blocks.stream().map(DataBlock::rows).toList());
    assertEquals(List.of(0L, 333L, 666L), blocks.stream().map(DataBlock::firstIndex).toList());
    assertSameRows(mnist1000, b);
  }

  @Test
  void mnistThroughReadCountsWhatItChecks() {
    DataSource src = DataSource.mnist(SharedData.mnistDir().toString(), DataSource.Split.TEST);
    Blocks b = BlockReader.read(spark, src, 2);
    assertEquals(10000, b.rows());
    assertEquals(List.of(0L, 5000L),
        byPartition(b).stream().map(DataBlock::firstIndex).toList());
    assertEquals(0, b.skipped());
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> BlockReader.read(spark, src.withNumFeatures(100), 2));
    assertTrue(e.getMessage().endsWith(": 784 features per row, the model expects 100"),
        e.getMessage());
  }

  @Test
  void libsvmRoundTripKeepsRowsAndOrder() throws IOException {
    LabeledData data = mnist1000.slice(0, 200);
    Path file = tmp.resolve("data.libsvm");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < data.rows(); i++) {
      sb.append(data.label(i));
      for (int j = 0; j < data.cols(); j++) {
        if (data.feature(i, j) != 0) {
          sb.append(' ').append(j + 1).append(':').append((int) data.feature(i, j));
        }
      }
      sb.append('\n');
    }
    Files.writeString(file, sb);
    DataSource src = DataSource.libsvm(file.toString(), 784, 10);
    Blocks first = BlockReader.read(spark, src, 3);
    assertSameRows(data, first);
    assertSameBlocks(first, BlockReader.read(spark, src, 3));
  }

  @Test
  void csvRoundTripKeepsRowsAndOrder() throws IOException {
    LabeledData data = mnist1000.slice(200, 400);
    Path file = tmp.resolve("data.csv");
    Files.writeString(file, csv(data));
    DataSource src = DataSource.csv("file://" + file, 10);
    Blocks first = BlockReader.read(spark, src, 3);
    assertSameRows(data, first);
    assertSameBlocks(first, BlockReader.read(spark, src, 3));
  }

  @Test
  void csvSplitIntoManySmallScanPartitionsStillReadsInFileOrder() throws IOException {
    int rows = 300;
    float[] x = new float[rows * 3];
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = i % 7;
      x[3 * i] = i;
      x[3 * i + 1] = -i;
      x[3 * i + 2] = i * 1000;
    }
    LabeledData data = new LabeledData("synthetic", x, y, 3, 7);
    Path file = tmp.resolve("split.csv");
    Files.writeString(file, csv(data));
    String key = "spark.sql.files.maxPartitionBytes";
    spark.conf().set(key, "1000");
    try {
      DataSource src = DataSource.csv(file.toString(), 7);
      Blocks first = BlockReader.read(spark, src, 2);
      assertSameRows(data, first);
      assertSameBlocks(first, BlockReader.read(spark, src, 2));
      Files.writeString(file, csv(data).replace("\n5,250,", "\n5,250x,"));
      InvalidDataException e = assertThrows(InvalidDataException.class,
          () -> BlockReader.read(spark, src, 2));
      assertTrue(e.getMessage().matches(".*split\\.csv row \\d+ of the split at byte \\d+: "
          + "column 'p0': '250x' is not a number"), e.getMessage());
    } finally {
      spark.conf().unset(key);
    }
  }

  @Test
  void parquetVectorColumnRoundTripAndSeveralFilesAreReadDeterministically() {
    LabeledData data = mnist1000.slice(400, 700);
    String one = tmp.resolve("one.parquet").toString();
    writeParquet(data, one, 1);
    DataSource src = DataSource.parquet(one, 10);
    assertSameRows(data, BlockReader.read(spark, src, 3));

    String many = tmp.resolve("many.parquet").toString();
    writeParquet(data, many, 4);
    Blocks first = BlockReader.read(spark, DataSource.parquet(many, 10), 3);
    assertEquals(300, first.rows());
    int[] labels = byPartition(first).stream().flatMapToInt(k -> IntStream.of(k.labels()))
        .sorted().toArray();
    assertArrayEquals(IntStream.of(data.labels()).sorted().toArray(), labels);
    assertSameBlocks(first, BlockReader.read(spark, DataSource.parquet(many, 10), 3));
  }

  @Test
  void parquetFilesThatAreAlreadyTheRangesAreNotShuffledAndCountingFromFootersChangesNoRow() {
    LabeledData data = mnist1000.slice(0, 300);
    String path = tmp.resolve("even.parquet").toString();
    for (int k = 0; k < 4; k++) {
      writeParquet(data.slice(75 * k, 75 * (k + 1)), path, 1);
    }
    DataSource src = DataSource.parquet(path, 10);
    // Four files of 75 rows, one scan partition each: Spark packs small files into one scan
    // task only while they stay below the total size over this number.
    String key = "spark.sql.files.minPartitionNum";
    spark.conf().set(key, "64");
    try {
      Blocks even = BlockReader.read(spark, src, 4);
      assertEquals(List.of(75, 75, 75, 75), byPartition(even).stream().map(DataBlock::rows)
          .toList());
      assertFalse(shuffles(even.rdd().rdd()), even.rdd().toDebugString());
      Blocks cut = BlockReader.read(spark, src, 3);
      assertTrue(shuffles(cut.rdd().rdd()), cut.rdd().toDebugString());
      assertArrayEquals(rowsInOrder(cut), rowsInOrder(even));

      // Skipping invalid rows counts by parsing: the same rows in the same blocks.
      assertSameBlocks(even, BlockReader.read(spark, src.withSkipInvalid(true), 4));
      assertSameBlocks(cut, BlockReader.read(spark, src.withSkipInvalid(true), 3));
    } finally {
      spark.conf().unset(key);
    }
  }

  private static boolean shuffles(RDD<?> rdd) {
    for (Dependency<?> d : CollectionConverters.asJava(rdd.dependencies())) {
      if (d instanceof ShuffleDependency<?, ?, ?> || shuffles(d.rdd())) {
        return true;
      }
    }
    return false;
  }

  private static float[] rowsInOrder(Blocks b) {
    List<DataBlock> blocks = byPartition(b);
    float[] x = new float[(int) b.rows() * b.cols()];
    for (DataBlock k : blocks) {
      System.arraycopy(k.features(), 0, x, (int) k.firstIndex() * b.cols(), k.features().length);
    }
    return x;
  }

  @Test
  void parquetScalarColumnsAreSelectedByName() {
    StructType schema = new StructType().add("y", DataTypes.IntegerType)
        .add("a", DataTypes.DoubleType).add("skip", DataTypes.StringType)
        .add("b", DataTypes.FloatType);
    List<Row> rows = List.of(RowFactory.create(3, 1.5, "x", 2f),
        RowFactory.create(0, -1.0, "y", 4f));
    String path = tmp.resolve("cols.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    DataSource src = DataSource.parquet(path, 4).withLabelCol("y")
        .withFeatureCols(List.of("b", "a"));
    Blocks b = BlockReader.read(spark, src, 1);
    DataBlock block = byPartition(b).get(0);
    assertArrayEquals(new int[] {3, 0}, block.labels());
    assertArrayEquals(new float[] {2, 1.5f, 4, -1}, block.features());
  }

  static String csv(LabeledData data) {
    StringBuilder sb = new StringBuilder("label");
    for (int j = 0; j < data.cols(); j++) {
      sb.append(",p").append(j);
    }
    sb.append('\n');
    for (int i = 0; i < data.rows(); i++) {
      sb.append(data.label(i));
      for (int j = 0; j < data.cols(); j++) {
        sb.append(',').append((int) data.feature(i, j));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void writeParquet(LabeledData data, String path, int files) {
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.rows(); i++) {
      double[] v = new double[data.cols()];
      for (int j = 0; j < v.length; j++) {
        v[j] = data.feature(i, j);
      }
      rows.add(RowFactory.create((double) data.label(i), Vectors.dense(v)));
    }
    Dataset<Row> frame = spark.createDataFrame(rows, schema);
    // A local relation coalesced to one partition keeps the list order in the one file written.
    (files == 1 ? frame.coalesce(1) : frame.repartition(files)).write().mode("append")
        .parquet(path);
  }

  static List<DataBlock> byPartition(Blocks b) {
    return b.rdd().collect();
  }

  /** The blocks hold exactly the rows of {@code data}, in order, numbered from 0. */
  static void assertSameRows(LabeledData data, Blocks b) {
    assertEquals(data.rows(), b.rows());
    assertEquals(data.cols(), b.cols());
    List<DataBlock> blocks = byPartition(b);
    assertEquals(b.rdd().getNumPartitions(), blocks.size());
    float[] x = new float[data.rows() * data.cols()];
    int[] y = new int[data.rows()];
    long next = 0;
    int minRows = Integer.MAX_VALUE;
    int maxRows = 0;
    for (DataBlock block : blocks) {
      assertEquals(next, block.firstIndex());
      System.arraycopy(block.features(), 0, x, (int) next * data.cols(), block.features().length);
      System.arraycopy(block.labels(), 0, y, (int) next, block.rows());
      next += block.rows();
      minRows = Math.min(minRows, block.rows());
      maxRows = Math.max(maxRows, block.rows());
    }
    assertEquals(data.rows(), next);
    assertTrue(maxRows - minRows <= 1, "block sizes " + minRows + ".." + maxRows);
    assertArrayEquals(data.labels(), y);
    assertArrayEquals(data.features(), x);
  }

  static void assertSameBlocks(Blocks a, Blocks b) {
    List<DataBlock> x = byPartition(a);
    List<DataBlock> y = byPartition(b);
    assertEquals(x.size(), y.size());
    for (int p = 0; p < x.size(); p++) {
      assertEquals(x.get(p).firstIndex(), y.get(p).firstIndex());
      assertArrayEquals(x.get(p).labels(), y.get(p).labels());
      assertArrayEquals(x.get(p).features(), y.get(p).features());
    }
  }
}
