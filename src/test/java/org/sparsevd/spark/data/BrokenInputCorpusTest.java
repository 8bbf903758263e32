package org.sparsevd.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.spark.TestSpark;

/**
 * Broken CSV and Parquet files, one fault each in the second of three rows: the read fails with
 * an {@link InvalidDataException} naming the file, row 1 and the problem, and with skipping it
 * keeps the two good rows and counts the bad one. LibSVM's corpus is {@code LibSvmTextTest}, the
 * IDX files' {@code MnistIdxTest}.
 */
class BrokenInputCorpusTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("csvFaults")
  void csvFaultsNameFileAndRowAndAreSkippable(CsvFault f) throws IOException {
    Path file = tmp.resolve("bad.csv");
    Files.writeString(file, "label,a,b\n0,1,2\n" + f.row() + "\n2,5,6\n");
    expectFault(DataSource.csv(file.toString(), 10), file.toUri() + " row 1: " + f.problem());
  }

  @Test
  void csvVariantsThatAreValid() throws IOException {
    // CRLF line ends, quoted numbers, trailing blank lines.
    Path file = tmp.resolve("variants.csv");
    Files.writeString(file, "label,a,b\r\n0,\"1.5\",2\r\n\"1\",3,\"-4\"\r\n\r\n\r\n");
    Blocks b = BlockReader.read(spark, DataSource.csv(file.toString(), 10), 1);
    assertEquals(2, b.rows());
    DataBlock block = b.rdd().first();
    assertEquals(List.of(0, 1), List.of(block.labels()[0], block.labels()[1]));
    assertEquals(List.of(1.5f, 2f, 3f, -4f), List.of(block.features()[0], block.features()[1],
        block.features()[2], block.features()[3]));
    // A header and no row is no data.
    Path header = tmp.resolve("header-only.csv");
    Files.writeString(header, "label,a,b\r\n");
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> BlockReader.read(spark, DataSource.csv(header.toString(), 10), 1));
    assertEquals(header + ": no rows", e.getMessage());
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("parquetFaults")
  void parquetFaultsNameFileAndRowAndAreSkippable(ParquetFault f) {
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType()).add("w", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>(List.of(
        RowFactory.create(0.0, Vectors.dense(1, 2, 3), 1.0),
        RowFactory.create(f.label(), f.features(), f.weight()),
        RowFactory.create(2.0, Vectors.dense(4, 5, 6), 2.0)));
    String path = tmp.resolve("bad.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    String file = spark.read().parquet(path).inputFiles()[0];
    expectFault(DataSource.parquet(path, 10).withWeightCol("w"), file + " row 1: " + f.problem());
  }

  /** Strict: fails with {@code message}; skipping: two rows kept, one counted with it. */
  private static void expectFault(DataSource src, String message) {
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> BlockReader.unwrapping(() -> BlockReader.read(spark, src, 2).rdd().count()));
    assertEquals(message, e.getMessage());
    Blocks kept = BlockReader.read(spark, src.withSkipInvalid(true), 2);
    assertEquals(2, kept.rows());
    assertEquals(1, kept.skipped());
    assertEquals(List.of(message), kept.skipReasons());
    assertTrue(kept.rdd().count() == 2, "one block per partition");
  }
}
