package org.sparsevd.nn;

/** Softmax cross-entropy on logits, summed over rows; the loss of every classifier here. */
public final class SoftmaxCrossEntropy {
  private SoftmaxCrossEntropy() {}

  /**
   * Returns sum_r w_r (-log softmax(z_r)[label_r]) and overwrites {@code dz} with its gradient
   * w_r (softmax(z_r) - onehot(label_r)).
   *
   * @param z logits [rows x classes]; not modified
   * @param weights per-row weights w_r, or null for all 1
   * @param dz gradient [rows x classes]; modified (may be null to skip the gradient)
   */
  public static double lossAndGradient(float[] z, int[] labels, float[] weights, int rows,
                                       int classes, float[] dz) {
    double total = 0;
    for (int r = 0; r < rows; r++) {
      int o = r * classes;
      double logSum = logSumExp(z, o, classes);
      float w = weights == null ? 1f : weights[r];
      total += w * (logSum - z[o + labels[r]]);
      if (dz != null) {
        for (int c = 0; c < classes; c++) {
          dz[o + c] = (float) Math.exp(z[o + c] - logSum);
        }
        dz[o + labels[r]] -= 1f;
        if (weights != null) {
          for (int c = 0; c < classes; c++) {
            dz[o + c] *= w;
          }
        }
      }
    }
    return total;
  }

  /** Overwrites {@code p} with softmax of each row of {@code z} (may be the same array). */
  public static void softmax(float[] z, float[] p, int rows, int classes) {
    for (int r = 0; r < rows; r++) {
      int o = r * classes;
      double logSum = logSumExp(z, o, classes);
      for (int c = 0; c < classes; c++) {
        p[o + c] = (float) Math.exp(z[o + c] - logSum);
      }
    }
  }

  /** log sum_c e^z[o + c], taken around the row maximum in double so it cannot overflow. */
  public static double logSumExp(float[] z, int o, int classes) {
    float max = z[o];
    for (int c = 1; c < classes; c++) {
      max = Math.max(max, z[o + c]);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      sum += Math.exp(z[o + c] - max);
    }
    return max + Math.log(sum);
  }
}
