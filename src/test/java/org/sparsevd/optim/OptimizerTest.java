package org.sparsevd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerTest {
  static Stream<Optimizer> optimizers() {
    return Stream.of(Adam.DEFAULT, new SgdMomentum(0), new SgdMomentum(0.9));
  }

  /** Contract: every optimiser minimises an ill-conditioned quadratic 0.5 sum c_k p_k^2. */
  @ParameterizedTest
  @MethodSource("optimizers")
  void minimisesAQuadratic(Optimizer opt) {
    float[] c = {1f, 10f, 0.1f};
    float[] p = {1f, -2f, 3f};
    float[] g = new float[3];
    OptimizerState state = opt.newState(3);
    double lr = opt instanceof Adam ? 0.05 : 0.05;
    for (int t = 0; t < 3000; t++) {
      for (int k = 0; k < 3; k++) {
        g[k] = c[k] * p[k];
      }
      opt.step(state, p, g, lr);
    }
    for (float v : p) {
      assertEquals(0, v, 0.05, opt.toString());
    }
    assertEquals(3000, state.steps());
  }

  /** Two Adam steps computed by hand from Algorithm 1 of the paper. */
  @Test
  void adamFollowsTheBiasCorrectedUpdate() {
    Adam adam = new Adam(0.9, 0.999, 1e-8);
    float[] p = {1f};
    OptimizerState s = adam.newState(1);
    adam.step(s, p, new float[] {2f}, 0.1);
    // t=1: m_hat = g, v_hat = g^2, so the step is lr * sign(g).
    assertEquals(0.9, p[0], 1e-6);
    adam.step(s, p, new float[] {-1f}, 0.1);
    double m = 0.9 * 0.2 + 0.1 * -1;
    double v = 0.999 * 0.004 + 0.001 * 1;
    double expected = 0.9 - 0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
    assertEquals(expected, p[0], 1e-6);
  }

  @Test
  void sgdMomentumAccumulatesVelocity() {
    SgdMomentum sgd = new SgdMomentum(0.5);
    float[] p = {0f};
    OptimizerState s = sgd.newState(1);
    sgd.step(s, p, new float[] {1f}, 0.1);
    sgd.step(s, p, new float[] {1f}, 0.1);
    // v1 = 1, v2 = 1.5: p = -0.1 - 0.15
    assertEquals(-0.25, p[0], 1e-7);
  }

  @Test
  void parsesAndRejects() {
    assertEquals(Adam.DEFAULT, OptimizerSpec.parse("adam").optimizer());
    assertEquals(new Adam(0.8, 0.99, 1e-7),
        OptimizerSpec.parse("Adam(0.8, 0.99, 1e-7)").optimizer());
    assertEquals(new SgdMomentum(0.9), OptimizerSpec.parse("sgd(0.9)").optimizer());
    // The text stays as written: it is what a training config prints.
    assertEquals(" Adam(0.8, 0.99, 1e-7)", OptimizerSpec.parse(" Adam(0.8, 0.99, 1e-7)")
        .toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("adam(0.9)"));
    assertTrue(e.getMessage().contains("adam(0.9)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("sgd(1.5)"));
    assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("adamw"));
    assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("sgdm(0.9)"));
    assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parse("rmsprop"));
  }

  @Test
  void stateSizeMismatchIsReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Adam.DEFAULT.step(Adam.DEFAULT.newState(2), new float[3], new float[3], 0.1));
    assertEquals("adam: 3 parameters, 3 gradients, state for 2", e.getMessage());
  }
}
