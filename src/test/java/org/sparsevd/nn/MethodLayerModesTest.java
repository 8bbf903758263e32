package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sparsevd.math.FastMath;

/**
 * Evaluation and Monte-Carlo sampling of the dropout layers of the method comparison: the
 * specs parse and print back, evaluation is deterministic, a sample is a function of its
 * noise key, and the multiplicative noises have mean 1 so that their samples average to the
 * evaluation output.
 */
class MethodLayerModesTest {
  private static final int ROWS = 400;
  private static final int WIDTH = 6;

  @ParameterizedTest
  @ValueSource(strings = {"drop(0.3)", "gdrop(0.3)", "nvd", "idrop(0.1)"})
  void samplesAverageToTheEvaluationOutput(String spec) {
    Network net = NetworkSpec.parse(spec, WIDTH, VdSettings.DEFAULTS);
    if (!spec.startsWith("gdrop")) {
      assertEquals(spec, net.spec());
    }
    float[] params = net.initParams(1);
    if (net.layers().get(0) instanceof NeuronVd) {
      // Neurons 1 and 4 pruned; the others with large noise (alpha = e^-0.5).
      for (int i = 0; i < WIDTH; i++) {
        params[i] = i % 3 == 1 ? 4f : -0.5f;
      }
    }
    float[] x = new float[ROWS * WIDTH];
    for (int k = 0; k < x.length; k++) {
      x[k] = 1f + k % WIDTH;
    }
    Workspace ws = net.newWorkspace(ROWS);
    float[] eval = net.forward(params, x, ROWS, Mode.EVAL, null, ws).clone();
    long[] ids = new long[ROWS];
    Arrays.setAll(ids, r -> r);
    float[] a = net.forward(params, x, ROWS, Mode.SAMPLE, new Noise(2, 0, ids), ws).clone();
    float[] b = net.forward(params, x, ROWS, Mode.SAMPLE, new Noise(2, 0, ids), ws).clone();
    float[] c = net.forward(params, x, ROWS, Mode.SAMPLE, new Noise(2, 1, ids), ws).clone();
    assertArrayEquals(a, b, "same key, same sample");
    assertFalse(Arrays.equals(a, c), "another key, another sample");
    for (int i = 0; i < WIDTH; i++) {
      double mean = 0;
      for (int r = 0; r < ROWS; r++) {
        mean += a[r * WIDTH + i] / ROWS;
      }
      double expected = eval[i];
      assertEquals(expected, mean, 0.1 * (1 + i), spec + " unit " + i);
      if (expected == 0) {
        assertEquals(0, mean, spec + ": a pruned neuron stays 0 in a sample");
      }
    }
    if (net.layers().get(0) instanceof NeuronVd) {
      assertEquals(0f, eval[1]);
      assertEquals(x[2], eval[2]);
    } else {
      assertArrayEquals(Arrays.copyOf(x, eval.length), eval, "evaluation is the identity");
    }
  }

  @Test
  void concreteSamplesFollowTheirKeyAndEvaluationUsesTheExpectedMask() {
    Network net = NetworkSpec.parse("cdense(3)", WIDTH, VdSettings.DEFAULTS);
    assertEquals("cdense(3)", net.spec());
    float[] params = net.initParams(4);
    float[] x = new float[2 * WIDTH];
    Arrays.fill(x, 1f);
    Workspace ws = net.newWorkspace(2);
    float[] eval = net.forward(params, x, 2, Mode.EVAL, null, ws).clone();
    float[] dense = NetworkSpec.parse("dense(3)", WIDTH, VdSettings.DEFAULTS)
        .forward(Arrays.copyOf(params, WIDTH * 3 + 3), x, 2, Mode.EVAL, null,
            NetworkSpec.parse("dense(3)", WIDTH, VdSettings.DEFAULTS).newWorkspace(2));
    assertArrayEquals(Arrays.copyOf(dense, 6), eval, "EVAL is x W + b");
    long[] ids = {5, 6};
    float[] a = net.forward(params, x, 2, Mode.SAMPLE, new Noise(2, 0, ids), ws).clone();
    float[] b = net.forward(params, x, 2, Mode.SAMPLE, new Noise(2, 3, ids), ws).clone();
    assertFalse(Arrays.equals(a, b));
    assertTrue(Math.abs(((ConcreteDense) net.layers().get(0)).dropRate(params, 0) - 0.1) < 1e-6);
  }

  @Test
  void aConcreteLogitBeyondWhereTheSigmoidRoundsToOneStaysFinite() {
    Network net = NetworkSpec.parse("cdense(3)", WIDTH, VdSettings.DEFAULTS);
    int logit = WIDTH * 3 + 3;
    float[] x = new float[2 * WIDTH];
    Arrays.fill(x, 0.5f);
    for (float raw : new float[] {40f, -40f, ConcreteDense.MAX_LOGIT - 1}) {
      float[] params = net.initParams(4);
      params[logit] = raw;
      assertEquals(1f, FastMath.sigmoid(40f), "the sigmoid in float rounds to 1 at 40");
      float[] grad = new float[params.length];
      double nll = net.nllGradient(params, x, new int[] {0, 2}, null, new long[] {0, 1}, 2, 1,
          0, 1f, grad, net.newWorkspace(2)).nll();
      net.addKlGradient(params, 1f, grad);
      assertTrue(Double.isFinite(nll) && Double.isFinite(net.kl(params)), "logit " + raw);
      for (float g : grad) {
        assertTrue(Float.isFinite(g), "logit " + raw + ": gradient " + g);
      }
      // Beyond the clamp the logit has no gradient; inside it has one.
      assertEquals(Math.abs(raw) > ConcreteDense.MAX_LOGIT, grad[logit] == 0f, "logit " + raw);
    }
  }

  @Test
  void badLayerArgumentsAreErrors() {
    assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse("drop(1)", 4, VdSettings.DEFAULTS));
    assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse("idrop(-1)", 4, VdSettings.DEFAULTS));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse("cdense(x)", 4, VdSettings.DEFAULTS));
    assertTrue(e.getMessage().contains("'cdense(x)'"), e.getMessage());
  }
}
