package org.sparsevd.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.ImageSize;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.SharedData;
import org.sparsevd.spark.TestSpark;

/**
 * The images format on small folders written here: labels from the sorted class folders, exact
 * channels-last pixels from PNG, grey images, row order independent of the partitioning, and
 * every broken input named (a truncated JPEG, text named .jpg, an empty class folder, a size
 * that differs), skipped and counted with skipInvalid; and a slice of the real CIFAR-10 folder.
 */
class ImageScanTest {
  private static SparkSession spark;
  private static final Configuration CONF = new Configuration();
  @TempDir Path tmp;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
  }

  private static Blocks read(Path root, int partitions) {
    return read(source(root), partitions);
  }

  private static Blocks read(DataSource src, int partitions) {
    return BlockReader.read(spark, src, partitions);
  }

  private static DataSource source(Path root) {
    return DataSource.images(root.toString(), ImageFolders.classes(root.toString(), CONF));
  }

  private static String failure(DataSource src) {
    return assertThrows(InvalidDataException.class, () -> read(src, 2)).getMessage();
  }

  /** The whole data set in row order: features then labels, from all blocks. */
  private static float[] features(Blocks b) {
    List<DataBlock> blocks = BlockReaderTest.byPartition(b);
    float[] x = new float[0];
    for (DataBlock d : blocks) {
      int at = x.length;
      x = Arrays.copyOf(x, at + d.features().length);
      System.arraycopy(d.features(), 0, x, at, d.features().length);
    }
    return x;
  }

  private static int[] labels(Blocks b) {
    return BlockReaderTest.byPartition(b).stream().flatMapToInt(d -> Arrays.stream(d.labels()))
        .toArray();
  }

  @Test
  void readsSortedClassFoldersAndExactChannelsLastRgb() throws IOException {
    // Written in reverse order: the rows interleave the sorted classes, each in path order.
    TestImages.png(tmp.resolve("zebra/b.png"), TestImages.rgb(2, 3, 50));
    TestImages.png(tmp.resolve("zebra/a.PNG"), TestImages.rgb(2, 3, 40));
    TestImages.png(tmp.resolve("ant/nested/c.png"), TestImages.rgb(2, 3, 30));
    TestImages.png(tmp.resolve("ant/b.png"), TestImages.rgb(2, 3, 20));
    TestImages.png(tmp.resolve("ant/a.png"), TestImages.rgb(2, 3, 10));
    Files.writeString(tmp.resolve("ant/notes.txt"), "not an image, and not read");
    Files.writeString(tmp.resolve("ant/.DS_Store"), "hidden");
    Files.writeString(tmp.resolve("zebra/._a.png"), "hidden, though named .png");

    Blocks b = read(tmp, 2);
    assertEquals(5, b.rows());
    assertEquals(2 * 3 * 3, b.cols());
    assertEquals(2, b.numClasses());
    assertEquals(0, b.skipped());
    // ant's 3 files at 1/6, 3/6, 5/6 of the rows, zebra's 2 at 1/4, 3/4.
    assertArrayEquals(new int[] {0, 1, 0, 1, 0}, labels(b));
    float[] x = features(b);
    int[] bases = {10, 40, 20, 50, 30};
    for (int r = 0; r < 5; r++) {
      for (int y = 0; y < 2; y++) {
        for (int px = 0; px < 3; px++) {
          float[] rgb = TestImages.rgbAt(bases[r], y, px);
          for (int c = 0; c < 3; c++) {
            assertEquals(rgb[c], x[r * 18 + (y * 3 + px) * 3 + c],
                "row " + r + " pixel (" + y + ", " + px + ") channel " + c);
          }
        }
      }
    }
    // Another partitioning cuts the same rows differently, never reorders them.
    for (int partitions : new int[] {1, 3, 7}) {
      Blocks other = read(tmp, partitions);
      assertArrayEquals(x, features(other), partitions + " partitions");
      assertArrayEquals(labels(b), labels(other), partitions + " partitions");
    }
  }

  /**
   * Many small files share a scan task: 400 images in a few tasks, not one task per four (what
   * Spark's 4 MB open cost gives with the jobs' 16 MB tasks); the session's setting is left as
   * it was.
   */
  @Test
  void smallImagesArePackedIntoFewScanTasks() throws IOException {
    for (int i = 0; i < 400; i++) {
      TestImages.png(tmp.resolve((i % 2 == 0 ? "a" : "b") + "/" + i + ".png"),
          TestImages.rgb(4, 4, i % 50));
    }
    String key = "spark.sql.files.maxPartitionBytes";
    String before = spark.conf().get(key);
    String openCost = spark.conf().get("spark.sql.files.openCostInBytes");
    spark.conf().set(key, "16m");
    try {
      assertTrue(ImageScan.scan(spark, tmp.toString()).getNumPartitions() <= 2,
          "scan tasks for 400 images");
    } finally {
      spark.conf().set(key, before);
    }
    assertEquals(openCost, spark.conf().get("spark.sql.files.openCostInBytes"),
        "the session's open cost is restored");
    assertEquals(400, read(tmp, 3).rows());
  }

  /**
   * Each class is spread evenly over the rows, so any contiguous range (a partition, the rows
   * data.train_limit keeps) holds the classes in proportion: classes of 1, 2 and 4 files.
   */
  @Test
  void rowsInterleaveTheClassesInProportion() {
    List<List<org.apache.hadoop.fs.Path>> files = new java.util.ArrayList<>();
    for (int n : new int[] {1, 2, 4}) {
      List<org.apache.hadoop.fs.Path> c = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        c.add(new org.apache.hadoop.fs.Path("/r/c" + n + "/" + i + ".png"));
      }
      files.add(c);
    }
    // Places: class 0 at 1/2; class 1 at 1/4, 3/4; class 2 at 1/8, 3/8, 5/8, 7/8.
    int[][] expected = {{2, 0}, {1, 0}, {2, 1}, {0, 0}, {2, 2}, {1, 1}, {2, 3}};
    List<int[]> order = ImageScan.interleaved(files);
    assertEquals(expected.length, order.size());
    for (int r = 0; r < expected.length; r++) {
      assertArrayEquals(expected[r], order.get(r), "row " + r);
    }
  }

  @Test
  void greyImagesGiveOneChannelAsStored() throws IOException {
    for (String c : List.of("dark", "light")) {
      BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
      for (int i = 0; i < 6; i++) {
        img.getRaster().setSample(i % 3, i / 3, 0, (c.equals("dark") ? 7 : 200) + i);
      }
      TestImages.png(tmp.resolve(c + "/x.png"), img);
    }
    Blocks b = read(tmp, 2);
    assertEquals(6, b.cols());
    assertArrayEquals(new float[] {7, 8, 9, 10, 11, 12, 200, 201, 202, 203, 204, 205},
        features(b));
    assertArrayEquals(new int[] {0, 1}, labels(b));
  }

  @Test
  void aTruncatedJpegIsNamedOrSkipped() throws IOException {
    TestImages.png(tmp.resolve("a/ok.png"), TestImages.rgb(8, 8, 10));
    TestImages.png(tmp.resolve("b/ok.png"), TestImages.rgb(8, 8, 20));
    // Noise, so that the image data outweighs the headers and the cut falls inside it.
    byte[] jpeg = TestImages.jpeg(TestImages.noise(32, 32, 3));
    byte[] half = Arrays.copyOf(jpeg, jpeg.length / 2);
    Path cut = tmp.resolve("b/cut.jpg");
    Files.write(cut, half);
    assertNotNull(ImageIO.read(new ByteArrayInputStream(half)),
        "ImageIO.read returns the cut JPEG, the missing half grey: only a warning tells");
    String m = failure(source(tmp));
    assertTrue(m.startsWith(cut.toUri().toString().replace("file:///", "file:/") + ": "), m);
    assertTrue(m.endsWith(": the JPEG reader warns 'Truncated File - Missing EOI marker' (a "
        + "truncated or corrupt file)"), m);

    Blocks b = read(source(tmp).withSkipInvalid(true), 2);
    assertEquals(2, b.rows());
    assertEquals(1, b.skipped());
    assertEquals(List.of(m), b.skipReasons());
    assertArrayEquals(new int[] {0, 1}, labels(b));
  }

  @Test
  void textNamedJpgIsNotAnImage() throws IOException {
    TestImages.png(tmp.resolve("a/ok.png"), TestImages.rgb(4, 4, 10));
    TestImages.png(tmp.resolve("b/ok.png"), TestImages.rgb(4, 4, 20));
    Files.writeString(tmp.resolve("b/fake.jpg"), "hello, I am text");
    String m = failure(source(tmp));
    assertTrue(m.matches("file:/.*/b/fake\\.jpg: not an image: no image reader recognises its "
        + "16 bytes"), m);
  }

  @Test
  void anEmptyClassFolderIsNamed() throws IOException {
    TestImages.png(tmp.resolve("a/ok.png"), TestImages.rgb(4, 4, 10));
    Files.createDirectories(tmp.resolve("b"));
    Files.writeString(tmp.resolve("b/readme.txt"), "no images here");
    String m = assertThrows(InvalidDataException.class, () -> read(tmp, 2)).getMessage();
    assertTrue(m.matches(".*/b: no image files \\(jpg, jpeg, png, bmp, gif\\) in the "
        + "folder of class 'b'"), m);
  }

  @Test
  void aDifferentSizeIsNamedWithBothSizes() throws IOException {
    TestImages.png(tmp.resolve("a/1.png"), TestImages.rgb(4, 4, 10));
    TestImages.png(tmp.resolve("a/2.png"), TestImages.rgb(4, 5, 10));
    TestImages.png(tmp.resolve("b/1.png"), TestImages.rgb(5, 4, 10));
    String m = failure(source(tmp));
    // Rows a/1, b/1, a/2: b/1 is the first of another size.
    assertTrue(m.matches("file:/.*/b/1\\.png: image 5x4x3, expected 4x4x3 \\(the first image "
        + "file:/.*/a/1\\.png\\); images are not resized"), m);
    String configured = failure(source(tmp).withImageSize(new ImageSize(4, 4, 1)));
    assertTrue(configured.matches("file:/.*/a/1\\.png: image 4x4x3, expected 4x4x1 \\(the "
        + "configured image size\\); images are not resized"), configured);

    Blocks b = read(source(tmp).withSkipInvalid(true), 2);
    assertEquals(1, b.rows());
    assertEquals(2, b.skipped());
    assertEquals(m, b.skipReasons().get(0));
  }

  @Test
  void classFoldersMustMatch() throws IOException {
    for (String c : List.of("cat", "dog")) {
      TestImages.png(tmp.resolve("train/" + c + "/1.png"), TestImages.rgb(2, 2, 1));
    }
    for (String c : List.of("cat", "cow")) {
      TestImages.png(tmp.resolve("test/" + c + "/1.png"), TestImages.rgb(2, 2, 1));
    }
    String train = tmp.resolve("train").toString();
    String test = tmp.resolve("test").toString();
    List<String> classes = ImageFolders.classes(train, CONF);
    assertEquals(List.of("cat", "dog"), classes);
    String m = assertThrows(InvalidDataException.class, () -> ImageFolders.requireSameClasses(
        test, ImageFolders.classes(test, CONF), train, classes)).getMessage();
    assertEquals(test + ": its class folders differ from those of the training data " + train
        + ": 'cow' is in " + test + " only", m);
    String direct = failure(DataSource.images(test, classes));
    assertEquals(test + ": its class folders are not the expected classes [cat, dog]: 'cow' is "
        + "in " + test + " only", direct);
    assertEquals(tmp + "/none: no such folder", assertThrows(InvalidDataException.class,
        () -> ImageFolders.classes(tmp + "/none", CONF)).getMessage());
  }

  @Test
  void readsASliceOfCifar10InItsCanonicalClassOrder() throws IOException {
    Path train = SharedData.cifarDir().resolve("train");
    List<String> canonical = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
        "frog", "horse", "ship", "truck");
    for (String c : canonical) {
      try (Stream<Path> files = Files.list(train.resolve(c))) {
        for (Path f : files.sorted().limit(3).toList()) {
          Files.createDirectories(tmp.resolve(c));
          Files.copy(f, tmp.resolve(c).resolve(f.getFileName()));
        }
      }
    }
    assertEquals(canonical, ImageFolders.classes(tmp.toString(), CONF));
    Blocks b = read(source(tmp).withImageSize(new ImageSize(32, 32, 3)), 3);
    assertEquals(30, b.rows());
    assertEquals(32 * 32 * 3, b.cols());
    assertEquals(10, b.numClasses());
    int[] expected = new int[30];
    for (int i = 0; i < 30; i++) {
      expected[i] = i % 10;
    }
    assertArrayEquals(expected, labels(b));
    // The last row: the third truck, decoded here independently.
    Path last;
    try (Stream<Path> files = Files.list(tmp.resolve("truck"))) {
      last = files.sorted().toList().get(2);
    }
    BufferedImage img = ImageIO.read(last.toFile());
    float[] x = features(b);
    int off = 29 * 3072;
    for (int y = 0; y < 32; y++) {
      for (int px = 0; px < 32; px++) {
        int rgb = img.getRGB(px, y);
        int at = off + (y * 32 + px) * 3;
        assertEquals((rgb >> 16) & 0xff, x[at], "red at " + y + ", " + px);
        assertEquals((rgb >> 8) & 0xff, x[at + 1], "green at " + y + ", " + px);
        assertEquals(rgb & 0xff, x[at + 2], "blue at " + y + ", " + px);
      }
    }
  }
}
