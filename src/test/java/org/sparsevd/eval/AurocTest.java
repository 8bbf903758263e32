package org.sparsevd.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AurocTest {
  @Test
  void separatedReversedAndAllTied() {
    assertEquals(1.0, Auroc.of(new double[] {3, 4}, new double[] {1, 2, 2.5}));
    assertEquals(0.0, Auroc.of(new double[] {0, 0.5}, new double[] {1, 2}));
    assertEquals(0.5, Auroc.of(new double[] {1, 1, 1}, new double[] {1, 1}));
  }

  /** Pairs by hand: (2 vs 1) win, (2 vs 2) tie, (2 vs 3) loss, (5 vs all) wins: 4.5 / 6. */
  @Test
  void tiesCountOneHalf() {
    assertEquals(4.5 / 6, Auroc.of(new double[] {2, 5}, new double[] {1, 2, 3}), 1e-15);
  }

  /** Against the definition by counting all pairs, on scores with many ties. */
  @Test
  void matchesPairCounting() {
    SplittableRandom rnd = new SplittableRandom(4);
    double[] pos = new double[300];
    double[] neg = new double[200];
    for (int i = 0; i < pos.length; i++) {
      pos[i] = rnd.nextInt(20) + 3;
    }
    for (int i = 0; i < neg.length; i++) {
      neg[i] = rnd.nextInt(20);
    }
    double wins = 0;
    for (double p : pos) {
      for (double n : neg) {
        wins += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }
    assertEquals(wins / (pos.length * neg.length), Auroc.of(pos, neg), 1e-12);
  }

  @Test
  void badInputIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[0], new double[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> Auroc.of(new double[] {Double.NaN}, new double[] {1}));
  }

  @Test
  void entropyOfUniformAndCertainRows() {
    double[] h = Predictor.entropy(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 1, 0, 0, 0}, 2, 4);
    assertArrayEquals(new double[] {Math.log(4), 0}, h, 1e-7);
  }
}
