package org.sparsevd.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.spark.TestSpark;

/**
 * LibSVM faults, one per file, each on a known physical line after a comment and a blank line:
 * the message names the file and the line, and {@code --skip-invalid} drops exactly that row.
 */
public class LibSvmTextTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  /** A faulty line and the problem its message must end with. */
  public record Fault(String name, String line, String problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  public static List<Fault> faults() {
    return List.of(
        new Fault("no colon", "0 1:2 3", "token '3' is not INDEX:VALUE"),
        new Fault("index 0", "0 0:1", "index 0: LibSVM indices start at 1"),
        new Fault("negative index", "0 -2:1", "index -2: LibSVM indices start at 1"),
        new Fault("index not a number", "0 x:1", "index 'x' is not a whole number"),
        new Fault("descending", "0 3:1 2:1", "index 2 after 3: indices must ascend"),
        new Fault("duplicate", "0 2:1 2:5", "index 2 appears twice"),
        new Fault("beyond the features", "0 1:1 6:3", "index 6 beyond the 5 features"),
        new Fault("value not a number", "0 2:abc", "value 'abc' of index 2 is not a number"),
        new Fault("NaN", "0 2:NaN", "index 2: value NaN is not a finite float"),
        new Fault("infinite", "0 2:-Infinity", "index 2: value -Infinity is not a finite float"),
        new Fault("beyond a float", "0 2:1e39", "index 2: value 1e39 is not a finite float"),
        new Fault("fractional label", "1.5 1:1", "label 1.5 is not a whole class number"),
        new Fault("label out of range", "12 1:1", "label 12 outside [0, 10)"),
        new Fault("negative label", "-1 1:1", "label -1 outside [0, 10)"),
        new Fault("label not a number", "one 1:1", "label 'one' is not a number"));
  }

  private Path write(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static Blocks read(Path path, boolean skip) {
    return BlockReader.read(spark, DataSource.libsvm(path.toString(), 5, 10)
        .withSkipInvalid(skip), 2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void eachFaultNamesFileAndLineAndCanBeSkipped(Fault f) throws IOException {
    Path file = write("bad.libsvm", "# comment\n\n1 1:2 2:3\n" + f.line() + "\n2 5:1\n");
    InvalidDataException e = assertThrows(InvalidDataException.class, () -> read(file, false));
    assertEquals("file:" + file + " line 4: " + f.problem(), e.getMessage());

    Blocks kept = read(file, true);
    assertEquals(2, kept.rows());
    assertEquals(1, kept.skipped());
    assertEquals(List.of(e.getMessage()), kept.skipReasons());
    assertArrayEquals(new float[] {2, 3, 0, 0, 0, 0, 0, 0, 0, 1}, features(kept));
  }

  @Test
  void validVariantsAreRead() throws IOException {
    // CRLF line ends, tabs and runs of spaces, a row without features, trailing blank lines.
    Path crlf = write("crlf.libsvm", "1\t1:2  2:3\r\n# note\r\n3\r\n0 5:-1.5e0\r\n\r\n\r\n");
    Blocks b = read(crlf, false);
    assertEquals(3, b.rows());
    assertArrayEquals(new float[] {2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.5f},
        features(b));
    assertArrayEquals(new int[] {1, 3, 0}, labels(b));

    // Gzipped, and a folder of files read in name order (hidden files left out).
    Path dir = Files.createDirectories(tmp.resolve("folder"));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("a.gz")))) {
      out.write("4 1:1\n".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve("b.libsvm"), "5 2:2\n");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Files.writeString(dir.resolve(".b.libsvm.crc"), "junk");
    Blocks folder = read(dir, false);
    assertArrayEquals(new int[] {4, 5}, labels(folder));
    // Without numFeatures, the largest index.
    assertEquals(2, BlockReader.read(spark, DataSource.libsvm(dir.toString(), 0, 10), 1).cols());
  }

  @Test
  void lineNumbersCountFromTheStartOfTheFileAcrossSplits() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= 6000; i++) {
      b.append(i == 5321 ? "7 3:1 1:1" : (i % 10) + " 1:" + i + " 4:0.5").append('\n');
    }
    Path big = write("big.libsvm", b.toString());
    // Spark's default of 2 minimum partitions cuts this file in two splits.
    InvalidDataException e = assertThrows(InvalidDataException.class, () -> read(big, false));
    assertEquals("file:" + big + " line 5321: index 1 after 3: indices must ascend",
        e.getMessage());
    Blocks kept = read(big, true);
    assertEquals(5999, kept.rows());
    assertEquals(1, kept.skipped());
  }

  @Test
  void fileFaultsFailEvenWhenSkipping() throws IOException {
    byte[] gz;
    try (var bytes = new java.io.ByteArrayOutputStream();
         OutputStream out = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < 2000; i++) {
        out.write(("1 1:" + i + "\n").getBytes(StandardCharsets.UTF_8));
      }
      out.close();
      gz = bytes.toByteArray();
    }
    Path cut = tmp.resolve("cut.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
    InvalidDataException e = assertThrows(InvalidDataException.class, () -> read(cut, true));
    assertTrue(e.getMessage().startsWith("file:" + cut + ": unreadable after "), e.getMessage());

    Path missing = tmp.resolve("missing.libsvm");
    e = assertThrows(InvalidDataException.class, () -> read(missing, true));
    assertEquals(missing + ": no such file or folder", e.getMessage());

    Path allBad = write("all-bad.libsvm", "x 1:1\n0 0:1\n");
    e = assertThrows(InvalidDataException.class, () -> read(allBad, true));
    assertTrue(e.getMessage().startsWith(allBad + ": all 2 rows are invalid, first: file:"),
        e.getMessage());
  }

  private static float[] features(Blocks b) {
    float[] x = new float[(int) b.rows() * b.cols()];
    for (DataBlock k : b.rdd().collect()) {
      System.arraycopy(k.features(), 0, x, (int) k.firstIndex() * b.cols(), k.features().length);
    }
    return x;
  }

  private static int[] labels(Blocks b) {
    int[] y = new int[(int) b.rows()];
    for (DataBlock k : b.rdd().collect()) {
      System.arraycopy(k.labels(), 0, y, (int) k.firstIndex(), k.labels().length);
    }
    return y;
  }
}
