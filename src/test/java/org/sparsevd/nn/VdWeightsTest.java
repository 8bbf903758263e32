package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsevd.math.ArrayMath;

/**
 * The vector bodies and the scalar tails of the per-weight loops must agree bitwise: a weight
 * gets the same result whether it falls in the body or in the tail. Shifting the arrays by a
 * few weights moves each weight from one to the other.
 */
class VdWeightsTest {
  private static final int N = 75;

  @Test
  void forwardBackwardAndKlDoNotDependOnWhereAWeightFalls() {
    SplittableRandom rnd = new SplittableRandom(8);
    for (boolean additive : new boolean[] {true, false}) {
      VdWeights.Bounds b = new VdWeights.Bounds((float) Math.exp(-8), (float) Math.exp(8),
          (float) Math.exp(3), -8f, 8f, additive);
      float[] p = new float[2 * N];
      for (int k = 0; k < N; k++) {
        p[k] = (float) (rnd.nextGaussian() * 0.3);
        p[N + k] = (float) rnd.nextDouble(-14, 6);
      }
      float[] gm = random(rnd);
      float[] gv = random(rnd);
      for (int shift : new int[] {1, 5, 11}) {
        float[][] whole = run(p, 0, N, b, gm, gv);
        float[][] part = run(p, shift, N - shift, b, gm, gv);
        for (int r = 0; r < whole.length; r++) {
          for (int k = shift; k < N; k++) {
            assertEquals(Float.floatToRawIntBits(whole[r][k]),
                Float.floatToRawIntBits(part[r][k - shift]),
                "result " + r + " weight " + k + " shift " + shift + " additive " + additive);
          }
        }
      }
    }
  }

  private static float[] random(SplittableRandom rnd) {
    float[] a = new float[N];
    for (int k = 0; k < N; k++) {
      a[k] = (float) rnd.nextGaussian();
    }
    return a;
  }

  /** Runs the three loops on weights [from, from + n); returns their outputs. */
  private static float[][] run(float[] p, int from, int n, VdWeights.Bounds b, float[] gm,
                               float[] gv) {
    float[] q = new float[2 * n];
    System.arraycopy(p, from, q, 0, n);
    System.arraycopy(p, N + from, q, n, n);
    float[] expU = new float[n];
    ArrayMath.exp(q, n, expU, 0, n);
    float[] alpha = new float[n];
    float[] var = new float[n];
    float[] mean = new float[n];
    VdWeights.forward(q, 0, 0, n, expU, b, true, alpha, var, mean);
    float[] grad = new float[2 * n];
    VdWeights.backward(q, 0, 0, n, expU, alpha, b, true, Arrays.copyOfRange(gm, from, from + n),
        Arrays.copyOfRange(gv, from, from + n), grad, 0, n);
    float[] kl = new float[2 * n];
    VdWeights.klGradient(q, 0, n, n, b, 0.7f, kl, 0, n);
    return new float[][] {alpha, var, mean, Arrays.copyOf(grad, n),
        Arrays.copyOfRange(grad, n, 2 * n), Arrays.copyOf(kl, n), Arrays.copyOfRange(kl, n, 2 * n)};
  }
}
