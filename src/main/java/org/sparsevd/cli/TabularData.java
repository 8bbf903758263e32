package org.sparsevd.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.sparsevd.data.InvalidDataException;

/**
 * The CSV input of the tabular pipeline: named columns, the categorical ones and the label as
 * text, every other column a number. A value that is not a number, or an empty label, fails
 * the job with the file, the column and the value.
 *
 * @param all every row, typed
 * @param featureCols the columns other than the label, in file order
 * @param categorical the text columns to one-hot encode
 */
record TabularData(Dataset<Row> all, List<String> featureCols, List<String> categorical) {

  static TabularData read(SparkSession spark, JobConfig c) {
    if (!c.get("data.format").equalsIgnoreCase("csv")) {
      throw new IllegalArgumentException("data.format = " + c.get("data.format")
          + ": the tabular pipeline reads csv");
    }
    String path = c.require("data.train");
    Dataset<Row> text = read(spark, c, path);
    List<String> names = Arrays.asList(text.columns());
    String label = c.get("data.label_col");
    List<String> categorical = list(c.get("data.categorical_cols"));
    for (String n : concat(categorical, List.of(label))) {
      if (!names.contains(n)) {
        throw new IllegalArgumentException(path + ": no column '" + n + "' among " + names);
      }
    }
    List<String> features = names.stream().filter(n -> !n.equals(label)).toList();
    List<Column> typed = new ArrayList<>();
    for (String n : names) {
      typed.add(n.equals(label) || categorical.contains(n) ? col(n)
          : col(n).try_cast(DataTypes.DoubleType).as(n));
    }
    Dataset<Row> all = text.select(typed.toArray(new Column[0]));
    int limit = c.getInt("data.train_limit");
    if (limit > 0) {
      all = all.limit(limit);
    }
    validate(text, path, names, label, categorical);
    return new TabularData(all, features, categorical);
  }

  /** Training and held-out rows: data.test if set, else a seeded split of data.train. */
  Dataset<Row>[] split(JobConfig c) {
    double fraction = c.getDouble("data.test_fraction");
    if (!c.get("data.test").isEmpty()) {
      throw new IllegalArgumentException("data.test: the tabular pipeline holds out "
          + "data.test_fraction of data.train instead");
    }
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("data.test_fraction = " + fraction
          + ": the tabular pipeline needs a held-out fraction in (0, 1)");
    }
    return all.randomSplit(new double[] {1 - fraction, fraction}, c.getLong("seed"));
  }

  private static Dataset<Row> read(SparkSession spark, JobConfig c, String path) {
    boolean header = c.getBoolean("data.csv_header");
    Dataset<Row> text = spark.read().option("header", header).option("mode", "FAILFAST")
        .csv(path);
    List<String> names = list(c.get("data.column_names"));
    if (!names.isEmpty()) {
      if (names.size() != text.columns().length) {
        throw new InvalidDataException(path + ": " + text.columns().length + " columns, but "
            + "data.column_names lists " + names.size());
      }
      text = text.toDF(names.toArray(new String[0]));
    }
    return text;
  }

  /** One pass: a number column whose text does not parse, or an empty label, fails. */
  private static void validate(Dataset<Row> text, String path, List<String> names,
                               String label, List<String> categorical) {
    Column bad = col(label).isNull();
    for (String n : names) {
      if (!n.equals(label) && !categorical.contains(n)) {
        bad = bad.or(col(n).try_cast(DataTypes.DoubleType).isNull());
      }
    }
    List<Row> first = text.where(bad).withColumn("_file", input_file_name()).limit(1)
        .collectAsList();
    if (first.isEmpty()) {
      return;
    }
    Row r = first.get(0);
    String where = r.getString(names.size()).isEmpty() ? path : r.getString(names.size());
    String row = String.join(",",
        names.stream().map(n -> String.valueOf((Object) r.getAs(n))).toList());
    for (String n : names) {
      Object value = r.getAs(n);
      if (n.equals(label) && value == null) {
        throw new InvalidDataException(where + ": row '" + row + "' has no label ('" + n + "')");
      }
      if (!n.equals(label) && !categorical.contains(n) && !isNumber(value)) {
        throw new InvalidDataException(where + ": column '" + n + "' is '" + value
            + "', not a number, in row '" + row + "'");
      }
    }
    throw new InvalidDataException(where + ": row '" + row + "' has a value Spark cannot "
        + "read as a number");
  }

  private static boolean isNumber(Object value) {
    if (value == null) {
      return false;
    }
    try {
      Double.parseDouble(value.toString().strip());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static List<String> list(String csv) {
    return csv.isBlank() ? List.of()
        : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
