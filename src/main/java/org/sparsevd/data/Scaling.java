package org.sparsevd.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Feature scaling fitted on a training set and applied, with the same statistics, to every
 * other set and at prediction time; {@link #serialize()} gives the text stored with a model.
 *
 * <p>Modes:
 * <ul>
 *   <li>{@link Mode#NONE}: {@code x};
 *   <li>{@link Mode#DIVIDE_255}: {@code x / 255}, pixels in [0, 1];
 *   <li>{@link Mode#CENTER}: {@code x / 256 - mean}, where {@code mean} is the per-feature mean
 *       of {@code x / 256} over the training set: the preprocessing of the LeNet experiments in
 *       Molchanov, Ashukha and Vetrov, "Variational Dropout Sparsifies Deep Neural Networks"
 *       (ICML 2017), "pixels divided by 256 minus the mean training image";
 *   <li>{@link Mode#STANDARDIZE}: {@code (x - mean) / std} with the per-feature mean and
 *       population standard deviation of the training set; a feature whose std is below
 *       {@link #MIN_STD} (e.g. an MNIST corner pixel that is always 0) gets std 1, so it is only
 *       centred instead of divided by zero.
 * </ul>
 *
 * <p>Objects are immutable; {@link #mean()} and {@link #std()} return copies.
 */
public final class Scaling {

  /** How features are transformed; see the class comment. */
  public enum Mode {
    NONE, DIVIDE_255, CENTER, STANDARDIZE;

    /** @return whether this mode needs per-feature statistics from a training set */
    public boolean isFitted() {
      return this == CENTER || this == STANDARDIZE;
    }

    /** Parses a mode name, case-insensitive: none, divide_255, center or standardize. */
    public static Mode parse(String name) {
      for (Mode m : values()) {
        if (m.name().equalsIgnoreCase(name.strip())) {
          return m;
        }
      }
      throw new IllegalArgumentException("scaling '" + name
          + "': expected none, divide_255, center or standardize");
    }
  }

  /** A standard deviation below this is treated as 1: the feature is (nearly) constant. */
  public static final double MIN_STD = 1e-6;

  private static final float PIXEL_MAX = 255f;
  private static final float CENTER_DIVISOR = 256f;
  private static final String HEADER = "sparsevd-scaling 1";
  /** The statistics of a mode that has none; never modified, callers only get clones. */
  private static final float[] NO_STATS = new float[0];

  private final Mode mode;
  private final float[] mean;
  private final float[] std;

  private Scaling(Mode mode, float[] mean, float[] std) {
    this.mode = mode;
    this.mean = mean;
    this.std = std;
  }

  /**
   * Fits a mode to a training set. Modes without statistics ignore the data.
   *
   * @param train the training rows; not modified
   */
  public static Scaling fit(Mode mode, LabeledData train) {
    Objects.requireNonNull(mode, "mode");
    if (!mode.isFitted()) {
      return new Scaling(mode, NO_STATS, NO_STATS);
    }
    int rows = train.rows();
    int cols = train.cols();
    if (rows == 0) {
      throw new InvalidDataException(train.source() + ": no rows to fit " + mode + " scaling on");
    }
    float[] x = train.features();
    // Doubles: a float sum of 60,000 values of up to 255 would lose the low digits.
    double[] mean = new double[cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0, off = i * cols; j < cols; j++) {
        mean[j] += x[off + j];
      }
    }
    for (int j = 0; j < cols; j++) {
      mean[j] /= rows;
    }
    double[] std = null;
    if (mode == Mode.STANDARDIZE) {
      // Two passes rather than E[x^2] - E[x]^2, which cancels badly for large, nearly constant x.
      std = new double[cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0, off = i * cols; j < cols; j++) {
          double d = x[off + j] - mean[j];
          std[j] += d * d;
        }
      }
      for (int j = 0; j < cols; j++) {
        std[j] = Math.sqrt(std[j] / rows);
      }
    }
    return fromStatistics(mode, mean, std);
  }

  /**
   * Builds a scaling from per-feature statistics of the raw training features computed elsewhere,
   * e.g. aggregated over the partitions of a cluster; {@link #fit} is this applied to statistics
   * of local data.
   *
   * @param mean per-feature mean of the raw values {@code x} (for {@link Mode#CENTER} the scaling
   *     stores {@code mean / 256}, the mean of {@code x / 256}); empty or null for modes without
   *     statistics
   * @param std per-feature population standard deviation of {@code x}, for
   *     {@link Mode#STANDARDIZE} only (empty or null otherwise); values below {@link #MIN_STD}
   *     become 1
   * @throws IllegalArgumentException if the arrays do not fit the mode or hold non-finite or
   *     negative values
   */
  public static Scaling fromStatistics(Mode mode, double[] mean, double[] std) {
    Objects.requireNonNull(mode, "mode");
    int means = mean == null ? 0 : mean.length;
    int stds = std == null ? 0 : std.length;
    if (mode.isFitted() == (means == 0) || stds != (mode == Mode.STANDARDIZE ? means : 0)) {
      throw new IllegalArgumentException("scaling mode " + mode + " with " + means
          + " means and " + stds + " standard deviations");
    }
    if (!mode.isFitted()) {
      return new Scaling(mode, NO_STATS, NO_STATS);
    }
    // x / 256 is exact in binary, so dividing the mean equals averaging the divided values.
    double divisor = mode == Mode.CENTER ? CENTER_DIVISOR : 1;
    float[] m = new float[means];
    for (int j = 0; j < means; j++) {
      if (!Double.isFinite(mean[j])) {
        throw new IllegalArgumentException("scaling: mean of feature " + j + " is " + mean[j]);
      }
      m[j] = (float) (mean[j] / divisor);
    }
    float[] s = NO_STATS;
    if (mode == Mode.STANDARDIZE) {
      s = new float[stds];
      for (int j = 0; j < stds; j++) {
        if (!(std[j] >= 0) || std[j] == Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException("scaling: std of feature " + j + " is " + std[j]);
        }
        s[j] = std[j] < MIN_STD ? 1f : (float) std[j];
      }
    }
    return new Scaling(mode, m, s);
  }

  /** @return the identity scaling */
  public static Scaling none() {
    return new Scaling(Mode.NONE, NO_STATS, NO_STATS);
  }

  /** @return {@code x / 255} */
  public static Scaling divide255() {
    return new Scaling(Mode.DIVIDE_255, NO_STATS, NO_STATS);
  }

  public Mode mode() {
    return mode;
  }

  /** @return a copy of the per-feature means (empty for modes without statistics) */
  public float[] mean() {
    return mean.clone();
  }

  /** @return a copy of the per-feature divisors (empty unless {@link Mode#STANDARDIZE}) */
  public float[] std() {
    return std.clone();
  }

  /** Scales the features of {@code data} in place. */
  public void applyInPlace(LabeledData data) {
    applyInPlace(data.features(), data.cols());
  }

  /**
   * Scales a row-major block in place.
   *
   * @param block {@code block.length / cols} rows of {@code cols} features; modified
   * @param cols features per row; must equal the fitted feature count for fitted modes
   */
  public void applyInPlace(float[] block, int cols) {
    if (cols <= 0 || block.length % cols != 0) {
      throw new IllegalArgumentException(
          "a block of " + block.length + " values is not whole rows of " + cols);
    }
    applyToRows(block, block.length / cols, cols);
  }

  /**
   * Scales the first {@code rows} rows of a row-major buffer in place, with the arithmetic of
   * {@link #applyInPlace(float[], int)}: the same input gives the same bits either way.
   *
   * @param block at least {@code rows * cols} values; those after them are not touched
   */
  public void applyToRows(float[] block, int rows, int cols) {
    if (cols <= 0 || rows < 0 || (long) rows * cols > block.length) {
      throw new IllegalArgumentException(rows + " rows of " + cols + " features in a buffer of "
          + block.length + " values");
    }
    int end = rows * cols;
    if (mode.isFitted() && cols != mean.length) {
      throw new InvalidDataException("scaling was fitted on " + mean.length
          + " features, the data has " + cols);
    }
    switch (mode) {
      case NONE:
        break;
      case DIVIDE_255:
        for (int k = 0; k < end; k++) {
          block[k] /= PIXEL_MAX;
        }
        break;
      case CENTER:
        for (int off = 0; off < end; off += cols) {
          for (int j = 0; j < cols; j++) {
            block[off + j] = block[off + j] / CENTER_DIVISOR - mean[j];
          }
        }
        break;
      case STANDARDIZE:
        for (int off = 0; off < end; off += cols) {
          for (int j = 0; j < cols; j++) {
            block[off + j] = (block[off + j] - mean[j]) / std[j];
          }
        }
        break;
      default:
        throw new AssertionError(mode);
    }
  }

  /**
   * One elementwise operation on a row: subtract or divide by {@code values}, which hold either
   * one value for every feature or one value per feature.
   */
  public record Operation(Op op, float[] values) {}

  /** The operations of {@link Operation}. */
  public enum Op { SUBTRACT, DIVIDE }

  /**
   * This scaling as the elementwise operations {@link #applyInPlace} performs, in order, with
   * the same float arithmetic, for exporters that rebuild it elsewhere (e.g. as ONNX nodes).
   *
   * @return new arrays; empty for {@link Mode#NONE}
   */
  public List<Operation> operations() {
    return switch (mode) {
      case NONE -> List.of();
      case DIVIDE_255 -> List.of(new Operation(Op.DIVIDE, new float[] {PIXEL_MAX}));
      case CENTER -> List.of(new Operation(Op.DIVIDE, new float[] {CENTER_DIVISOR}),
          new Operation(Op.SUBTRACT, mean.clone()));
      case STANDARDIZE -> List.of(new Operation(Op.SUBTRACT, mean.clone()),
          new Operation(Op.DIVIDE, std.clone()));
    };
  }

  /**
   * @return four lines: a format header, {@code mode M}, {@code mean v v ...} and
   *     {@code std v v ...} (the last two empty for modes without statistics); floats are
   *     written so that {@link #parse} restores them exactly
   */
  public String serialize() {
    return HEADER + "\nmode " + mode + "\nmean" + join(mean) + "\nstd" + join(std) + "\n";
  }

  /**
   * Reads what {@link #serialize()} wrote.
   *
   * @throws InvalidDataException naming the line that is malformed
   */
  public static Scaling parse(String text) {
    String[] lines = text.strip().split("\n", -1);
    if (lines.length != 4 || !lines[0].strip().equals(HEADER)) {
      throw new InvalidDataException("scaling: expected 4 lines starting with '" + HEADER
          + "', got " + lines.length + " starting with '" + lines[0].strip() + "'");
    }
    String modeName = field(lines[1], "mode", 2);
    Mode mode;
    try {
      mode = Mode.valueOf(modeName.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidDataException("scaling line 2: unknown mode '" + modeName.strip()
          + "', expected one of " + Arrays.toString(Mode.values()));
    }
    float[] mean = floats(field(lines[2], "mean", 3), 3);
    float[] std = floats(field(lines[3], "std", 4), 4);
    int expectedStd = mode == Mode.STANDARDIZE ? mean.length : 0;
    if (mode.isFitted() == (mean.length == 0) || std.length != expectedStd) {
      throw new InvalidDataException("scaling: mode " + mode + " with " + mean.length
          + " means and " + std.length + " stds");
    }
    for (int j = 0; j < std.length; j++) {
      if (!(std[j] > 0)) {
        throw new InvalidDataException("scaling line 4, value " + j + ": std " + std[j]
            + " must be positive");
      }
    }
    return new Scaling(mode, mean, std);
  }

  private static String join(float[] v) {
    StringBuilder sb = new StringBuilder(v.length * 12);
    for (float f : v) {
      sb.append(' ').append(f);
    }
    return sb.toString();
  }

  private static String field(String line, String key, int lineNo) {
    String s = line.strip();
    if (!(s.equals(key) || s.startsWith(key + " "))) {
      throw new InvalidDataException("scaling line " + lineNo + ": expected '" + key
          + " ...', got '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'");
    }
    return s.substring(key.length());
  }

  private static float[] floats(String values, int lineNo) {
    String s = values.strip();
    if (s.isEmpty()) {
      return NO_STATS;
    }
    String[] parts = s.split(" +");
    float[] out = new float[parts.length];
    for (int k = 0; k < parts.length; k++) {
      try {
        out[k] = Float.parseFloat(parts[k]);
      } catch (NumberFormatException e) {
        throw new InvalidDataException("scaling line " + lineNo + ", value " + k + ": '"
            + parts[k] + "' is not a number");
      }
      if (!Float.isFinite(out[k])) {
        throw new InvalidDataException("scaling line " + lineNo + ", value " + k + ": " + out[k]);
      }
    }
    return out;
  }
}
