package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Information dropout under the log-normal prior outputs the pre-activation whose softplus is
 * softplus(h) times the noise factor, over the whole range of h: both of its branches (the
 * tail below h = -30 and the rest) and the KL's floor at softplus(h) = 1e-4. The gradients are
 * checked against finite differences in {@link LayerContractTest}.
 */
class InformationDenseTest {
  private static final float[] H = {-45f, -30.01f, -29.99f, -12f, -9f, -1f, 0f, 0.5f, 3f, 30f};

  @Test
  void softplusOfTheOutputIsTheActivationTimesOneFactorPerExampleAndUnit() {
    Network net = NetworkSpec.parse("idense(2, 0.1, prior=lognormal) | softplus", 1,
        VdSettings.DEFAULTS);
    InformationDense layer = (InformationDense) net.layers().get(0);
    float[] params = new float[net.paramCount()];
    params[0] = 1f;
    params[1] = 1f;
    // Noise map Wa = (0, 2), ba = 0: alpha 0.351 for the first unit, a function of x for the
    // second; mu 0.3, log sigma -0.2.
    params[2 * 2 + 1] = 2f;
    params[layer.priorOffset()] = 0.3f;
    params[layer.priorOffset() + 1] = -0.2f;
    long[] ids = new long[H.length];
    Arrays.fill(ids, 42L);
    Workspace ws = net.newWorkspace(H.length);
    float[] train = net.forward(params, H, H.length, Mode.TRAIN, new Noise(3, 5, ids), ws)
        .clone();
    float[] eval = net.forward(params, H, H.length, Mode.EVAL, null, ws).clone();
    for (int r = 0; r < H.length; r++) {
      double f = Softplus.of(H[r]);
      assertEquals(1, eval[2 * r] / f, 1e-6, "evaluation is softplus(h) at h = " + H[r]);
      // The same example id in every row: the first unit draws one factor for all of them.
      double factor = train[0] / Softplus.of(H[0]);
      assertEquals(factor, train[2 * r] / f, 2e-5 * factor, "factor at h = " + H[r]);
      assertTrue(Math.abs(factor - 1) > 1e-3, "the noise acts: factor " + factor);
      // The second unit's alpha depends on x, its eps does not: (log factor + alpha^2 / 2) /
      // alpha is the same draw in every row, to the float output's precision divided by alpha
      // (the last row has the largest alpha, so its draw is the most precise).
      double alpha = InformationDense.ALPHA_MIN
          + InformationDense.ALPHA_MAX / (1 + Math.exp(-2.0 * H[r]));
      int last = H.length - 1;
      assertEquals(eps(train[2 * last + 1], H[last]), eps(train[2 * r + 1], H[r]), 2e-5 / alpha,
          "second unit's draw at h = " + H[r]);
    }
  }

  /** The standard normal draw behind the second unit's output y at h. */
  private static double eps(float y, float h) {
    double alpha = InformationDense.ALPHA_MIN
        + InformationDense.ALPHA_MAX / (1 + Math.exp(-2.0 * h));
    return (Math.log(y / Softplus.of(h)) + alpha * alpha / 2) / alpha;
  }

  @Test
  void theKlIsTheLogNormalOnesWithTheFloor() {
    Network net = NetworkSpec.parse("idense(1, 0.5, prior=lognormal) | softplus | dense(2)", 1,
        VdSettings.DEFAULTS);
    InformationDense layer = (InformationDense) net.layers().get(0);
    float[] params = new float[net.paramCount()];
    params[0] = 1f;
    params[layer.priorOffset()] = -1f;
    params[layer.priorOffset() + 1] = 0.4f;
    float[] x = {-20f, -9.3f, 2f};
    long[] ids = {1, 2, 3};
    float[] grad = new float[net.paramCount()];
    BatchLoss loss = net.nllGradient(params, x, new int[] {0, 1, 0}, null, ids, 3, 5L, 9L, 1f,
        grad, net.newWorkspace(3));
    double alpha = InformationDense.ALPHA_MIN + InformationDense.ALPHA_MAX / 2;
    double sigma = Math.exp(0.4);
    double expected = 0;
    for (float h : x) {
      double m = Math.log(Math.max(Math.log1p(Math.exp(h)), 1e-4)) - alpha * alpha / 2;
      expected += 0.5 * (Math.log(sigma / alpha)
          + (alpha * alpha + (m + 1) * (m + 1)) / (2 * sigma * sigma) - 0.5);
    }
    assertEquals(expected, loss.exampleKl(), 1e-5 * expected);
  }
}
