package org.sparsevd.spark.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.sparsevd.data.ImageSize;
import org.sparsevd.data.MnistIdx;

/**
 * Where training or test examples come from and how to read them; {@link BlockReader#read} turns
 * it into cached blocks. Immutable and validated on construction: a wrong setting fails here,
 * before any Spark job, with a message that names it.
 *
 * <p>Start from {@link #mnist}, {@link #libsvm}, {@link #csv}, {@link #parquet} or {@link
 * #images} and adjust with the {@code with...} methods.
 *
 * @param format the file format
 * @param path any Hadoop path (local, {@code file://}, {@code hdfs://}, {@code s3a://}): a file,
 *     a directory or a glob; for {@link Format#MNIST} the directory holding the four standard
 *     files; for {@link Format#IMAGES} the root of the class folders ({@link ImageFolders});
 *     for {@link Format#DATAFRAME} the name that messages give the data
 * @param split which MNIST set to read; null for every other format
 * @param labelCol the label column of a CSV or Parquet source, read as a number that must be an
 *     integer in {@code [0, numClasses)}; without a CSV header columns are named {@code _c0,
 *     _c1, ...}
 * @param featuresCol a Spark ML {@code Vector} column of a Parquet source, used when
 *     {@code featureCols} is empty and the column exists
 * @param featureCols numeric columns of a CSV or Parquet source, in feature order; empty means
 *     the vector column {@code featuresCol} if the source has it, else every column but the label
 * @param csvHeader whether the first line of each CSV file names the columns
 * @param numFeatures the expected number of features per row; 0 takes it from the data (the
 *     number of feature columns, or the size of the first row's vector). For LibSVM it is passed
 *     to Spark, which otherwise needs an extra pass over the files to find it
 * @param numClasses labels must lie in {@code [0, numClasses)}
 * @param skipInvalid drop and count rows with a bad value instead of failing the read
 * @param weightCol a numeric column of example weights (finite, at least 0) of a CSV, Parquet
 *     or DataFrame source; "" for none (every example weighs 1)
 * @param classes for {@link Format#IMAGES}, the class folders in label order, which must be
 *     the root's; empty for every other format
 * @param imageSize for {@link Format#IMAGES}, the size every image must have; null to take that
 *     of the first image. Null for every other format
 */
public record DataSource(Format format, String path, Split split, String labelCol,
    String featuresCol, List<String> featureCols, boolean csvHeader, int numFeatures,
    int numClasses, boolean skipInvalid, String weightCol, List<String> classes,
    ImageSize imageSize) {

  /**
   * The file formats {@link BlockReader} reads, and {@code DATAFRAME}: a {@code Dataset} the
   * caller already has, read like Parquet (a vector column or numeric columns). {@code IMAGES}
   * are labelled image folders, {@code ROOT/CLASS/IMAGE}.
   */
  public enum Format { MNIST, LIBSVM, CSV, PARQUET, DATAFRAME, IMAGES }

  /** The two published MNIST sets. */
  public enum Split { TRAIN, TEST }

  /** The label column unless set otherwise; also the name Spark's LibSVM source uses. */
  public static final String DEFAULT_LABEL_COL = "label";
  /** The vector column unless set otherwise; also the name Spark's LibSVM source uses. */
  public static final String DEFAULT_FEATURES_COL = "features";

  /** Validates every setting; see the record description for their meaning. */
  public DataSource {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(labelCol, "labelCol");
    Objects.requireNonNull(featuresCol, "featuresCol");
    Objects.requireNonNull(featureCols, "featureCols");
    Objects.requireNonNull(weightCol, "weightCol");
    Objects.requireNonNull(classes, "classes");
    if (path.isBlank()) {
      throw new IllegalArgumentException(format + " source: the path is empty");
    }
    if ((format == Format.MNIST) != (split != null)) {
      throw new IllegalArgumentException(path + ": a train/test split applies to MNIST only and "
          + "MNIST needs one; format " + format + ", split " + split);
    }
    if (labelCol.isBlank() || featuresCol.isBlank() || labelCol.equals(featuresCol)) {
      throw new IllegalArgumentException(path + ": labelCol '" + labelCol + "' and featuresCol '"
          + featuresCol + "' must be distinct, non-blank names");
    }
    boolean fixedColumns = format == Format.MNIST || format == Format.LIBSVM
        || format == Format.IMAGES;
    if (fixedColumns && !(labelCol.equals(DEFAULT_LABEL_COL)
        && featuresCol.equals(DEFAULT_FEATURES_COL) && featureCols.isEmpty())) {
      throw new IllegalArgumentException(path + ": " + format + " has fixed columns; labelCol '"
          + labelCol + "', featuresCol '" + featuresCol + "' and featureCols " + featureCols
          + " can only be set for CSV and PARQUET");
    }
    if (!weightCol.isEmpty() && (fixedColumns || weightCol.equals(labelCol)
        || featureCols.contains(weightCol) || weightCol.equals(featuresCol))) {
      throw new IllegalArgumentException(path + ": weightCol '" + weightCol + "' must be a "
          + "column of its own of a CSV, Parquet or DataFrame source");
    }
    Set<String> seen = new HashSet<>();
    for (String c : featureCols) {
      if (c == null || c.isBlank() || c.equals(labelCol) || !seen.add(c)) {
        throw new IllegalArgumentException(path + ": featureCols " + featureCols
            + " must be distinct, non-blank names other than the label column '" + labelCol
            + "'; offending entry: " + (c == null ? "null" : "'" + c + "'"));
      }
    }
    featureCols = List.copyOf(featureCols);
    if (numFeatures < 0) {
      throw new IllegalArgumentException(path + ": numFeatures " + numFeatures
          + " must be positive, or 0 to take it from the data");
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException(path + ": numClasses " + numClasses
          + " must be at least 2");
    }
    if (format == Format.MNIST && numClasses != MnistIdx.NUM_CLASSES) {
      throw new IllegalArgumentException(path + ": MNIST has " + MnistIdx.NUM_CLASSES
          + " classes, not " + numClasses);
    }
    classes = List.copyOf(classes);
    if (format != Format.IMAGES && (!classes.isEmpty() || imageSize != null)) {
      throw new IllegalArgumentException(path + ": class folders " + classes + " and image size "
          + imageSize + " apply to IMAGES only, not " + format);
    }
    if (format == Format.IMAGES && (classes.size() != numClasses
        || new HashSet<>(classes).size() != classes.size())) {
      throw new IllegalArgumentException(path + ": class folders " + classes + " must be "
          + numClasses + " distinct names");
    }
  }

  /** The MNIST set {@code split} from a directory holding the four standard files. */
  public static DataSource mnist(String dir, Split split) {
    return new DataSource(Format.MNIST, dir, split, DEFAULT_LABEL_COL, DEFAULT_FEATURES_COL,
        List.of(), true, 0, MnistIdx.NUM_CLASSES, false, "", List.of(), null);
  }

  /**
   * LibSVM text, parsed line by line ({@code LibSvmText}); labels must be class indices.
   *
   * @param numFeatures the vector size (LibSVM indices are 1-based, so the largest index); 0 to
   *     take the largest index found
   */
  public static DataSource libsvm(String path, int numFeatures, int numClasses) {
    return of(Format.LIBSVM, path, numClasses).withNumFeatures(numFeatures);
  }

  /** CSV with a header line; the label in column {@value #DEFAULT_LABEL_COL}, all others features. */
  public static DataSource csv(String path, int numClasses) {
    return of(Format.CSV, path, numClasses);
  }

  /**
   * Parquet with a label column {@value #DEFAULT_LABEL_COL} and either a vector column
   * {@value #DEFAULT_FEATURES_COL} or numeric feature columns.
   */
  public static DataSource parquet(String path, int numClasses) {
    return of(Format.PARQUET, path, numClasses);
  }

  /**
   * Labelled image folders, {@code path/CLASS/IMAGE}: a class's label is its place in {@code
   * classes}, usually {@link ImageFolders#classes} of the training root. Each image is a row of
   * height x width x channels values 0..255, channels last ({@link ImageScan}).
   *
   * @param classes the class folders in label order; at least 2
   */
  public static DataSource images(String path, List<String> classes) {
    if (classes.size() < 2) {
      throw new IllegalArgumentException(path + ": class folders " + classes
          + ": at least 2 are needed");
    }
    return new DataSource(Format.IMAGES, path, null, DEFAULT_LABEL_COL, DEFAULT_FEATURES_COL,
        List.of(), true, 0, classes.size(), false, "", classes, null);
  }

  /**
   * Settings for reading a {@code Dataset} with {@link BlockReader#read(
   * org.apache.spark.sql.Dataset, DataSource, int)}; columns as for {@link #parquet}.
   *
   * @param name what messages call the data, e.g. "the training DataFrame"
   */
  public static DataSource dataFrame(String name, int numClasses) {
    return of(Format.DATAFRAME, name, numClasses);
  }

  private static DataSource of(Format format, String path, int numClasses) {
    return new DataSource(format, path, null, DEFAULT_LABEL_COL, DEFAULT_FEATURES_COL, List.of(),
        true, 0, numClasses, false, "", List.of(), null);
  }

  public DataSource withLabelCol(String col) {
    return new DataSource(format, path, split, col, featuresCol, featureCols, csvHeader,
        numFeatures, numClasses, skipInvalid, weightCol, classes, imageSize);
  }

  public DataSource withFeaturesCol(String col) {
    return new DataSource(format, path, split, labelCol, col, featureCols, csvHeader,
        numFeatures, numClasses, skipInvalid, weightCol, classes, imageSize);
  }

  public DataSource withFeatureCols(List<String> cols) {
    return new DataSource(format, path, split, labelCol, featuresCol, cols, csvHeader,
        numFeatures, numClasses, skipInvalid, weightCol, classes, imageSize);
  }

  public DataSource withCsvHeader(boolean header) {
    return new DataSource(format, path, split, labelCol, featuresCol, featureCols, header,
        numFeatures, numClasses, skipInvalid, weightCol, classes, imageSize);
  }

  public DataSource withNumFeatures(int n) {
    return new DataSource(format, path, split, labelCol, featuresCol, featureCols, csvHeader, n,
        numClasses, skipInvalid, weightCol, classes, imageSize);
  }

  public DataSource withWeightCol(String col) {
    return new DataSource(format, path, split, labelCol, featuresCol, featureCols, csvHeader,
        numFeatures, numClasses, skipInvalid, col, classes, imageSize);
  }

  public DataSource withSkipInvalid(boolean skip) {
    return new DataSource(format, path, split, labelCol, featuresCol, featureCols, csvHeader,
        numFeatures, numClasses, skip, weightCol, classes, imageSize);
  }

  /** @param size the size every image must have; null to take that of the first image */
  public DataSource withImageSize(ImageSize size) {
    return new DataSource(format, path, split, labelCol, featuresCol, featureCols, csvHeader,
        numFeatures, numClasses, skipInvalid, weightCol, classes, size);
  }
}
