package org.sparsevd.eval;

import java.io.Serializable;

/**
 * Classification metrics accumulated over predicted probabilities; partial metrics from
 * partitions {@link #merge} into the total.
 *
 * <ul>
 *   <li>NLL: mean -log p(true class), from log-likelihoods the caller computes in double
 *       (from the log-softmax for the engine's networks);</li>
 *   <li>Brier: mean over examples of sum_c (p_c - [c = y])^2;</li>
 *   <li>ECE (Guo et al. 2017): predictions binned by confidence max_c p_c into
 *       {@value #BINS} equal-width bins, sum over bins of (bin size / n) |accuracy -
 *       mean confidence|.</li>
 * </ul>
 */
public final class Metrics implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int BINS = 15;

  private final int classes;
  private long count;
  private long correct;
  private double nll;
  private double brier;
  private final long[] binCount = new long[BINS];
  private final double[] binConfidence = new double[BINS];
  private final long[] binCorrect = new long[BINS];
  private final long[] confusion;

  public Metrics(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("metrics need >= 2 classes, got " + classes);
    }
    this.classes = classes;
    this.confusion = new long[classes * classes];
  }

  /**
   * Adds {@code rows} predictions.
   *
   * @param probs [rows x classes], each row summing to 1; not modified
   * @param logTrue log p(labels[r]) of each row, for the NLL; not modified
   */
  public void add(float[] probs, double[] logTrue, int[] labels, int rows) {
    for (int r = 0; r < rows; r++) {
      int o = r * classes;
      int y = labels[r];
      int best = 0;
      double sq = 0;
      for (int c = 0; c < classes; c++) {
        if (probs[o + c] > probs[o + best]) {
          best = c;
        }
        double d = probs[o + c] - (c == y ? 1 : 0);
        sq += d * d;
      }
      double conf = probs[o + best];
      int bin = Math.min(BINS - 1, (int) (conf * BINS));
      count++;
      brier += sq;
      nll -= logTrue[r];
      binCount[bin]++;
      binConfidence[bin] += conf;
      confusion[y * classes + best]++;
      if (best == y) {
        correct++;
        binCorrect[bin]++;
      }
    }
  }

  /** Adds another partial result into this one; returns this. */
  public Metrics merge(Metrics other) {
    if (other.classes != classes) {
      throw new IllegalArgumentException("merging metrics of " + other.classes + " classes into "
          + classes);
    }
    count += other.count;
    correct += other.correct;
    nll += other.nll;
    brier += other.brier;
    for (int b = 0; b < BINS; b++) {
      binCount[b] += other.binCount[b];
      binConfidence[b] += other.binConfidence[b];
      binCorrect[b] += other.binCorrect[b];
    }
    for (int k = 0; k < confusion.length; k++) {
      confusion[k] += other.confusion[k];
    }
    return this;
  }

  public long count() { return count; }
  public double accuracy() { return count == 0 ? Double.NaN : (double) correct / count; }
  public double error() { return 1 - accuracy(); }
  public double nll() { return count == 0 ? Double.NaN : nll / count; }
  public double brier() { return count == 0 ? Double.NaN : brier / count; }
  public int classes() { return classes; }

  public double ece() {
    double sum = 0;
    for (int b = 0; b < BINS; b++) {
      if (binCount[b] > 0) {
        sum += Math.abs((double) binCorrect[b] - binConfidence[b]) / count;
      }
    }
    return sum;
  }

  /**
   * The mean over classes of the F1 score (2 precision recall / (precision + recall)), over the
   * classes with at least one example: a class absent from the data has no F1 to average. A
   * class that is present but never predicted scores 0.
   */
  public double macroF1() {
    double sum = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      long actual = 0;
      long predicted = 0;
      for (int k = 0; k < classes; k++) {
        actual += confusion[c * classes + k];
        predicted += confusion[k * classes + c];
      }
      if (actual == 0) {
        continue;
      }
      present++;
      long tp = confusion[c * classes + c];
      sum += 2.0 * tp / (actual + predicted);
    }
    return present == 0 ? Double.NaN : sum / present;
  }

  /** confusion[trueClass][predictedClass], a copy. */
  public long[][] confusion() {
    long[][] m = new long[classes][classes];
    for (int t = 0; t < classes; t++) {
      System.arraycopy(confusion, t * classes, m[t], 0, classes);
    }
    return m;
  }
}
