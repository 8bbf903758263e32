package org.sparsevd.spark.data;

import org.sparsevd.spark.TestSpark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.InvalidDataException;

/** Each kind of bad input fails with a message naming the file, the row and the problem. */
class BlockReaderValidationTest {

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /** Reads a CSV with columns label, a, b whose second data row is {@code badRow}. */
  private String csvError(String badRow) throws IOException {
    Path file = tmp.resolve("bad.csv");
    Files.writeString(file, "label,a,b\n1,2,3\n" + badRow + "\n4,5,6\n");
    return error(DataSource.csv(file.toString(), 10));
  }

  private static String error(DataSource src) {
    // Parquet is counted from its footers and parsed when the blocks are first computed.
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> BlockReader.unwrapping(() -> BlockReader.read(spark, src, 2).rdd().count()));
    return e.getMessage();
  }

  @Test
  void nonNumericCsvValueNamesFileRowAndColumn() throws IOException {
    String m = csvError("2,x7,3");
    assertTrue(m.matches("file:/.*/bad\\.csv row 1: column 'a': 'x7' is not a number"), m);
  }

  @Test
  void nanAndInfiniteFeaturesAreRejected() throws IOException {
    String nan = csvError("2,3,NaN");
    assertTrue(nan.endsWith("bad.csv row 1: column 'b': NaN"), nan);
    assertTrue(csvError("2,-Infinity,3").endsWith("bad.csv row 1: column 'a': -Infinity"));
    assertTrue(csvError("2,1e300,3").endsWith("column 'a': 1.0E300 does not fit in a float"));
  }

  @Test
  void labelsMustBeIntegersInsideTheClasses() throws IOException {
    assertTrue(csvError("12,3,4").endsWith("bad.csv row 1: label 12 outside [0, 10)"));
    assertTrue(csvError("-1,3,4").endsWith("bad.csv row 1: label -1 outside [0, 10)"));
    assertTrue(csvError("1.5,3,4").endsWith("bad.csv row 1: label 1.5 is not an integer"));
    assertTrue(csvError(",3,4").endsWith("bad.csv row 1: column 'label' is empty"));
  }

  @Test
  void csvRowWithTooFewOrTooManyValues() throws IOException {
    assertTrue(csvError("2,3").endsWith(
        "bad.csv row 1: malformed CSV record, expected 3 values (label, a, b): '2,3'"));
    assertTrue(csvError("2,3,4,5").endsWith("expected 3 values (label, a, b): '2,3,4,5'"));
    // Still caught when only some of the columns are selected as features.
    Path file = tmp.resolve("short.csv");
    Files.writeString(file, "label,a,b\n1,2,3\n2,3\n");
    String m = error(DataSource.csv(file.toString(), 10).withFeatureCols(List.of("a")));
    assertTrue(m.endsWith("short.csv row 1: malformed CSV record, expected 3 values (label, a,"
        + " b): '2,3'"), m);
  }

  @Test
  void libsvmIndexBeyondNumFeatures() throws IOException {
    Path file = tmp.resolve("bad.libsvm");
    Files.writeString(file, "1 1:2 2:3\n0 1:1 7:3\n");
    String m = error(DataSource.libsvm(file.toString(), 5, 10));
    assertTrue(m.matches("file:/.*bad\\.libsvm line 2: index 7 beyond the 5 features"), m);
  }

  @Test
  void vectorsOfAnotherSizeThanTheFirstRowOrNumFeatures() {
    StructType schema = new StructType().add("label", DataTypes.IntegerType)
        .add("features", SQLDataTypes.VectorType());
    String path = tmp.resolve("vec.parquet").toString();
    spark.createDataFrame(List.of(RowFactory.create(1, Vectors.dense(1, 2, 3)),
        RowFactory.create(2, Vectors.sparse(4, new int[] {3}, new double[] {1}))), schema)
        .coalesce(1).write().parquet(path);
    String m = error(DataSource.parquet(path, 10));
    assertTrue(m.matches("file:/.*vec\\.parquet/part-.* row 1: 4 features, expected 3 "
        + "\\(the first row has 3\\)"), m);
    m = error(DataSource.parquet(path, 10).withNumFeatures(4));
    assertTrue(m.endsWith(" row 0: 3 features, expected 4 (numFeatures is 4)"), m);
  }

  @Test
  void emptyInputSaysNoRows() throws IOException {
    Path header = tmp.resolve("header.csv");
    Files.writeString(header, "label,a\n");
    assertEquals(header + ": no rows", error(DataSource.csv(header.toString(), 10)));
    Path empty = tmp.resolve("empty.libsvm");
    Files.writeString(empty, "");
    assertEquals(empty + ": no rows", error(DataSource.libsvm(empty.toString(), 0, 10)));
    assertEquals(empty + ": no rows", error(DataSource.libsvm(empty.toString(), 3, 10)));
  }

  @Test
  void missingOrMistypedColumnsFailBeforeAnyJob() throws IOException {
    Path file = tmp.resolve("cols.csv");
    Files.writeString(file, "y,a\n1,2\n");
    assertEquals(file + ": no column 'label' among [y, a]",
        error(DataSource.csv(file.toString(), 10)));
    assertEquals(file + ": 1 feature columns [a] but numFeatures is 2",
        error(DataSource.csv(file.toString(), 10).withLabelCol("y").withNumFeatures(2)));
  }

  @Test
  void skipInvalidDropsAndCountsBadRows() throws IOException {
    Path file = tmp.resolve("mixed.csv");
    Files.writeString(file, "label,a,b\n1,2,3\n12,0,0\n2,x,3\n3,4,5\n4,NaN,1\n5,6,7\n");
    Blocks b = BlockReader.read(spark, DataSource.csv(file.toString(), 10)
        .withSkipInvalid(true), 2);
    assertEquals(3, b.rows());
    assertEquals(3, b.skipped());
    assertEquals(3, b.skipReasons().size());
    assertTrue(b.skipReasons().get(0).endsWith("mixed.csv row 1: label 12 outside [0, 10)"));
    assertTrue(b.skipReasons().get(2).endsWith("mixed.csv row 4: column 'a': NaN"));
    List<DataBlock> blocks = BlockReaderTest.byPartition(b);
    assertArrayEquals(new int[] {1}, blocks.get(0).labels());
    assertArrayEquals(new int[] {3, 5}, blocks.get(1).labels());
    assertArrayEquals(new float[] {4, 5, 6, 7}, blocks.get(1).features());
    assertEquals(1, blocks.get(1).firstIndex());

    Path bad = tmp.resolve("allbad.csv");
    Files.writeString(bad, "label,a\n11,1\n12,2\n");
    String m = error(DataSource.csv(bad.toString(), 10).withSkipInvalid(true));
    assertTrue(m.startsWith(bad + ": all 2 rows are invalid, first: file:"), m);
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
}
