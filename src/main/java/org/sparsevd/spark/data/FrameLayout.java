package org.sparsevd.spark.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_block_start;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparsevd.data.InvalidDataException;

/**
 * Driver side of reading a CSV or Parquet source: opens it as a DataFrame, resolves and
 * type-checks the label and feature columns against its schema, and selects them in the row
 * layout {@link RowParser} reads.
 *
 * @param rows the selected rows, in the partitions and order of Spark's file scan, which depend
 *     only on the files (sorted by size, each split in file order)
 * @param parser the executor-side reader for those rows
 * @param bare the same scan with no column read, whose partitions count {@code rows}' rows from
 *     file metadata alone; null where counting the rows that will be kept needs parsing them
 *     (text formats, a caller's DataFrame, skipping invalid rows, or scoring)
 * @param keep the columns passed through to scores, which follow the parser's columns in
 *     {@code rows} from index {@code keepStart}; empty when training
 */
record FrameLayout(JavaRDD<Row> rows, RowParser parser, JavaRDD<Row> bare, StructType keep,
    int keepStart) {

  /** Holds the raw text of a CSV record that does not have the header's number of values. */
  private static final String MALFORMED_COL = "_sparsevd_malformed_record";

  /**
   * @throws InvalidDataException if the source has no rows or columns, or its columns do not
   *     match the settings
   */
  static FrameLayout open(SparkSession spark, DataSource src) {
    Dataset<Row> frame = frame(spark, src);
    FrameLayout layout = of(frame, src);
    if (src.format() != DataSource.Format.PARQUET || src.skipInvalid()) {
      return layout;
    }
    // Parquet keeps each row group's row count in the file footer: a scan reading no column
    // counts the rows without decoding a value. Every row must then parse, or the read fails.
    return new FrameLayout(layout.rows(), layout.parser(), frame.select().javaRDD(),
        layout.keep(), layout.keepStart());
  }

  /**
   * The layout of a CSV or Parquet source to score: the label column is neither needed nor read
   * (nor taken for a feature), and the {@code keep} columns are passed through.
   */
  static FrameLayout forScoring(SparkSession spark, DataSource src, List<String> keep) {
    return of(frame(spark, src), src, keep, false);
  }

  private static Dataset<Row> frame(SparkSession spark, DataSource src) {
    return switch (src.format()) {
      case PARQUET -> spark.read().parquet(src.path());
      case CSV -> csv(spark, src);
      default -> throw new IllegalArgumentException(src.format() + " is not read from files");
    };
  }

  /**
   * The layout of rows already in a DataFrame: one opened from files by {@link #open}, or one
   * the caller has ({@link DataSource.Format#DATAFRAME}).
   */
  static FrameLayout of(Dataset<Row> frame, DataSource src) {
    return of(frame, src, List.of(), true);
  }

  private static FrameLayout of(Dataset<Row> frame, DataSource src, List<String> keep,
      boolean labelled) {
    String path = src.path();
    boolean csv = src.format() == DataSource.Format.CSV;
    StructType schema = frame.schema();
    List<String> names = new ArrayList<>(Arrays.asList(schema.fieldNames()));
    if (csv) {
      names.remove(MALFORMED_COL);
    }
    if (names.isEmpty()) {
      throw new InvalidDataException(path + ": no rows");
    }
    String label = src.labelCol();
    if (labelled) {
      requireColumn(src, schema, names, label, false);
    }
    for (String k : keep) {
      if (!names.contains(k)) {
        throw new InvalidDataException(path + ": no column '" + k + "' to keep among " + names);
      }
    }
    boolean vector = src.featureCols().isEmpty() && !csv && names.contains(src.featuresCol());
    List<String> features = vector ? List.of(src.featuresCol()) : src.featureCols().isEmpty()
        ? names.stream()
            .filter(c -> !c.equals(label) && !c.equals(src.weightCol()) && !keep.contains(c))
            .toList()
        : src.featureCols();
    if (features.isEmpty()) {
      throw new InvalidDataException(path + ": no feature columns besides the label '" + label
          + "'");
    }
    for (String f : features) {
      requireColumn(src, schema, names, f, vector);
    }
    List<Column> selected = new ArrayList<>();
    selected.add(labelled ? column(label) : lit(null).cast(DataTypes.DoubleType));
    features.forEach(f -> selected.add(column(f)));
    String weight = src.weightCol().isEmpty() || !labelled ? null : src.weightCol();
    if (weight != null) {
      requireColumn(src, schema, names, weight, false);
      selected.add(column(weight));
    }
    selected.add(input_file_name());
    selected.add(input_file_block_start());
    String recordShape = null;
    if (csv) {
      selected.add(column(MALFORMED_COL));
      recordShape = names.size() + " values (" + String.join(", ", names) + ")";
      // Unused columns too, after those the parser reads: Spark's CSV column pruning would
      // otherwise tokenise only the selected columns and miss records of the wrong length.
      names.stream().filter(c -> !c.equals(label) && !features.contains(c)
              && !c.equals(weight))
          .forEach(c -> selected.add(column(c)));
    }
    int keepStart = selected.size();
    keep.forEach(k -> selected.add(column(k)));
    StructType kept = new StructType(keep.stream().map(schema::apply)
        .toArray(StructField[]::new));
    Dataset<Row> layout = frame.select(selected.toArray(new Column[0]));

    int cols;
    String origin;
    if (!vector) {
      cols = features.size();
      origin = cols + " feature columns";
      if (src.numFeatures() > 0 && src.numFeatures() != cols) {
        throw new InvalidDataException(path + ": " + cols + " feature columns " + features
            + " but numFeatures is " + src.numFeatures());
      }
    } else if (src.numFeatures() > 0) {
      cols = src.numFeatures();
      origin = "numFeatures is " + cols;
    } else {
      cols = firstVectorSize(layout, src);
      origin = "the first row has " + cols;
    }
    RowParser parser = new RowParser(path, label, features.toArray(new String[0]), vector, cols,
        origin, src.numClasses(), src.skipInvalid(), recordShape, weight);
    return new FrameLayout(layout.javaRDD(), parser, null, kept, keepStart);
  }

  /** A column by its exact name, even one with a dot that {@code col} would read as a path. */
  private static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  /**
   * Reads every CSV column as text, with the names of the first file's header (or _c0, _c1,
   * ...), plus a column that receives records with too few or too many values.
   */
  private static Dataset<Row> csv(SparkSession spark, DataSource src) {
    Dataset<Row> plain = spark.read().option("header", src.csvHeader()).csv(src.path());
    if (plain.schema().fields().length == 0) {
      return plain;
    }
    StructType schema = plain.schema().add(MALFORMED_COL, DataTypes.StringType);
    return spark.read().schema(schema)
        .option("header", src.csvHeader())
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", MALFORMED_COL)
        .csv(src.path());
  }

  private static void requireColumn(DataSource src, StructType schema, List<String> names,
      String name, boolean vector) {
    if (!names.contains(name)) {
      String hint = src.format() == DataSource.Format.CSV && !src.csvHeader()
          ? " (without a header the columns are _c0, _c1, ...)" : "";
      throw new InvalidDataException(src.path() + ": no column '" + name + "' among " + names
          + hint);
    }
    StructField field = schema.apply(name);
    DataType t = field.dataType();
    boolean ok = vector
        ? t instanceof org.apache.spark.ml.linalg.VectorUDT
            || t instanceof org.apache.spark.mllib.linalg.VectorUDT
        : t instanceof NumericType || t instanceof StringType;
    if (!ok) {
      throw new InvalidDataException(src.path() + ": column '" + field.name() + "' has type "
          + t.simpleString() + ", expected " + (vector
          ? "a Spark ML Vector (or list numeric columns in featureCols)" : "a number"));
    }
  }

  /** The vector size of the first row in scan order, which is row 0 of the blocks. */
  private static int firstVectorSize(Dataset<Row> layout, DataSource src) {
    List<Row> first = BlockReader.unwrapping(() -> layout.javaRDD().take(1));
    if (first.isEmpty()) {
      throw new InvalidDataException(src.path() + ": no rows");
    }
    Row row = first.get(0);
    if (row.isNullAt(1)) {
      throw new InvalidDataException(row.getString(2) + " row 0: column '" + src.featuresCol()
          + "' is empty, so the number of features is unknown; set numFeatures");
    }
    Object v = row.get(1);
    return v instanceof org.apache.spark.mllib.linalg.Vector old
        ? old.size() : ((org.apache.spark.ml.linalg.Vector) v).size();
  }
}
