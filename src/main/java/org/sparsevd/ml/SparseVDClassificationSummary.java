package org.sparsevd.ml;

import java.io.Serializable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparsevd.eval.Metrics;

/**
 * What {@link SparseVDClassificationModel#evaluate} finds on a labelled dataset, with the
 * names of MLlib's {@code ClassificationSummary} where it has them (accuracy, per-label
 * precision, recall and F1, their weighted means, the predictions), plus the calibration the
 * method is chosen for: NLL, expected calibration error and Brier score of the deterministic
 * probabilities. Labels are the class indices 0 .. numClasses - 1.
 */
public final class SparseVDClassificationSummary implements Serializable {
  private static final long serialVersionUID = 1L;
  private final transient Dataset<Row> predictions;
  private final Metrics metrics;
  private final long[][] confusion;

  SparseVDClassificationSummary(Dataset<Row> predictions, Metrics metrics) {
    this.predictions = predictions;
    this.metrics = metrics;
    this.confusion = metrics.confusion();
  }

  /** The model's {@code transform} of the dataset: the Monte-Carlo columns too, if set. */
  public Dataset<Row> predictions() { return predictions; }
  public long count() { return metrics.count(); }
  public double accuracy() { return metrics.accuracy(); }
  /** The mean negative log-likelihood of the true labels (nats). */
  public double logLoss() { return metrics.nll(); }
  /** Expected calibration error over {@value Metrics#BINS} equal-width confidence bins. */
  public double ece() { return metrics.ece(); }
  public double brier() { return metrics.brier(); }
  /** The mean F1 over the labels present. */
  public double macroF1() { return metrics.macroF1(); }
  /** confusion[true label][predicted label], a copy. */
  public long[][] confusionMatrix() { return metrics.confusion(); }

  /** Per label: true positives / predicted positives (0 for a label never predicted). */
  public double[] precisionByLabel() {
    double[] p = new double[confusion.length];
    for (int c = 0; c < p.length; c++) {
      long predicted = 0;
      for (long[] row : confusion) {
        predicted += row[c];
      }
      p[c] = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }
    return p;
  }

  /** Per label: true positives / actual positives (0 for a label absent from the data). */
  public double[] recallByLabel() {
    double[] r = new double[confusion.length];
    for (int c = 0; c < r.length; c++) {
      long actual = java.util.Arrays.stream(confusion[c]).sum();
      r[c] = actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }
    return r;
  }

  /** Per label: the harmonic mean of precision and recall (0 where both are 0). */
  public double[] fMeasureByLabel() {
    double[] p = precisionByLabel();
    double[] r = recallByLabel();
    double[] f = new double[p.length];
    for (int c = 0; c < f.length; c++) {
      f[c] = p[c] + r[c] == 0 ? 0 : 2 * p[c] * r[c] / (p[c] + r[c]);
    }
    return f;
  }

  public double weightedPrecision() { return weighted(precisionByLabel()); }
  public double weightedRecall() { return weighted(recallByLabel()); }
  public double weightedFMeasure() { return weighted(fMeasureByLabel()); }

  /** The mean of a per-label value weighted by each label's share of the examples. */
  private double weighted(double[] byLabel) {
    double sum = 0;
    for (int c = 0; c < byLabel.length; c++) {
      sum += byLabel[c] * java.util.Arrays.stream(confusion[c]).sum();
    }
    return sum / metrics.count();
  }
}
