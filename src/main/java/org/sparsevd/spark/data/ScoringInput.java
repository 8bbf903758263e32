package org.sparsevd.spark.data;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparsevd.data.LabeledData;

/**
 * Rows to score, read by the training readers with the same checks and messages (a bad value
 * names the file and row; {@link DataSource#skipInvalid()} drops and counts such rows), but
 * without needing a label, and handed out in batches of raw features with the columns the
 * caller wants passed through. Rows keep the order of the input within each partition.
 *
 * <p>CSV and Parquet pass through any of their columns ({@code keep}); a LibSVM row's only
 * other field is its label, which is always passed through as {@code label}.
 */
public final class ScoringInput implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The column a LibSVM row's label is passed through as. */
  public static final String LIBSVM_LABEL = DataSource.DEFAULT_LABEL_COL;

  private final transient JavaRDD<Row> rows;
  private final transient JavaRDD<RowParser.Chunk> chunks;
  private final RowParser parser;
  private final StructType keep;
  private final int keepStart;
  private final int cols;

  private ScoringInput(JavaRDD<Row> rows, JavaRDD<RowParser.Chunk> chunks, RowParser parser,
      StructType keep, int keepStart, int cols) {
    this.rows = rows;
    this.chunks = chunks;
    this.parser = parser;
    this.keep = keep;
    this.keepStart = keepStart;
    this.cols = cols;
  }

  /**
   * Opens {@code src} (CSV, Parquet or LibSVM; its {@code numFeatures} should be the model's
   * input size, so that a row of another size is named).
   *
   * @param keep columns to pass through, in this order; for LibSVM empty (the label is kept)
   * @throws org.sparsevd.data.InvalidDataException for a missing column or a bad file
   */
  public static ScoringInput open(SparkSession spark, DataSource src, List<String> keep) {
    if (src.format() == DataSource.Format.LIBSVM) {
      if (!keep.isEmpty()) {
        throw new IllegalArgumentException(src.path() + ": a LibSVM row has no columns to keep "
            + keep + "; its label is passed through as '" + LIBSVM_LABEL + "'");
      }
      LibSvmText.Scan scan = BlockReader.unwrapping(() -> LibSvmText.scan(spark, src));
      StructType label = new StructType().add(LIBSVM_LABEL, DataTypes.DoubleType, false);
      return new ScoringInput(null, scan.chunks(), null, label, 0, scan.cols());
    }
    FrameLayout layout = BlockReader.unwrapping(() -> FrameLayout.forScoring(spark, src, keep));
    return new ScoringInput(layout.rows(), null, layout.parser(), layout.keep(),
        layout.keepStart(), layout.parser().cols());
  }

  /** Features per row. */
  public int cols() {
    return cols;
  }

  /** The columns passed through with each row, in the order of {@link Batch#kept}. */
  public StructType keep() {
    return keep;
  }

  /**
   * Raw features of up to {@code rows} rows, and their passed-through values.
   *
   * @param x [rows x cols] row-major
   * @param kept per row, the values of {@link #keep()}'s columns
   */
  public record Batch(float[] x, int rows, Object[][] kept) {}

  /**
   * The input as batches of up to {@code batchRows} valid rows, computed lazily per partition
   * (a consumer in the same stage sees each batch before the next is read).
   *
   * @param skipped counts the invalid rows dropped (only when skipping)
   * @param reasons receives the first reasons of each partition
   */
  public JavaRDD<Batch> batches(int batchRows, LongAccumulator skipped,
      CollectionAccumulator<String> reasons) {
    if (chunks != null) {
      return chunks.mapPartitions(it -> new BlockBatches(it, batchRows, skipped, reasons));
    }
    return rows.mapPartitionsWithIndex((i, it) -> new RowBatches(i, it, batchRows, skipped,
        reasons), true);
  }

  /** Batches of the rows of one CSV or Parquet partition, parsed as they are taken. */
  private final class RowBatches implements Iterator<Batch> {
    private final RowParser.Stream in;
    private final Iterator<Row> rows;
    private final int batchRows;
    private final LongAccumulator skipped;
    private final CollectionAccumulator<String> reasons;
    private Batch next;
    private boolean reported;

    RowBatches(int partition, Iterator<Row> rows, int batchRows, LongAccumulator skipped,
        CollectionAccumulator<String> reasons) {
      this.in = parser.new Stream(partition);
      this.rows = rows;
      this.batchRows = batchRows;
      this.skipped = skipped;
      this.reasons = reasons;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        next = fill();
      }
      return next.rows() > 0;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Batch b = next;
      next = null;
      return b;
    }

    private Batch fill() {
      float[] x = new float[batchRows * cols];
      Object[][] kept = new Object[batchRows][];
      int n = 0;
      while (n < batchRows && rows.hasNext()) {
        Row row = rows.next();
        if (in.read(row, x, n * cols, null, null, n)) {
          Object[] k = new Object[keep.size()];
          for (int j = 0; j < k.length; j++) {
            k[j] = row.get(keepStart + j);
          }
          kept[n++] = k;
        }
      }
      if (!rows.hasNext() && !reported) {
        report(in.skipped(), in.reasons(), skipped, reasons);
        reported = true;
      }
      return new Batch(x, n, kept);
    }
  }

  /** Batches of the LibSVM blocks of one partition, each row's label passed through. */
  private final class BlockBatches implements Iterator<Batch> {
    private final Iterator<RowParser.Chunk> chunks;
    private final int batchRows;
    private final LongAccumulator skipped;
    private final CollectionAccumulator<String> reasons;
    private DataBlock block;
    private int at;

    BlockBatches(Iterator<RowParser.Chunk> chunks, int batchRows, LongAccumulator skipped,
        CollectionAccumulator<String> reasons) {
      this.chunks = chunks;
      this.batchRows = batchRows;
      this.skipped = skipped;
      this.reasons = reasons;
    }

    @Override
    public boolean hasNext() {
      while ((block == null || at == block.rows()) && chunks.hasNext()) {
        RowParser.Chunk c = chunks.next();
        report(c.skipped(), c.reasons(), skipped, reasons);
        block = c.block();
        at = 0;
      }
      return block != null && at < block.rows();
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int n = Math.min(batchRows, block.rows() - at);
      float[] x = new float[n * cols];
      System.arraycopy(block.features(), at * cols, x, 0, n * cols);
      Object[][] kept = new Object[n][];
      for (int r = 0; r < n; r++) {
        kept[r] = new Object[] {(double) block.labels()[at + r]};
      }
      at += n;
      return new Batch(x, n, kept);
    }
  }

  private static void report(long count, List<String> first, LongAccumulator skipped,
      CollectionAccumulator<String> reasons) {
    skipped.add(count);
    first.stream().limit(LabeledData.MAX_REPORTED_REASONS).forEach(reasons::add);
  }
}
