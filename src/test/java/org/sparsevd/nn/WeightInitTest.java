package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparsevd.rand.CounterRng;

/** The two initialisations of a layer's weights, and what starts from them. */
class WeightInitTest {
  private static final String GLOROT = "image(28, 28, 1) | vdconv(20, 5, init=glorot) | relu "
      + "| maxpool(2) | flatten | vd(30, init=glorot) | relu | vd(10)";

  @Test
  void glorotWeightsFillTheirBoundUniformly() {
    Network net = NetworkSpec.parse(GLOROT, 784, VdSettings.DEFAULTS);
    float[] p = net.initParams(7);
    // conv: fan in 5 * 5 * 1, fan out 5 * 5 * 20; dense: 12 * 12 * 20 in, 30 out.
    checkUniform(Arrays.copyOfRange(p, net.offset(1), net.offset(1) + 500), 25 + 500);
    checkUniform(Arrays.copyOfRange(p, net.offset(4), net.offset(4) + 2880 * 30), 2880 + 30);
    // The output layer keeps N(0, 0.01^2); log sigma^2 starts at -10 everywhere.
    float[] out = Arrays.copyOfRange(p, net.offset(6), net.offset(6) + 300);
    assertEquals(0.01, Math.sqrt(variance(out)), 0.0015);
    assertEquals(-10f, p[net.offset(1) + 500 + 123]);
  }

  @Test
  void theLogAlphaParameterisationStartsFromTheGlorotWeights() {
    VdSettings s = VdSettings.DEFAULTS.withParameterization(Parameterization.LOG_ALPHA);
    Network net = NetworkSpec.parse(GLOROT, 784, s);
    float[] p = net.initParams(7);
    VariationalDense core = new VariationalDense(25, 20, 1, s,
        WeightInit.glorotUniform(25, 500), false);
    for (int k = 0; k < 500; k += 37) {
      float theta = p[net.offset(1) + k];
      float want = (float) Math.max(-8, Math.min(8, -10 - Math.log(theta * theta + 1e-8f)));
      assertEquals(want, p[net.offset(1) + 500 + k], 1e-5f, "weight " + k);
      assertEquals(want, core.logAlpha(p, net.offset(1), k), 1e-5f, "weight " + k);
    }
  }

  @Test
  void withoutTheOptionWeightsStayNormalBitForBit() {
    Network net = NetworkSpec.parse(GLOROT.replace(", init=glorot", ""), 784,
        VdSettings.DEFAULTS);
    float[] p = net.initParams(7);
    float[] want = new float[500];
    CounterRng.gaussians(7, 0, 1, CounterRng.STREAM_INIT, want, 0, 500);
    for (int k = 0; k < want.length; k++) {
      want[k] *= 0.01f;
    }
    assertArrayEquals(want, Arrays.copyOfRange(p, net.offset(1), net.offset(1) + 500));
  }

  private static void checkUniform(float[] w, int fans) {
    double bound = Math.sqrt(6.0 / fans);
    double max = 0;
    for (float v : w) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= bound && max > 0.97 * bound, "max |w| " + max + ", bound " + bound);
    // U(-b, b) has variance b^2 / 3.
    assertEquals(bound * bound / 3, variance(w), 0.15 * bound * bound / 3);
  }

  private static double variance(float[] w) {
    return GaussianDropoutTest.moments(w)[1];
  }
}
