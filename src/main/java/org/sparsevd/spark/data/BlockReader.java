package org.sparsevd.spark.data;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.spark.data.RowParser.Chunk;
import scala.Tuple2;

/**
 * Reads a {@link DataSource} into {@link Blocks}: one {@link DataBlock} per partition, holding a
 * contiguous range of the examples, the ranges' sizes differing by at most one.
 *
 * <p>The layout is a function of the input files only, never of task timing: the same files give
 * the same rows, in the same order, in the same partitions, so that a run can be repeated and a
 * lost partition recomputed identically. File formats are read in three steps:
 * <ol>
 *   <li>each partition of Spark's file scan (whose layout depends only on the files) is parsed
 *       and validated in the executors into one compact block; no {@code Row} is kept;
 *   <li>one small job counts the valid rows of each scan partition (for Parquet read whole,
 *       from the files' footers, without parsing); the driver turns the counts into global row
 *       numbers and cuts them into {@code partitions} equal ranges;
 *   <li>each scan block is cut at the range boundaries, the pieces are shuffled to their range's
 *       partition by its index, and each partition concatenates its pieces in row order. When
 *       the scan's partitions already are those ranges (files of equal row counts, one per
 *       partition), each scan block is its range's block and nothing is shuffled.
 * </ol>
 * A plain {@code repartition(n)} would balance the rows too, but deals them round-robin in an
 * order that can change between runs; coalescing keeps the order but not the balance. Image
 * folders ({@link ImageScan}) end in the same ranges, their rows the classes interleaved.
 *
 * <p>Invalid data fails in the executor with an {@link InvalidDataException} naming the file,
 * the row and the problem; {@code read} rethrows it on the driver with that message, unwrapped
 * from Spark's job failure.
 */
public final class BlockReader {

  private BlockReader() {}

  /**
   * Distributes data already in driver memory; the labels are taken as they are (validate the
   * data first if it may hold labels outside its classes).
   *
   * @param partitions partition {@code p} holds block {@code p}, rows {@code [p * n / partitions,
   *     (p + 1) * n / partitions)}
   * @throws InvalidDataException if there are no rows
   * @throws IllegalArgumentException if on a cluster a block is too large to ship in one task
   */
  public static Blocks fromLabeledData(JavaSparkContext sc, LabeledData data, int partitions) {
    requirePartitions(partitions);
    int rows = data.rows();
    int cols = data.cols();
    if (rows == 0) {
      throw new InvalidDataException(data.source() + ": no rows");
    }
    // The arrays go out once as a broadcast and each partition cuts its block from them.
    // Blocks built on the driver and parallelized would instead ride inside every task of
    // every later job: a parallelized partition keeps its data even once the RDD is cached.
    Broadcast<float[]> x = sc.broadcast(data.features());
    Broadcast<int[]> y = sc.broadcast(data.labels());
    List<Integer> ids = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      ids.add(p);
    }
    // A list of `partitions` elements in `partitions` slices puts element p in partition p.
    JavaRDD<DataBlock> rdd = sc.parallelize(ids, partitions).map(p -> {
      int from = (int) rangeStart(rows, partitions, p);
      int to = (int) rangeStart(rows, partitions, p + 1);
      return new DataBlock(from, cols, Arrays.copyOfRange(x.value(), from * cols, to * cols),
          Arrays.copyOfRange(y.value(), from, to));
    });
    return new Blocks(rdd, rows, cols, data.numClasses(), false, 0, List.of());
  }

  /**
   * Reads and validates a source.
   *
   * @param partitions the number of blocks; may exceed the rows (some blocks are then empty)
   * @throws InvalidDataException naming the file, row and problem of the first invalid row
   *     (unless skipping), or the path if there are no rows or no valid row. Parquet read whole
   *     is counted from its footers, so an invalid row of it is found, with the same message,
   *     when the blocks are first computed ({@link PersistedBlocks#persist} rethrows it so)
   * @throws UncheckedIOException if MNIST files or image folders cannot be read
   */
  public static Blocks read(SparkSession spark, DataSource src, int partitions) {
    requirePartitions(partitions);
    return switch (src.format()) {
      case MNIST -> readMnist(spark, src, partitions);
      case IMAGES -> unwrapping(() -> ImageScan.read(spark, src, partitions));
      default -> readFrame(spark, src, partitions);
    };
  }

  /**
   * Reads and validates the rows of a {@code Dataset} the caller already has, as {@link
   * #read(SparkSession, DataSource, int)} reads files.
   *
   * @param src {@link DataSource.Format#DATAFRAME} settings naming the columns
   */
  public static Blocks read(org.apache.spark.sql.Dataset<?> frame, DataSource src,
      int partitions) {
    requirePartitions(partitions);
    if (src.format() != DataSource.Format.DATAFRAME) {
      throw new IllegalArgumentException(src.path() + ": format " + src.format()
          + " names files; a Dataset is read with DATAFRAME settings");
    }
    return readLayout(unwrapping(() -> FrameLayout.of(frame.toDF(), src)), src, partitions);
  }

  private static Blocks readMnist(SparkSession spark, DataSource src, int partitions) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    LabeledData data;
    try {
      data = src.split() == DataSource.Split.TRAIN
          ? MnistIdx.readTrain(src.path(), conf) : MnistIdx.readTest(src.path(), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(src.path() + ": " + e.getMessage(), e);
    }
    int cols = src.numFeatures() > 0 ? src.numFeatures() : data.cols();
    long skipped = 0;
    List<String> reasons = List.of();
    if (src.skipInvalid()) {
      LabeledData.Filtered kept = data.validateSkipping(cols, src.numClasses());
      data = kept.data();
      skipped = kept.skipped();
      reasons = kept.reasons();
    } else {
      data.validate(cols, src.numClasses());
    }
    Blocks b = fromLabeledData(JavaSparkContext.fromSparkContext(spark.sparkContext()), data,
        partitions);
    return new Blocks(b.rdd(), b.rows(), b.cols(), b.numClasses(), false, skipped, reasons);
  }

  /** The rows of one scan partition: valid ones kept, invalid ones dropped. */
  private record Count(long rows, long skipped, List<String> reasons) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private static Blocks readFrame(SparkSession spark, DataSource src, int partitions) {
    if (src.format() == DataSource.Format.LIBSVM) {
      LibSvmText.Scan scan = unwrapping(() -> LibSvmText.scan(spark, src));
      return layOut(scan.chunks(), scan.rows(), scan.skipped(), scan.reasons(), scan.cols(),
          false, src, partitions);
    }
    return readLayout(unwrapping(() -> FrameLayout.open(spark, src)), src, partitions);
  }

  private static Blocks readLayout(FrameLayout layout, DataSource src, int partitions) {
    RowParser parser = layout.parser();
    // Counted from footers, each scan task's rows are known before it is parsed.
    List<Count> bare = layout.bare() == null ? null : unwrapping(() -> countBare(layout));
    long[] known = bare == null ? null : bare.stream().mapToLong(Count::rows).toArray();
    JavaRDD<Chunk> chunks = layout.rows().mapPartitionsWithIndex((i, it) -> List.of(
        parser.parse(i, it, known == null ? -1 : known[i])).iterator(), true);
    List<Count> counts = bare != null ? bare : unwrapping(() -> chunks.map(
        c -> new Count(c.block().rows(), c.skipped(), c.reasons())).collect());
    long[] scanRows = new long[counts.size()];
    long skipped = 0;
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < counts.size(); i++) {
      Count c = counts.get(i);
      scanRows[i] = c.rows();
      skipped += c.skipped();
      c.reasons().stream().limit(LabeledData.MAX_REPORTED_REASONS - reasons.size())
          .forEach(reasons::add);
    }
    return layOut(chunks, scanRows, skipped, reasons, parser.cols(), parser.weighted(), src,
        partitions);
  }

  /**
   * Cuts the scan's chunks into {@code partitions} equal ranges of rows.
   *
   * @param scanRows the valid rows of each scan partition's chunk
   */
  private static Blocks layOut(JavaRDD<Chunk> chunks, long[] scanRows, long skipped,
                               List<String> reasons, int cols, boolean weighted, DataSource src,
                               int partitions) {
    long[] scanStart = new long[scanRows.length + 1];
    for (int i = 0; i < scanRows.length; i++) {
      scanStart[i + 1] = scanStart[i] + scanRows[i];
    }
    long rows = scanStart[scanRows.length];
    if (rows == 0 && skipped == 0) {
      throw new InvalidDataException(src.path() + ": no rows");
    }
    if (rows == 0) {
      throw new InvalidDataException(src.path() + ": all " + skipped
          + " rows are invalid, first: " + reasons.get(0));
    }
    long largest = (rows + partitions - 1) / partitions * cols;
    if (largest > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(src.path() + ": " + rows + " rows of " + cols
          + " features make blocks of " + largest + " values, more than a Java array holds; "
          + "use more than " + partitions + " partitions");
    }
    long[] bounds = new long[partitions + 1];
    for (int p = 0; p <= partitions; p++) {
      bounds[p] = rangeStart(rows, partitions, p);
    }
    String path = src.path();
    JavaRDD<DataBlock> blocks = Arrays.equals(scanStart, bounds)
        // The scan's partitions already are the ranges: each becomes its block where it is read.
        ? chunks.mapPartitionsWithIndex(
            (p, it) -> List.of(asRange(it.next().block(), p, bounds, path)).iterator(), true)
        : JavaPairRDD.fromJavaRDD(chunks.mapPartitionsWithIndex(
                (i, it) -> cut(it.next().block(), scanStart[i], bounds).iterator(), true))
            .partitionBy(new ByIndex(partitions))
            .values()
            .mapPartitionsWithIndex(
                (p, it) -> List.of(join(it, p, bounds, cols, weighted, path)).iterator(),
                true);
    return new Blocks(blocks, rows, cols, src.numClasses(), weighted, skipped, reasons);
  }

  /** Counts the rows of each scan partition without reading a column. */
  private static List<Count> countBare(FrameLayout layout) {
    if (layout.bare().getNumPartitions() != layout.rows().getNumPartitions()) {
      throw new IllegalStateException("a scan of no column has "
          + layout.bare().getNumPartitions() + " partitions, the scan it counts "
          + layout.rows().getNumPartitions());
    }
    return layout.bare().mapPartitions(it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return List.of(new Count(n, 0, List.<String>of())).iterator();
    }).collect();
  }

  /** A scan partition's block as range {@code p}, which it must fill exactly. */
  private static DataBlock asRange(DataBlock block, int p, long[] bounds, String path) {
    if (block.rows() != bounds[p + 1] - bounds[p]) {
      throw new IllegalStateException(path + " changed while it was read: block " + p
          + " has " + block.rows() + " rows, counted " + (bounds[p + 1] - bounds[p]));
    }
    return block.withFirstIndex(bounds[p]);
  }

  /**
   * Cuts a block of rows {@code [first, first + rows)} into pieces keyed by target range. A piece
   * is serialised from the block's arrays ({@link DataBlock#shippedSlice}) and arrives as a
   * {@code DataBlock}.
   */
  private static List<Tuple2<Integer, Serializable>> cut(DataBlock block, long first,
      long[] bounds) {
    List<Tuple2<Integer, Serializable>> pieces = new ArrayList<>();
    long end = first + block.rows();
    int cols = block.cols();
    for (int p = 0; p + 1 < bounds.length; p++) {
      long from = Math.max(first, bounds[p]);
      long to = Math.min(end, bounds[p + 1]);
      if (from >= to) {
        continue;
      }
      int a = (int) (from - first);
      int b = (int) (to - first);
      pieces.add(new Tuple2<>(p, block.shippedSlice(a, b, from)));
    }
    return pieces;
  }

  /** Concatenates the pieces of range {@code p}, checking that they cover it exactly. */
  private static DataBlock join(Iterator<Serializable> it, int p, long[] bounds, int cols,
      boolean weighted, String path) {
    List<DataBlock> pieces = new ArrayList<>();
    it.forEachRemaining(piece -> pieces.add((DataBlock) piece));
    pieces.sort(Comparator.comparingLong(DataBlock::firstIndex));
    int rows = (int) (bounds[p + 1] - bounds[p]);
    float[] x = new float[rows * cols];
    int[] y = new int[rows];
    float[] w = weighted ? new float[rows] : null;
    long next = bounds[p];
    for (DataBlock piece : pieces) {
      if (piece.firstIndex() != next || next + piece.rows() > bounds[p + 1]) {
        throw new IllegalStateException(path + " changed while it was read: block " + p
            + " expected row " + next + ", got rows from " + piece.firstIndex());
      }
      int at = (int) (next - bounds[p]);
      System.arraycopy(piece.features(), 0, x, at * cols, piece.rows() * cols);
      System.arraycopy(piece.labels(), 0, y, at, piece.rows());
      if (weighted) {
        System.arraycopy(piece.weights(), 0, w, at, piece.rows());
      }
      next += piece.rows();
    }
    if (next != bounds[p + 1]) {
      throw new IllegalStateException(path + " changed while it was read: block " + p
          + " has rows up to " + next + " of [" + bounds[p] + ", " + bounds[p + 1] + ")");
    }
    return new DataBlock(bounds[p], cols, x, y, w);
  }

  /** Sends key {@code p} to partition {@code p}. */
  static final class ByIndex extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    ByIndex(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByIndex other && other.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }

  /** First row of range {@code p} when {@code rows} are cut into {@code parts} ranges. */
  static long rangeStart(long rows, int parts, int p) {
    return rows * p / parts;
  }

  private static void requirePartitions(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions " + partitions + " must be at least 1");
    }
  }

  /**
   * Runs driver code that may start Spark jobs. Invalid input found there ({@link InputFaults})
   * reaches the driver wrapped in a {@code SparkException} whose message starts with task
   * details; it is rethrown as an {@link InvalidDataException} with its own message, the Spark
   * failure as its cause.
   */
  static <T> T unwrapping(Supplier<T> job) {
    try {
      return job.get();
    } catch (Exception e) {
      // Spark's Scala code throws its checked SparkException undeclared: catch every kind.
      Optional<InvalidDataException> invalid = InputFaults.of(e);
      if (invalid.isPresent()) {
        throw invalid.get();
      }
      throw e;
    }
  }
}
