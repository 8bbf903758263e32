package org.sparsevd.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads MNIST in the IDX format of LeCun, Cortes and Burges: an idx3 file of images (magic 2051;
 * then count, rows, columns as big-endian ints; then one unsigned byte per pixel) and an idx1
 * file of labels (magic 2049; count; one byte per label).
 *
 * <p>Files are opened through the Hadoop {@code FileSystem} API, so any path Hadoop understands
 * works (a local path, {@code file://}, {@code hdfs://}, {@code s3a://}). Gzip is recognised by
 * its magic bytes, not by the file name, because copies are often renamed or decompressed.
 *
 * <p>Header fields are checked before anything is allocated from them: a corrupt or hostile
 * header must produce a clear error, not an {@link OutOfMemoryError}.
 */
public final class MnistIdx {

  /** Magic number of an idx3 file of unsigned bytes (images). */
  public static final int IMAGES_MAGIC = 2051;
  /** Magic number of an idx1 file of unsigned bytes (labels). */
  public static final int LABELS_MAGIC = 2049;
  /** MNIST has the ten digits. */
  public static final int NUM_CLASSES = 10;
  /** Pixels of a published MNIST image, 28 x 28. */
  public static final int PIXELS = 28 * 28;
  /** The largest {@code float[]} a JVM can allocate; a header asking for more is rejected. */
  static final long MAX_VALUES = Integer.MAX_VALUE - 8;
  /**
   * Deflate cannot compress better than about 1032:1, so a gzip file of n bytes holds at most
   * this many times n bytes of content; a header claiming more is corrupt.
   */
  static final long MAX_GZIP_RATIO = 1032;

  private static final int BUFFER_BYTES = 1 << 16;
  private static final int IMAGES_HEADER_BYTES = 16;
  private static final int LABELS_HEADER_BYTES = 8;

  /** One of the four published MNIST files and the SHA-256 of its {@code .gz} form. */
  public record StandardFile(String name, String sha256) {}

  public static final StandardFile TRAIN_IMAGES = new StandardFile("train-images-idx3-ubyte.gz",
      "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609");
  public static final StandardFile TRAIN_LABELS = new StandardFile("train-labels-idx1-ubyte.gz",
      "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c");
  public static final StandardFile TEST_IMAGES = new StandardFile("t10k-images-idx3-ubyte.gz",
      "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6");
  public static final StandardFile TEST_LABELS = new StandardFile("t10k-labels-idx1-ubyte.gz",
      "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6");

  private MnistIdx() {}

  /** @return the four published files: train images, train labels, test images, test labels */
  public static List<StandardFile> standardFiles() {
    return List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
  }

  /**
   * Reads the 60,000 training examples from a directory holding the standard files.
   *
   * @throws InvalidDataException if the directory lacks one of the files ({@link #find})
   */
  public static LabeledData readTrain(String dir, Configuration conf) throws IOException {
    return read(require(dir, TRAIN_IMAGES, conf), require(dir, TRAIN_LABELS, conf), conf);
  }

  /** Reads the 10,000 test examples, as {@link #readTrain} reads the training examples. */
  public static LabeledData readTest(String dir, Configuration conf) throws IOException {
    return read(require(dir, TEST_IMAGES, conf), require(dir, TEST_LABELS, conf), conf);
  }

  /**
   * Where a standard file is in {@code dir}: under its published name ({@code .gz}), else
   * under that name without {@code .gz} (the files as many copies unpack them).
   *
   * @return the file's path, or null if {@code dir} holds it under neither name
   */
  public static String find(String dir, StandardFile file, Configuration conf)
      throws IOException {
    Path base = new Path(dir);
    FileSystem fs = base.getFileSystem(conf);
    for (String name : List.of(file.name(), file.name().substring(0, file.name().length() - 3))) {
      Path p = new Path(base, name);
      if (fs.isFile(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /**
   * Checks that {@code dir} holds all four standard files, gzipped or not.
   *
   * @throws InvalidDataException naming the directory, the first missing file and all four
   */
  public static void requireAll(String dir, Configuration conf) throws IOException {
    for (StandardFile f : standardFiles()) {
      require(dir, f, conf);
    }
  }

  private static String require(String dir, StandardFile file, Configuration conf)
      throws IOException {
    String found = find(dir, file, conf);
    if (found == null) {
      String plain = file.name().substring(0, file.name().length() - 3);
      throw new InvalidDataException(dir + " holds neither " + file.name() + " nor " + plain
          + ": an MNIST folder holds the four files " + String.join(", ", standardFiles()
              .stream().map(StandardFile::name).toList()) + ", each gzipped or not");
    }
    return found;
  }

  /**
   * Reads an image file and its label file.
   *
   * @param imagesPath an idx3 file, gzipped or not
   * @param labelsPath the matching idx1 file, gzipped or not
   * @param conf the Hadoop configuration used to resolve the paths' file systems
   * @return raw pixel values 0..255 as floats, one row per image, and {@value #NUM_CLASSES}
   *     classes; the source names both files. Labels are as stored, 0..255: one outside the
   *     classes is a fault of its row, found by {@link LabeledData#validate} (or dropped by
   *     {@link LabeledData#validateSkipping}), not of the file
   * @throws InvalidDataException if either file is malformed (magic, header, length) or they
   *     do not match
   * @throws IOException if a file cannot be read
   */
  public static LabeledData read(String imagesPath, String labelsPath, Configuration conf)
      throws IOException {
    try (IdxStream images = IdxStream.open(imagesPath, conf);
        IdxStream labels = IdxStream.open(labelsPath, conf)) {
      images.expectMagic(IMAGES_MAGIC, "idx3 images");
      int count = images.header("image count");
      int height = images.header("rows per image");
      int width = images.header("columns per image");
      labels.expectMagic(LABELS_MAGIC, "idx1 labels");
      int labelCount = labels.header("label count");
      if (count != labelCount) {
        throw new InvalidDataException(imagesPath + " holds " + count + " images but "
            + labelsPath + " holds " + labelCount + " labels");
      }
      if (height == 0 || width == 0) {
        throw new InvalidDataException(imagesPath + ": images of " + height + "x" + width);
      }
      images.checkContentSize(IMAGES_HEADER_BYTES, count, (long) height * width, "image");
      labels.checkContentSize(LABELS_HEADER_BYTES, count, 1, "label");
      // Safe now: max(count, 1) * height * width <= MAX_VALUES.
      int pixels = height * width;
      float[] features = readImages(images, count, pixels);
      int[] classes = readLabels(labels, count);
      images.expectEnd(count, "image");
      labels.expectEnd(count, "label");
      return new LabeledData(imagesPath + " (labels " + labelsPath + ")", features, classes,
          pixels, NUM_CLASSES);
    }
  }

  private static float[] readImages(IdxStream in, int count, int pixels) throws IOException {
    float[] out = new float[count * pixels];
    // Whole images per chunk so that a short read maps straight to the image it hit.
    int perChunk = Math.max(1, BUFFER_BYTES / pixels);
    byte[] buf = new byte[perChunk * pixels];
    for (int first = 0; first < count; first += perChunk) {
      int n = Math.min(perChunk, count - first);
      in.readFully(buf, n * pixels, first, pixels, count, "image");
      int base = first * pixels;
      for (int k = 0, len = n * pixels; k < len; k++) {
        out[base + k] = buf[k] & 0xFF;
      }
    }
    return out;
  }

  private static int[] readLabels(IdxStream in, int count) throws IOException {
    byte[] buf = new byte[count];
    in.readFully(buf, count, 0, 1, count, "label");
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = buf[i] & 0xFF;
    }
    return out;
  }

  /** A big-endian stream over one IDX file that knows its name and, if raw, its length. */
  private static final class IdxStream implements AutoCloseable {
    final String path;
    private final DataInputStream in;
    /** The file length when the content is not compressed, else -1. */
    private final long rawLength;
    /** The gzip file length when compressed, else -1. */
    private final long gzipLength;

    private IdxStream(String path, InputStream in, long rawLength, long gzipLength) {
      this.path = path;
      this.in = new DataInputStream(in);
      this.rawLength = rawLength;
      this.gzipLength = gzipLength;
    }

    static IdxStream open(String path, Configuration conf) throws IOException {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      long length = fs.getFileStatus(p).getLen();
      BufferedInputStream buffered = new BufferedInputStream(fs.open(p), BUFFER_BYTES);
      try {
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        return gzip
            ? new IdxStream(path, new GZIPInputStream(buffered, BUFFER_BYTES), -1, length)
            : new IdxStream(path, buffered, length, -1);
      } catch (IOException | RuntimeException e) {
        buffered.close();
        throw e;
      }
    }

    void expectMagic(int expected, String kind) throws IOException {
      int magic = readInt("magic number");
      if (magic != expected) {
        throw new InvalidDataException(path + ": magic " + magic + ", expected " + expected
            + " (" + kind + ")");
      }
    }

    /** Reads one non-negative big-endian header int (a size; IDX stores them signed). */
    int header(String field) throws IOException {
      int v = readInt(field);
      if (v < 0) {
        throw new InvalidDataException(path + ": " + field + " " + v + " is negative");
      }
      return v;
    }

    private int readInt(String field) throws IOException {
      try {
        return in.readInt();
      } catch (EOFException e) {
        throw new InvalidDataException(path + ": truncated in the header, at the " + field);
      }
    }

    /** Rejects a header whose item count cannot fit in memory or in this file. */
    void checkContentSize(int headerBytes, int count, long itemBytes, String item) {
      // Divide rather than multiply: two header ints of up to 2^31 each would overflow.
      if (itemBytes > MAX_VALUES / Math.max(count, 1)) {
        throw new InvalidDataException(path + ": header says " + count + " " + item + "s of "
            + itemBytes + " bytes, more than the " + MAX_VALUES + " values an array can hold");
      }
      long values = count * itemBytes;
      if (rawLength >= 0 && headerBytes + values > rawLength) {
        long whole = (rawLength - headerBytes) / itemBytes;
        throw new InvalidDataException(path + ": truncated at " + item + " " + whole + " of "
            + count + " (the file has " + rawLength + " bytes, the header needs "
            + (headerBytes + values) + ")");
      }
      if (gzipLength >= 0 && headerBytes + values > gzipLength * MAX_GZIP_RATIO) {
        throw new InvalidDataException(path + ": header says " + count + " " + item + "s of "
            + itemBytes + " bytes, impossible in a gzip file of " + gzipLength + " bytes");
      }
    }

    /**
     * Fills {@code buf[0, len)}; items of {@code itemBytes} bytes starting at item {@code first}
     * of {@code count}, so a short read can name the first incomplete item.
     */
    void readFully(byte[] buf, int len, int first, int itemBytes, int count, String item)
        throws IOException {
      int done = 0;
      while (done < len) {
        int n = in.read(buf, done, len - done);
        if (n < 0) {
          throw new InvalidDataException(path + ": truncated at " + item + " "
              + (first + done / itemBytes) + " of " + count);
        }
        done += n;
      }
    }

    /** Extra bytes mean the header does not describe the file: most likely a wrong file. */
    void expectEnd(int count, String item) throws IOException {
      if (in.read() >= 0) {
        throw new InvalidDataException(path + ": data continues after the " + count + " " + item
            + "s the header announces");
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
