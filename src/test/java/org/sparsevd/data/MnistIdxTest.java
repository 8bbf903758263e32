package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class MnistIdxTest {

  private static final Configuration CONF = new Configuration();
  private static Path mnist;

  @TempDir Path tmp;

  @BeforeAll
  static void findData() {
    mnist = SharedData.mnistDir();
  }

  @Test
  void readsRealMnistWithPublishedCountsAndPixelSum() throws IOException {
    LabeledData train = MnistIdx.readTrain(mnist.toString(), CONF);
    assertEquals(60000, train.rows());
    assertEquals(784, train.cols());
    assertEquals(10, train.numClasses());
    assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
        histogram(train));
    long sum = 0;
    for (float v : train.features()) {
      sum += (long) v;
    }
    assertEquals(1567298545L, sum);

    LabeledData test = MnistIdx.readTest(mnist.toString(), CONF);
    assertEquals(10000, test.rows());
    assertEquals(784, test.cols());
    assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
        histogram(test));
    test.validate(784, 10);
  }

  @Test
  void rawAndGzippedFilesReadIdenticallyWhateverTheirNames() throws IOException {
    // Raw copies keep a ".gz" name and are reached through file:// to prove that gzip is
    // detected from the content and that Hadoop URIs work.
    Path images = tmp.resolve("images.gz");
    Path labels = tmp.resolve("labels.gz");
    gunzip(mnist.resolve(MnistIdx.TEST_IMAGES.name()), images);
    gunzip(mnist.resolve(MnistIdx.TEST_LABELS.name()), labels);
    assertEquals("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        MnistDownloader.sha256(images));
    assertEquals("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        MnistDownloader.sha256(labels));

    LabeledData raw = MnistIdx.read(images.toUri().toString(), labels.toUri().toString(), CONF);
    LabeledData gz = MnistIdx.readTest(mnist.toString(), CONF);
    assertArrayEquals(gz.features(), raw.features());
    assertArrayEquals(gz.labels(), raw.labels());
  }

  @Test
  void standardFilesCarryTheChecksumsOfTheSharedCopies() throws IOException {
    assertEquals(4, MnistIdx.standardFiles().size());
    for (MnistIdx.StandardFile f : MnistIdx.standardFiles()) {
      assertEquals(f.sha256(), MnistDownloader.sha256(mnist.resolve(f.name())), f.name());
    }
  }

  @Test
  void smallFileReadsPixelsAndLabelsInOrder() throws IOException {
    byte[] pixels = {0, 1, (byte) 255, 7, 8, 9};
    Path images = write("img", idx3(MnistIdx.IMAGES_MAGIC, 2, 1, 3, pixels));
    Path labels = write("lab", idx1(2, new byte[] {4, 9}));
    LabeledData d = MnistIdx.read(images.toString(), labels.toString(), CONF);
    assertArrayEquals(new float[] {0, 1, 255, 7, 8, 9}, d.features());
    assertArrayEquals(new int[] {4, 9}, d.labels());
    assertEquals(3, d.cols());
  }

  @Test
  void wrongMagicNamesFileAndBothNumbers() throws IOException {
    Path images = write("train-images-idx3-ubyte.gz",
        gzip(idx3(MnistIdx.LABELS_MAGIC, 1, 2, 2, new byte[4])));
    Path labels = write("labels", idx1(1, new byte[1]));
    String msg = readError(images, labels);
    assertTrue(msg.contains("train-images-idx3-ubyte.gz: magic 2049, expected 2051 (idx3 images)"),
        msg);

    Path good = write("images", idx3(MnistIdx.IMAGES_MAGIC, 1, 2, 2, new byte[4]));
    Path badLabels = write("labels-bad", idx3(MnistIdx.IMAGES_MAGIC, 1, 2, 2, new byte[4]));
    msg = readError(good, badLabels);
    assertTrue(msg.contains("labels-bad: magic 2051, expected 2049 (idx1 labels)"), msg);
  }

  @Test
  void truncatedRawFileIsCaughtFromItsLengthAndNamesTheImage() throws IOException {
    byte[] full = idx3(MnistIdx.IMAGES_MAGIC, 10, 2, 3, new byte[60]);
    Path images = write("short.idx3", Arrays.copyOf(full, 16 + 5 * 6 + 4));
    String msg = readError(images, write("labels", idx1(10, new byte[10])));
    assertTrue(msg.contains("short.idx3: truncated at image 5 of 10"), msg);
  }

  @Test
  void truncatedGzipContentNamesTheImageAndTheLabel() throws IOException {
    byte[] full = idx3(MnistIdx.IMAGES_MAGIC, 10, 2, 3, new byte[60]);
    Path images = write("short.gz", gzip(Arrays.copyOf(full, 16 + 7 * 6 + 1)));
    String msg = readError(images, write("labels", idx1(10, new byte[10])));
    assertTrue(msg.contains("short.gz: truncated at image 7 of 10"), msg);

    Path okImages = write("images.gz", gzip(full));
    Path labels = write("labels.gz", gzip(Arrays.copyOf(idx1(10, new byte[10]), 8 + 3)));
    msg = readError(okImages, labels);
    assertTrue(msg.contains("labels.gz: truncated at label 3 of 10"), msg);
  }

  @Test
  void truncatedHeaderNamesTheField() throws IOException {
    Path images =
        write("tiny", Arrays.copyOf(idx3(MnistIdx.IMAGES_MAGIC, 1, 1, 1, new byte[1]), 9));
    String msg = readError(images, write("labels", idx1(1, new byte[1])));
    assertTrue(msg.contains("tiny: truncated in the header, at the rows per image"), msg);
  }

  @Test
  void countMismatchNamesBothFilesAndBothCounts() throws IOException {
    Path images = write("imgs.idx3", idx3(MnistIdx.IMAGES_MAGIC, 3, 1, 1, new byte[3]));
    Path labels = write("labs.idx1", idx1(2, new byte[2]));
    String msg = readError(images, labels);
    assertTrue(msg.contains("imgs.idx3 holds 3 images but "), msg);
    assertTrue(msg.contains("labs.idx1 holds 2 labels"), msg);
  }

  @Test
  void hugeHeaderCountsAreRejectedBeforeAllocating() throws IOException {
    Path labels = write("labels", idx1(1, new byte[1]));
    // More values than any array can hold.
    Path images =
        write("huge", idx3(MnistIdx.IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28, new byte[0]));
    String msg = readError(images, write("huge-labels", idx1(Integer.MAX_VALUE, new byte[0])));
    assertTrue(msg.contains("huge: header says 2147483647 images of 784 bytes"), msg);

    // Fits in an array, but as floats (8.5 GB) not in the test heap: allocating before checking
    // the header against the 16-byte file would fail with OutOfMemoryError.
    images = write("claims", idx3(MnistIdx.IMAGES_MAGIC, 2_700_000, 28, 28, new byte[0]));
    msg = readError(images, write("claims-labels", idx1(2_700_000, new byte[0])));
    assertTrue(msg.contains("claims: truncated at image 0 of 2700000"), msg);

    // The same for a gzip file: no 40-byte one can inflate to 2 GB.
    images = write("claims.gz",
        gzip(idx3(MnistIdx.IMAGES_MAGIC, 2_700_000, 28, 28, new byte[0])));
    msg = readError(images, write("claims-labels", idx1(2_700_000, new byte[0])));
    assertTrue(msg.contains("claims.gz: header says 2700000 images of 784 bytes, impossible in a"
        + " gzip file"), msg);

    // Each dimension is a valid int, their product is not.
    images = write("wide", idx3(MnistIdx.IMAGES_MAGIC, 1, 65536, 65536, new byte[0]));
    msg = readError(images, labels);
    assertTrue(msg.contains("wide: header says 1 images of 4294967296 bytes"), msg);

    images = write("negative", idx3(MnistIdx.IMAGES_MAGIC, 1, -28, 28, new byte[0]));
    msg = readError(images, labels);
    assertTrue(msg.contains("negative: rows per image -28 is negative"), msg);
  }

  @Test
  void aLabelOutOfRangeIsARowFaultNamingBothFilesAndTheRowAndCanBeSkipped()
      throws IOException {
    Path images = write("images", idx3(MnistIdx.IMAGES_MAGIC, 5, 1, 1, new byte[] {0, 1, 2, 3,
        4}));
    Path labels = write("labels.idx1", idx1(5, new byte[] {0, 1, 2, 12, 4}));
    LabeledData read = MnistIdx.read(images.toString(), labels.toString(), new Configuration());
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> read.validate(1, 10));
    assertTrue(e.getMessage().matches(".*images \\(labels .*labels\\.idx1\\) row 3: label 12 "
        + "outside \\[0, 10\\)"), e.getMessage());
    LabeledData.Filtered kept = read.validateSkipping(1, 10);
    assertEquals(1, kept.skipped());
    assertArrayEquals(new int[] {0, 1, 2, 4}, kept.data().labels());
    assertArrayEquals(new float[] {0, 1, 2, 4}, kept.data().features());
    assertEquals(List.of(e.getMessage()), kept.reasons());
  }

  @Test
  void trailingBytesMeanTheHeaderDoesNotDescribeTheFile() throws IOException {
    byte[] img = idx3(MnistIdx.IMAGES_MAGIC, 2, 1, 1, new byte[3]);
    String msg = readError(write("long", img), write("labels", idx1(2, new byte[2])));
    assertTrue(msg.contains("long: data continues after the 2 images"), msg);
  }

  private String readError(Path images, Path labels) {
    return assertThrows(InvalidDataException.class,
        () -> MnistIdx.read(images.toString(), labels.toString(), CONF)).getMessage();
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(tmp.resolve(name), content);
  }

  private static int[] histogram(LabeledData d) {
    int[] h = new int[d.numClasses()];
    for (int i = 0; i < d.rows(); i++) {
      h[d.label(i)]++;
    }
    return h;
  }

  public static byte[] idx3(int magic, int count, int rows, int cols, byte[] pixels) {
    return ByteBuffer.allocate(16 + pixels.length)
        .putInt(magic).putInt(count).putInt(rows).putInt(cols).put(pixels).array();
  }

  public static byte[] idx1(int count, byte[] labels) {
    return ByteBuffer.allocate(8 + labels.length)
        .putInt(MnistIdx.LABELS_MAGIC).putInt(count).put(labels).array();
  }

  public static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  private static void gunzip(Path from, Path to) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(from))) {
      Files.copy(in, to);
    }
  }
}
