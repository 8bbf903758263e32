package org.sparsevd.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparsevd.data.LabeledData;

/** Writes MNIST rows as one Parquet file of {@code label} and a {@code features} vector. */
final class MnistParquet {
  private MnistParquet() {}

  /** @param label maps each true label to the one written (to make bad data) */
  static void write(SparkSession spark, String path, LabeledData data, IntUnaryOperator label) {
    List<Row> out = new ArrayList<>(data.rows());
    for (int r = 0; r < data.rows(); r++) {
      double[] x = new double[data.cols()];
      for (int i = 0; i < x.length; i++) {
        x[i] = data.feature(r, i);
      }
      out.add(RowFactory.create(label.applyAsInt(data.label(r)), Vectors.dense(x)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.IntegerType, false, Metadata.empty()),
        new StructField("features", new VectorUDT(), false, Metadata.empty())});
    spark.createDataFrame(out, schema).coalesce(1).write().parquet(path);
  }
}
