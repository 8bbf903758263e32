package org.sparsevd.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.data.ImageSize;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.LabeledData;
import org.sparsevd.spark.data.ImageDecoder.BadImage;
import org.sparsevd.spark.data.ImageDecoder.Pixels;
import scala.Tuple2;

/**
 * Reads an {@link DataSource.Format#IMAGES} source into blocks: the files {@link ImageFolders}
 * lists, each class's sorted by path, are the rows, the classes interleaved ({@link
 * #interleaved}), in that order whatever the partitioning. The
 * bytes come through Spark's {@code binaryFile} source and are decoded in the executors by
 * {@link ImageDecoder}, in two passes as {@link BlockReader} reads text:
 * <ol>
 *   <li>every file is decoded where Spark's scan puts it, and only its size or its fault goes
 *       to the driver, which fails on the first faulty file in row order (or drops and counts
 *       the faulty files when skipping) and numbers the valid ones;
 *   <li>each valid file's bytes, compressed, are shuffled to the partition of its row range and
 *       decoded there again, in row order, into that partition's block.
 * </ol>
 * All images must have one size: {@link DataSource#imageSize()} when set, else that of the
 * first valid image; a file of another size is faulty (never resized).
 */
final class ImageScan {
  private ImageScan() {}

  /** What the first pass learned of one file: its place in row order, its size or fault. */
  private record Check(int position, ImageSize size, String problem) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** One valid file on its way to its block. */
  private record Encoded(int row, int label, String path, byte[] bytes) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  static Blocks read(SparkSession spark, DataSource src, int partitions) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<List<Path>> listed = ImageFolders.files(src.path(), src.classes(),
        sc.hadoopConfiguration());
    List<String> paths = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int[] at : interleaved(listed)) {
      paths.add(listed.get(at[0]).get(at[1]).toString());
      labels.add(at[0]);
    }
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      positions.put(paths.get(i), i);
    }
    Broadcast<Map<String, Integer>> where = sc.broadcast(positions);
    JavaRDD<Row> files = scan(spark, src.path());

    Check[] checks = new Check[paths.size()];
    for (Check c : files.mapPartitions(it -> check(it, where.value()).iterator()).collect()) {
      checks[c.position()] = c;
    }
    ImageSize size = src.imageSize();
    String sizeOrigin = "the configured image size";
    int[] rowOf = new int[paths.size()];
    int rows = 0;
    long skipped = 0;
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < checks.length; i++) {
      Check c = checks[i];
      if (c == null) {
        throw new IllegalStateException(paths.get(i) + " changed while it was read: listed, but "
            + "not in Spark's binaryFile scan of " + src.path());
      }
      String problem = c.problem();
      if (problem == null && size == null) {
        size = c.size();
        sizeOrigin = "the first image " + paths.get(i);
      }
      if (problem == null && !c.size().equals(size)) {
        problem = "image " + c.size() + ", expected " + size + " (" + sizeOrigin + "); images "
            + "are not resized";
      }
      if (problem == null) {
        rowOf[i] = rows++;
        continue;
      }
      rowOf[i] = -1;
      String reason = paths.get(i) + ": " + problem;
      if (!src.skipInvalid()) {
        throw new InvalidDataException(reason);
      }
      skipped++;
      if (reasons.size() < LabeledData.MAX_REPORTED_REASONS) {
        reasons.add(reason);
      }
    }
    if (rows == 0) {
      throw new InvalidDataException(src.path() + ": all " + skipped + " images are invalid, "
          + "first: " + reasons.get(0));
    }
    int cols = size.features();
    if (src.numFeatures() > 0 && src.numFeatures() != cols) {
      throw new InvalidDataException(src.path() + ": images of " + size + " have " + cols
          + " features, but numFeatures is " + src.numFeatures());
    }
    long[] bounds = new long[partitions + 1];
    for (int p = 0; p <= partitions; p++) {
      bounds[p] = BlockReader.rangeStart(rows, partitions, p);
    }
    Broadcast<int[]> rowsOf = sc.broadcast(rowOf);
    Broadcast<int[]> labelOf = sc.broadcast(labels.stream().mapToInt(Integer::intValue).toArray());
    ImageSize expected = size;
    String root = src.path();
    JavaRDD<DataBlock> blocks = files.flatMapToPair(row -> {
          Integer at = where.value().get(row.getString(0));
          int r = at == null ? -1 : rowsOf.value()[at];
          return r < 0 ? List.<Tuple2<Integer, Serializable>>of().iterator()
              : List.of(new Tuple2<Integer, Serializable>(rangeOf(r, bounds), new Encoded(r,
                  labelOf.value()[at], row.getString(0), (byte[]) row.get(1)))).iterator();
        })
        .partitionBy(new BlockReader.ByIndex(partitions))
        .values()
        .mapPartitionsWithIndex((p, it) -> List.of(block(it, p, bounds, expected, root))
            .iterator(), true);
    return new Blocks(blocks, rows, cols, src.classes().size(), false, skipped, reasons);
  }

  /**
   * The row order: (class, index in the class's sorted files) of every file, each class spread
   * evenly over the rows, file i of a class of n at the place (i + 1/2) / n of the whole (ties
   * by class). A contiguous range of rows, which is what a partition holds and what {@code
   * data.train_limit} keeps, then has every class in its share: batch normalisation's
   * statistics, taken over a partition's rows of a batch, must not see one class at a time.
   */
  static List<int[]> interleaved(List<List<Path>> files) {
    List<int[]> order = new ArrayList<>();
    for (int c = 0; c < files.size(); c++) {
      for (int i = 0; i < files.get(c).size(); i++) {
        order.add(new int[] {c, i});
      }
    }
    // (2i + 1) / 2n compared as (2i + 1) * 2m against (2j + 1) * 2n: exact in longs.
    order.sort((a, b) -> {
      long left = (2L * a[1] + 1) * files.get(b[0]).size();
      long right = (2L * b[1] + 1) * files.get(a[0]).size();
      return left != right ? Long.compare(left, right) : Integer.compare(a[0], b[0]);
    });
    return order;
  }

  /**
   * Spark's binaryFile scan of the root, its partitions fixed while the session counts a file
   * as {@link #OPEN_COST} bytes: at Spark's 4 MB a 16 MB scan task (the jobs' setting) takes
   * four small images, and CIFAR-10's 50,000 became 12,500 tasks a pass, minutes of scheduling.
   * The session's own setting is restored.
   */
  static JavaRDD<Row> scan(SparkSession spark, String root) {
    String key = "spark.sql.files.openCostInBytes";
    String before = spark.conf().get(key);
    spark.conf().set(key, OPEN_COST);
    try {
      JavaRDD<Row> files = spark.read().format("binaryFile")
          .option("recursiveFileLookup", "true")
          .option("pathGlobFilter", ImageFolders.glob())
          .load(root).select("path", "content").javaRDD();
      files.partitions();
      return files;
    } finally {
      spark.conf().set(key, before);
    }
  }

  /** What a file counts as when scan tasks are packed: about a compressed photo. */
  private static final long OPEN_COST = 64 * 1024;

  /** The first pass over one scan partition: each listed file's size or fault. */
  private static List<Check> check(Iterator<Row> files, Map<String, Integer> where) {
    List<Check> out = new ArrayList<>();
    while (files.hasNext()) {
      Row row = files.next();
      Integer at = where.get(row.getString(0));
      if (at == null) {
        continue;
      }
      try {
        out.add(new Check(at, ImageDecoder.decode((byte[]) row.get(1)).size(), null));
      } catch (BadImage bad) {
        out.add(new Check(at, null, bad.getMessage()));
      }
    }
    return out;
  }

  /** The range {@code p < bounds.length - 1} with {@code bounds[p] <= row < bounds[p + 1]}. */
  private static int rangeOf(long row, long[] bounds) {
    // The last range starting at or before the row: empty ranges share a start with the next.
    int lo = 0;
    int hi = bounds.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (bounds[mid] <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Decodes the images of range {@code p}, in row order, into its block. */
  private static DataBlock block(Iterator<Serializable> it, int p, long[] bounds,
                                 ImageSize size, String root) {
    List<Encoded> images = new ArrayList<>();
    it.forEachRemaining(e -> images.add((Encoded) e));
    images.sort(Comparator.comparingInt(Encoded::row));
    int rows = (int) (bounds[p + 1] - bounds[p]);
    int cols = size.features();
    if (images.size() != rows) {
      throw new IllegalStateException(root + " changed while it was read: block " + p + " got "
          + images.size() + " images for its " + rows + " rows");
    }
    float[] x = new float[rows * cols];
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      Encoded e = images.get(i);
      Pixels px;
      try {
        px = ImageDecoder.decode(e.bytes());
      } catch (BadImage bad) {
        throw new IllegalStateException(e.path() + " changed while it was read: "
            + bad.getMessage());
      }
      if (e.row() != bounds[p] + i || !px.size().equals(size)) {
        throw new IllegalStateException(e.path() + " changed while it was read: row " + e.row()
            + " of " + px.size() + " in block " + p + " at row " + (bounds[p] + i) + " of "
            + size);
      }
      System.arraycopy(px.values(), 0, x, i * cols, cols);
      y[i] = e.label();
    }
    return new DataBlock(bounds[p], cols, x, y);
  }
}
