package org.sparsevd.ml;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparsevd.eval.Metrics;

/**
 * The project's {@link Metrics} (accuracy, NLL, ECE, Brier, macro-F1, confusion) of any Spark
 * ML probabilistic classifier's output: a label column of class indices and a probability
 * vector column. Partitions are summarised where they are and merged on the driver in
 * partition order, so the result does not depend on task timing.
 */
public final class PredictionMetrics {
  private PredictionMetrics() {}

  public static Metrics of(Dataset<Row> predictions, String labelCol, String probabilityCol,
                           int numClasses) {
    List<Metrics> parts = predictions.select(labelCol, probabilityCol).javaRDD()
        .mapPartitions(rows -> {
          Metrics m = new Metrics(numClasses);
          float[] p = new float[numClasses];
          double[] logTrue = new double[1];
          int[] y = new int[1];
          while (rows.hasNext()) {
            Row r = rows.next();
            double[] v = ((Vector) r.get(1)).toArray();
            for (int k = 0; k < numClasses; k++) {
              p[k] = (float) v[k];
            }
            y[0] = (int) ((Number) r.get(0)).doubleValue();
            // The column holds probabilities only; in double they reach 0 only below e^-745.
            logTrue[0] = Math.log(Math.max(Double.MIN_VALUE, v[y[0]]));
            m.add(p, logTrue, y, 1);
          }
          return List.of(m).iterator();
        }).collect();
    Metrics total = new Metrics(numClasses);
    parts.forEach(total::merge);
    return total;
  }
}
