package org.sparsevd.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;

/** Slices of MNIST as the DataFrames a Spark ML user has: a double label and a vector. */
final class MnistFrames {
  static final StructType SCHEMA = new StructType()
      .add("label", DataTypes.DoubleType, false)
      .add("features", SQLDataTypes.VectorType(), false);

  private MnistFrames() {}

  /** The first {@code n} training images, in file order. */
  static Dataset<Row> train(SparkSession spark, int n) throws Exception {
    return frame(spark, MnistIdx.readTrain(SharedData.mnistDir().toString(),
        new Configuration()), 0, n);
  }

  /** The first {@code n} test images. */
  static Dataset<Row> test(SparkSession spark, int n) throws Exception {
    return frame(spark, MnistIdx.readTest(SharedData.mnistDir().toString(),
        new Configuration()), 0, n);
  }

  /** Rows [from, from + n) of a data set. */
  static Dataset<Row> frame(SparkSession spark, LabeledData data, int from, int n) {
    int cols = data.cols();
    List<Row> rows = new ArrayList<>(n);
    for (int r = from; r < from + n; r++) {
      double[] x = new double[cols];
      for (int j = 0; j < cols; j++) {
        x[j] = data.features()[r * cols + j];
      }
      rows.add(RowFactory.create((double) data.labels()[r], Vectors.dense(x).compressed()));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
