package org.sparsevd.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsTest {
  /** Three examples, two classes, every metric by hand. */
  @Test
  void handComputedMetrics() {
    float[] probs = {0.9f, 0.1f, 0.4f, 0.6f, 0.7f, 0.3f};
    int[] labels = {0, 1, 1};
    Metrics m = new Metrics(2);
    m.add(probs, logs(probs, labels, 2), labels, 3);
    assertEquals(2.0 / 3, m.accuracy(), 1e-12);
    double nll = -(Math.log(0.9f) + Math.log(0.6f) + Math.log(0.3f)) / 3;
    assertEquals(nll, m.nll(), 1e-6);
    // Brier: (0.1^2 + 0.1^2) + (0.4^2 + 0.4^2) + (0.7^2 + 0.7^2), over 3.
    assertEquals((0.02 + 0.32 + 0.98) / 3, m.brier(), 1e-6);
    // Confidences 0.9 (bin 13, correct), 0.6 (bin 9, correct), 0.7 (bin 10, wrong):
    // ECE = (|1 - 0.9| + |1 - 0.6| + |0 - 0.7|) / 3.
    assertEquals((0.1 + 0.4 + 0.7) / 3, m.ece(), 1e-6);
    assertArrayEquals(new long[] {1, 0}, m.confusion()[0]);
    assertArrayEquals(new long[] {1, 1}, m.confusion()[1]);
  }

  /** Three classes, one absent: class 0 has F1 2/3, class 1 F1 1/2, class 2 is not averaged. */
  @Test
  void macroF1AveragesThePresentClasses() {
    Metrics m = new Metrics(3);
    // Predictions as one-hot rows: true 0 -> 0, true 0 -> 1, true 1 -> 1, true 1 -> 0.
    m.add(new float[] {1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0}, new double[4], new int[] {0, 0, 1, 1},
        4);
    // Class 0: tp 1, actual 2, predicted 2 -> 2/4. Class 1: the same.
    assertEquals(0.5, m.macroF1(), 1e-12);
    m.add(new float[] {1, 0, 0}, new double[1], new int[] {0}, 1);
    // Class 0: tp 2, actual 3, predicted 3 -> 4/6; class 1: tp 1, actual 2, predicted 2 -> 1/2.
    assertEquals((4.0 / 6 + 0.5) / 2, m.macroF1(), 1e-12);
  }

  @Test
  void mergingEqualsAddingEverythingToOne() {
    float[] p = {0.2f, 0.8f, 0.55f, 0.45f};
    Metrics a = new Metrics(2);
    a.add(p, logs(p, new int[] {1, 1}, 2), new int[] {1, 1}, 2);
    Metrics b = new Metrics(2);
    b.add(new float[] {0.55f, 0.45f}, new double[] {Math.log(0.45f)}, new int[] {1}, 1);
    Metrics one = new Metrics(2);
    one.add(new float[] {0.2f, 0.8f}, new double[] {Math.log(0.8f)}, new int[] {1}, 1);
    one.merge(b);
    assertEquals(a.accuracy(), one.accuracy(), 1e-12);
    assertEquals(a.nll(), one.nll(), 1e-12);
    assertEquals(a.ece(), one.ece(), 1e-12);
    assertEquals(a.brier(), one.brier(), 1e-12);
  }

  @Test
  void theNllIsTheMeanOfTheGivenLogLikelihoodsWhateverTheRoundedProbabilities() {
    Metrics m = new Metrics(2);
    // p(true) = e^-120 rounds to 0 in float; its log-likelihood does not.
    m.add(new float[] {1, 0, 0.5f, 0.5f}, new double[] {-120, Math.log(0.5)}, new int[] {1, 0},
        2);
    assertEquals((120 - Math.log(0.5)) / 2, m.nll(), 1e-12);
  }

  private static double[] logs(float[] probs, int[] labels, int classes) {
    double[] out = new double[labels.length];
    for (int r = 0; r < labels.length; r++) {
      out[r] = Math.log(probs[r * classes + labels[r]]);
    }
    return out;
  }
}
