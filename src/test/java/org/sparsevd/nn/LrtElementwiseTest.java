package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The elementwise passes of the trick give, on every element, the bits of the scalar formula
 * they replace: sizes with and without a scalar tail, variances from 0 (where VAR_EPS alone
 * sets the standard deviation) to 1e6.
 */
class LrtElementwiseTest {

  @Test
  void everyPassEqualsItsScalarFormulaBitwise() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n : new int[] {1, 15, 16, 37, 1000}) {
      float[] x = values(rnd, n, -3, 3);
      float[] var = values(rnd, n, 0, 1);
      var[0] = 0f;
      var[n - 1] = n > 1 ? 1e6f : var[n - 1];
      float[] eps = values(rnd, n, -4, 4);
      float[] dy = values(rnd, n, -1, 1);
      float[] y = values(rnd, n, -2, 2);

      float[] x2 = new float[n];
      LrtElementwise.square(x, x2, n);
      float[] std = var.clone();
      float[] ySampled = y.clone();
      LrtElementwise.sample(std, eps, ySampled, n);
      float[] dVar = new float[n];
      LrtElementwise.varianceGradient(dy, eps, std, dVar, n);
      for (int k = 0; k < n; k++) {
        String at = "n=" + n + " k=" + k;
        float sd = (float) Math.sqrt(var[k] + VariationalDense.VAR_EPS);
        same(x[k] * x[k], x2[k], "square " + at);
        same(sd, std[k], "std " + at);
        same(y[k] + sd * eps[k], ySampled[k], "sample " + at);
        same(dy[k] * eps[k] / (2f * sd), dVar[k], "variance gradient " + at);
      }
    }
  }

  private static float[] values(SplittableRandom rnd, int n, double lo, double hi) {
    float[] v = new float[n];
    for (int k = 0; k < n; k++) {
      v[k] = (float) rnd.nextDouble(lo, hi);
    }
    return v;
  }

  private static void same(float want, float got, String what) {
    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
        what + ": " + got + ", the scalar formula gives " + want);
  }
}
