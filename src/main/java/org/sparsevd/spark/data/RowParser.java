package org.sparsevd.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.LabeledData;

/**
 * Runs in the executors: turns the rows of one input partition into one {@link DataBlock},
 * checking every value on the way. The rows it reads are laid out by {@link FrameLayout}: the
 * label, then either one vector column or {@code cols} scalar columns, then the example weight
 * if there is a weight column, then the file name and the
 * byte offset of the file split the row came from, then (CSV only) the raw text of a record that
 * does not have the header's number of values.
 *
 * <p>Scalar columns may hold numbers or text (CSV is read as text so that a bad value can be
 * reported with its column instead of turning the whole column into strings).
 *
 * <p>Rows are named in messages as {@code <file> row <k>}, k counted from 0 over the data rows of
 * the file (headers, blank and comment lines are not rows). Where a file is split across
 * partitions the row counts from the start of the split, and the message says so.
 */
final class RowParser implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int MAX_QUOTED = 80;

  private final String source;
  private final String labelName;
  private final String[] featureNames;
  private final boolean vector;
  private final int cols;
  private final String colsOrigin;
  private final int numClasses;
  private final boolean skipInvalid;
  private final String csvRecordShape;
  private final String weightName;
  /** "column 'NAME'" of each scalar feature column and of the weight column, for messages. */
  private final String[] columnWhat;
  private final String weightWhat;

  /**
   * @param source the path the user gave, for rows whose file Spark cannot tell
   * @param featureNames the scalar feature columns, or the one vector column
   * @param vector whether the features are one vector column
   * @param cols features per row
   * @param colsOrigin where {@code cols} comes from, for messages: "numFeatures is 5"
   * @param csvRecordShape for CSV, what a well-formed record holds ("3 values (label, a, b)"),
   *     and the row layout has the malformed-record column; null otherwise
   * @param weightName the weight column, whose value follows the features; null for none
   */
  RowParser(String source, String labelName, String[] featureNames, boolean vector, int cols,
      String colsOrigin, int numClasses, boolean skipInvalid, String csvRecordShape,
      String weightName) {
    this.source = source;
    this.labelName = labelName;
    this.featureNames = featureNames.clone();
    this.vector = vector;
    this.cols = cols;
    this.colsOrigin = colsOrigin;
    this.numClasses = numClasses;
    this.skipInvalid = skipInvalid;
    this.csvRecordShape = csvRecordShape;
    this.weightName = weightName;
    this.columnWhat = Arrays.stream(featureNames).map(n -> "column '" + n + "'")
        .toArray(String[]::new);
    this.weightWhat = "weight column '" + weightName + "'";
  }

  /** @return whether the blocks carry example weights */
  boolean weighted() {
    return weightName != null;
  }

  /** @return features per row */
  int cols() {
    return cols;
  }

  /** The rows of one partition, the number of invalid rows dropped and the first reasons. */
  record Chunk(DataBlock block, long skipped, List<String> reasons) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A row that cannot be used; stackless because skipping rows may throw it often. */
  private static final class BadRow extends Exception {
    private static final long serialVersionUID = 1L;

    BadRow(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads every row of a partition.
   *
   * @param expected the partition's row count where it is known (counted from file footers),
   *     so that the arrays are allocated once at their size; -1: unknown, they grow
   * @throws InvalidDataException at the first bad row unless skipping
   */
  Chunk parse(int partition, Iterator<Row> rows, long expected) {
    Stream in = new Stream(partition);
    int capacity = expected >= 0 && expected * cols <= Integer.MAX_VALUE - 8
        ? (int) Math.max(expected, 1) : 256;
    float[] x = new float[cols * capacity];
    int[] y = new int[capacity];
    float[] w = weightName == null ? null : new float[capacity];
    int n = 0;
    while (rows.hasNext()) {
      if (n == y.length) {
        y = Arrays.copyOf(y, 2 * n);
        w = w == null ? null : Arrays.copyOf(w, 2 * n);
        x = Arrays.copyOf(x, 2 * n * cols);
      }
      if (in.read(rows.next(), x, n * cols, y, w, n)) {
        n++;
      }
    }
    DataBlock block = n == y.length ? new DataBlock(0, cols, x, y, w)
        : new DataBlock(0, cols, Arrays.copyOf(x, n * cols), Arrays.copyOf(y, n),
            w == null ? null : Arrays.copyOf(w, n));
    return new Chunk(block, in.skipped(), in.reasons());
  }

  /**
   * The rows of one partition, one at a time: {@link #parse} reads them into a block, the score
   * job into its batches. Rows are named and skipped alike in both.
   */
  final class Stream {
    private final Position pos;
    private final int weightCol = vector ? 2 : 1 + cols;
    private final int fileCol = weightName == null ? weightCol : weightCol + 1;
    private long skipped;
    private final List<String> reasons = new ArrayList<>();

    Stream(int partition) {
      pos = new Position(partition);
    }

    /**
     * Reads one row: its features to {@code x[off, off + cols)} and, when {@code y} is not
     * null, its label to {@code y[n]} (and weight to {@code w[n]}).
     *
     * @return whether the row was read; false when it was invalid and skipped
     * @throws InvalidDataException for an invalid row unless skipping
     */
    boolean read(Row row, float[] x, int off, int[] y, float[] w, int n) {
      pos.advance(row.getString(fileCol), row.getLong(fileCol + 1));
      try {
        if (csvRecordShape != null && !row.isNullAt(fileCol + 2)) {
          throw new BadRow("malformed CSV record, expected " + csvRecordShape + ": '"
              + quote(row.getString(fileCol + 2)) + "'");
        }
        if (y != null) {
          y[n] = label(row.get(0));
        }
        features(row, x, off);
        if (w != null) {
          w[n] = weight(row.get(weightCol));
        }
        return true;
      } catch (BadRow bad) {
        String reason = pos + ": " + bad.getMessage();
        if (!skipInvalid) {
          throw new InvalidDataException(reason);
        }
        skipped++;
        if (reasons.size() < LabeledData.MAX_REPORTED_REASONS) {
          reasons.add(reason);
        }
        return false;
      }
    }

    /** Invalid rows skipped so far. */
    long skipped() {
      return skipped;
    }

    /** The first invalid rows' reasons. */
    List<String> reasons() {
      return List.copyOf(reasons);
    }
  }

  private int label(Object value) throws BadRow {
    double d = number(value, labelName);
    if (d != Math.rint(d)) {
      throw new BadRow("label " + value + " is not an integer");
    }
    if (d < 0 || d >= numClasses) {
      String shown = Double.isInfinite(d) ? String.valueOf(d) : String.valueOf((long) d);
      throw new BadRow("label " + shown + " outside [0, " + numClasses + ")");
    }
    return (int) d;
  }

  private float weight(Object value) throws BadRow {
    float v = finite(number(value, weightName), weightWhat, -1);
    if (v < 0) {
      throw new BadRow("weight column '" + weightName + "': " + value + " is negative");
    }
    return v;
  }

  /** Writes the row's features to {@code x[off, off + cols)}. */
  private void features(Row row, float[] x, int off) throws BadRow {
    if (!vector) {
      for (int j = 0; j < cols; j++) {
        x[off + j] = finite(number(row.get(1 + j), featureNames[j]), columnWhat[j], -1);
      }
      return;
    }
    Object value = row.get(1);
    if (value == null) {
      throw new BadRow("column '" + featureNames[0] + "' is empty");
    }
    Vector v = value instanceof org.apache.spark.mllib.linalg.Vector old
        ? old.asML() : (Vector) value;
    if (v.size() != cols) {
      throw new BadRow(v.size() + " features, expected " + cols + " (" + colsOrigin + ")");
    }
    if (v instanceof SparseVector s) {
      Arrays.fill(x, off, off + cols, 0f);
      int[] idx = s.indices();
      double[] val = s.values();
      for (int k = 0; k < idx.length; k++) {
        x[off + idx[k]] = finite(val[k], null, idx[k]);
      }
    } else {
      double[] val = ((DenseVector) v).values();
      for (int j = 0; j < cols; j++) {
        x[off + j] = finite(val[j], null, j);
      }
    }
  }

  private static double number(Object value, String column) throws BadRow {
    if (value == null) {
      throw new BadRow("column '" + column + "' is empty");
    }
    if (value instanceof Number num) {
      return num.doubleValue();
    }
    String s = value.toString();
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new BadRow("column '" + column + "': '" + quote(s) + "' is not a number");
    }
  }

  /**
   * @param what where the value is, for the message; null: feature {@code index} of the vector
   *     (the message is built only for a bad value: this runs for every feature of every row)
   */
  private static float finite(double v, String what, int index) throws BadRow {
    float f = (float) v;
    if (!Float.isFinite(f)) {
      what = what != null ? what : "feature " + index;
      throw new BadRow(what + ": " + v + (Double.isFinite(v) ? " does not fit in a float" : ""));
    }
    return f;
  }

  private static String quote(String s) {
    return s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "...";
  }

  /** Which row of which file split the parser is at. */
  private final class Position {
    private final int partition;
    private String file;
    private long splitStart = -1;
    private long row = -1;

    Position(int partition) {
      this.partition = partition;
    }

    void advance(String rowFile, long rowSplitStart) {
      if (rowFile.equals(file) && rowSplitStart == splitStart) {
        row++;
      } else {
        file = rowFile;
        splitStart = rowSplitStart;
        row = 0;
      }
    }

    @Override
    public String toString() {
      return name(row);
    }

    private String name(long r) {
      if (file == null || file.isEmpty()) {
        return source + " partition " + partition + ", row " + r + " of the partition";
      }
      return splitStart > 0 ? file + " row " + r + " of the split at byte " + splitStart
          : file + " row " + r;
    }
  }
}
