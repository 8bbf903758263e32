package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sparsevd.rand.CounterRng;

class GaussianDropoutTest {
  @Test
  void rateConversionsInvertEachOther() {
    for (double p : new double[] {0, 0.1, 0.5, 0.9}) {
      double alpha = GaussianDropout.alphaFromDropRate(p);
      assertEquals(p / (1 - p), alpha, 1e-12);
      assertEquals(p, GaussianDropout.dropRateFromAlpha(alpha), 1e-12);
    }
    assertThrows(IllegalArgumentException.class, () -> GaussianDropout.alphaFromDropRate(1));
    assertThrows(IllegalArgumentException.class, () -> GaussianDropout.dropRateFromAlpha(-1));
  }

  /** Inverted Bernoulli dropout and Gaussian dropout with alpha = p/(1-p): mean 1, var alpha. */
  @Test
  void bernoulliAndGaussianNoiseAgreeInMeanAndVariance() {
    double p = 0.3;
    GaussianDropout layer = new GaussianDropout(1000, GaussianDropout.alphaFromDropRate(p));
    int rows = 200;
    float[] x = new float[rows * 1000];
    java.util.Arrays.fill(x, 1f);
    float[] y = new float[x.length];
    long[] ids = new long[rows];
    for (int r = 0; r < rows; r++) {
      ids[r] = r;
    }
    layer.forward(null, 0, x, y, rows, Mode.TRAIN, new Noise(3, 0, ids), 0,
        layer.newScratch(rows));
    double[] gauss = moments(y);

    float[] bern = new float[x.length];
    for (int k = 0; k < bern.length; k++) {
      double u = CounterRng.uniform(4, 0, k / 4, 7, k % 4);
      bern[k] = u < p ? 0f : (float) (1 / (1 - p));
    }
    double[] bernoulli = moments(bern);
    double alpha = p / (1 - p);
    assertEquals(1, gauss[0], 0.005);
    assertEquals(1, bernoulli[0], 0.005);
    assertEquals(alpha, gauss[1], 0.02 * alpha);
    assertEquals(alpha, bernoulli[1], 0.02 * alpha);
  }

  @Test
  void evaluationIsTheIdentity() {
    GaussianDropout layer = new GaussianDropout(3, 1.0);
    float[] x = {1, -2, 3};
    float[] y = new float[3];
    layer.forward(null, 0, x, y, 1, Mode.EVAL, null, 0, layer.newScratch(1));
    org.junit.jupiter.api.Assertions.assertArrayEquals(x, y);
  }

  /** Mean and variance of v. */
  static double[] moments(float[] v) {
    double sum = 0;
    double sq = 0;
    for (float f : v) {
      sum += f;
      sq += (double) f * f;
    }
    double mean = sum / v.length;
    return new double[] {mean, sq / v.length - mean * mean};
  }
}
