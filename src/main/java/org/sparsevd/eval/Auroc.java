package org.sparsevd.eval;

import java.util.Arrays;

/**
 * The area under the ROC curve of a score that should be higher for positives than for
 * negatives: the probability that a random positive scores above a random negative, ties
 * counting one half (the Mann-Whitney U statistic over n_pos n_neg). Computed from mid-ranks
 * of the pooled scores, so equal scores, however many, are handled exactly.
 */
public final class Auroc {
  private Auroc() {}

  /**
   * @param positives scores of the positive examples (e.g. out-of-distribution); not modified
   * @param negatives scores of the negative examples; not modified
   */
  public static double of(double[] positives, double[] negatives) {
    if (positives.length == 0 || negatives.length == 0) {
      throw new IllegalArgumentException("AUROC needs both classes: " + positives.length
          + " positives, " + negatives.length + " negatives");
    }
    int n = positives.length + negatives.length;
    double[] scores = new double[n];
    boolean[] positive = new boolean[n];
    for (int i = 0; i < n; i++) {
      boolean p = i < positives.length;
      scores[i] = p ? positives[i] : negatives[i - positives.length];
      positive[i] = p;
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException((p ? "positive " + i : "negative "
            + (i - positives.length)) + ": score is NaN");
      }
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    for (int start = 0; start < n; ) {
      int end = start;
      while (end < n && scores[order[end]] == scores[order[start]]) {
        end++;
      }
      // Ranks start + 1 .. end share their mean.
      double midRank = (start + 1 + end) / 2.0;
      for (int k = start; k < end; k++) {
        positiveRankSum += positive[order[k]] ? midRank : 0;
      }
      start = end;
    }
    double np = positives.length;
    double u = positiveRankSum - np * (np + 1) / 2;
    return u / (np * negatives.length);
  }
}
