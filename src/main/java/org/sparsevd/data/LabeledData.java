package org.sparsevd.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A block of labelled examples in the layout the kernels use: {@code features} is row-major,
 * {@code rows x cols}, and {@code labels[i]} is the class of row {@code i}.
 *
 * <p>The shape, the labels and the source name never change. The feature values may be
 * rescaled in place ({@link Scaling#applyInPlace(LabeledData)}), which is why
 * {@link #features()} hands out the backing array instead of a copy: copying 47 million
 * floats to scale them would double the peak memory of loading MNIST.
 *
 * <p>Row numbers in messages are 0-based, the same index that {@link #row(int)} takes.
 */
public final class LabeledData {

  /** How many reasons {@link #validateSkipping} keeps; later ones are only counted. */
  public static final int MAX_REPORTED_REASONS = 5;

  private final float[] features;
  private final int[] labels;
  private final int rows;
  private final int cols;
  private final int numClasses;
  private final String source;

  /**
   * Wraps the arrays without copying them.
   *
   * @param source names the data in error messages, e.g. a file path
   * @param features row-major values, {@code labels.length * cols} of them
   * @param labels one class index per row
   * @param cols features per row
   * @param numClasses the number of classes the labels are drawn from
   */
  public LabeledData(String source, float[] features, int[] labels, int cols, int numClasses) {
    this.source = Objects.requireNonNull(source, "source");
    this.features = Objects.requireNonNull(features, "features");
    this.labels = Objects.requireNonNull(labels, "labels");
    if (cols <= 0 || numClasses <= 0) {
      throw new IllegalArgumentException(
          source + ": cols " + cols + " and numClasses " + numClasses + " must be positive");
    }
    if ((long) labels.length * cols != features.length) {
      throw new IllegalArgumentException(source + ": " + labels.length + " labels x " + cols
          + " features per row need " + (long) labels.length * cols + " values, got "
          + features.length);
    }
    this.rows = labels.length;
    this.cols = cols;
    this.numClasses = numClasses;
  }

  /** @return the backing row-major feature array (not a copy; see the class comment) */
  public float[] features() {
    return features;
  }

  /** @return a copy of the labels */
  public int[] labels() {
    return labels.clone();
  }

  /** @return the class of row {@code i} */
  public int label(int i) {
    return labels[i];
  }

  /** @return the value of feature {@code j} of row {@code i} */
  public float feature(int i, int j) {
    return features[row(i) + j];
  }

  /** @return the offset of row {@code i} in {@link #features()} */
  public int row(int i) {
    Objects.checkIndex(i, rows);
    return i * cols;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int numClasses() {
    return numClasses;
  }

  /** @return the name used in error messages */
  public String source() {
    return source;
  }

  /**
   * Copies rows {@code from} (inclusive) to {@code to} (exclusive) into a new block; its source
   * says which rows it holds, so that errors in a slice still point into the original data.
   */
  public LabeledData slice(int from, int to) {
    Objects.checkFromToIndex(from, to, rows);
    return new LabeledData(source + " rows [" + from + ", " + to + ")",
        Arrays.copyOfRange(features, from * cols, to * cols),
        Arrays.copyOfRange(labels, from, to), cols, numClasses);
  }

  /**
   * Checks that the data fits a model and that every row is usable.
   *
   * @param expectedCols the number of features the model expects
   * @param expectedClasses labels must lie in {@code [0, expectedClasses)}
   * @return this, for chaining
   * @throws InvalidDataException at the first problem: no rows, a feature count mismatch, a
   *     label out of range, or a NaN or infinite feature
   */
  public LabeledData validate(int expectedCols, int expectedClasses) {
    checkShape(expectedCols);
    for (int i = 0; i < rows; i++) {
      String problem = rowProblem(i, expectedClasses);
      if (problem != null) {
        throw new InvalidDataException(problem);
      }
    }
    return this;
  }

  /**
   * The {@code --skip-invalid} variant of {@link #validate}: rows with a bad label or a
   * non-finite feature are dropped instead of failing the run. Problems with the whole block (no
   * rows, wrong feature count, no valid row left) still throw, since no row could be used.
   *
   * @return the valid rows (this object itself when none was dropped), the number dropped and
   *     the first {@link #MAX_REPORTED_REASONS} reasons
   */
  public Filtered validateSkipping(int expectedCols, int expectedClasses) {
    checkShape(expectedCols);
    boolean[] keep = new boolean[rows];
    List<String> reasons = new ArrayList<>();
    int skipped = 0;
    for (int i = 0; i < rows; i++) {
      String problem = rowProblem(i, expectedClasses);
      keep[i] = problem == null;
      if (problem != null) {
        skipped++;
        if (reasons.size() < MAX_REPORTED_REASONS) {
          reasons.add(problem);
        }
      }
    }
    if (skipped == rows) {
      throw new InvalidDataException(source + ": all " + rows + " rows are invalid, first: "
          + reasons.get(0));
    }
    if (skipped == 0) {
      return new Filtered(this, 0, List.of());
    }
    int kept = rows - skipped;
    float[] f = new float[kept * cols];
    int[] l = new int[kept];
    for (int i = 0, k = 0; i < rows; i++) {
      if (keep[i]) {
        System.arraycopy(features, i * cols, f, k * cols, cols);
        l[k++] = labels[i];
      }
    }
    return new Filtered(new LabeledData(source, f, l, cols, numClasses), skipped,
        List.copyOf(reasons));
  }

  private void checkShape(int expectedCols) {
    if (rows == 0) {
      throw new InvalidDataException(source + ": no rows");
    }
    if (cols != expectedCols) {
      throw new InvalidDataException(source + ": " + cols + " features per row, the model expects "
          + expectedCols);
    }
  }

  /** @return why row {@code i} is unusable, or null when it is fine */
  private String rowProblem(int i, int expectedClasses) {
    if (labels[i] < 0 || labels[i] >= expectedClasses) {
      return source + " row " + i + ": label " + labels[i] + " outside [0, " + expectedClasses
          + ")";
    }
    int off = i * cols;
    for (int j = 0; j < cols; j++) {
      float v = features[off + j];
      if (!Float.isFinite(v)) {
        return source + " row " + i + ", feature " + j + ": " + v;
      }
    }
    return null;
  }

  /**
   * What {@link #validateSkipping} kept and dropped.
   *
   * @param data the valid rows
   * @param skipped how many rows were dropped
   * @param reasons why the first few were dropped, in row order
   */
  public record Filtered(LabeledData data, int skipped, List<String> reasons) {}
}
