package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NetworkTest {
  private final Network net = NetworkSpec.parse(NetworkSpec.LENET_300_100, 784, VdSettings.DEFAULTS);

  /** Pruned neurons of a per-neuron layer count as pruned weights and unread inputs. */
  @Test
  void perNeuronPruningCountsInSparsityAndKeptInputs() {
    Network net = NetworkSpec.parse("nvd | dense(3) | relu | nvd | dense(2)", 4,
        VdSettings.DEFAULTS);
    float[] params = net.initParams(1);
    params[net.offset(0) + 1] = 6f;
    params[net.offset(3) + 2] = 6f;
    Sparsity sp = net.sparsity(params);
    assertEquals(12 + 6, sp.weights());
    assertEquals((12 - 3 - 3) + (6 - 2), sp.kept());
    assertArrayEquals(new int[] {2, 0, 2, 2}, net.keptPerInput(params));
    params[net.offset(0) + 1] = 0f;
    assertArrayEquals(new int[] {2, 2, 2, 2}, net.keptPerInput(params));
  }

  @Test
  void layoutAndSpecOfLeNet300() {
    // 2 * (784*300 + 300*100 + 100*10) variational parameters plus 410 biases.
    assertEquals(2 * 266_200 + 410, net.paramCount());
    assertEquals(NetworkSpec.LENET_300_100, net.spec());
    assertEquals(0, net.offset(0));
    assertEquals(2 * 784 * 300 + 300, net.offset(2));
  }

  @Test
  void mismatchedLayersAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Network(10, java.util.List.of(new Relu(10), new Relu(9))));
    assertEquals("layer 1 (relu) takes 9 inputs while layer 0 gives 10", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse("vd(300) | sigmoid", 784, VdSettings.DEFAULTS));
    assertTrue(e.getMessage().contains("unknown layer 'sigmoid'"), e.getMessage());
  }

  @Test
  void anExampleSeesTheSameNoiseInAnyBatch() {
    float[] params = net.initParams(1);
    float[] x = new float[3 * 784];
    for (int k = 0; k < x.length; k++) {
      x[k] = (k * 37 % 11) / 10f;
    }
    Workspace ws = net.newWorkspace(3);
    float[] all = net.forward(params, x, 3, Mode.TRAIN, new Noise(9, 4, new long[] {10, 11, 12}),
        ws).clone();
    float[] one = net.forward(params, Arrays.copyOfRange(x, 784, 2 * 784), 1, Mode.TRAIN,
        new Noise(9, 4, new long[] {11}), ws);
    assertArrayEquals(Arrays.copyOfRange(all, 10, 20), Arrays.copyOf(one, 10));
    float[] nextStep = net.forward(params, x, 3, Mode.TRAIN,
        new Noise(9, 5, new long[] {10, 11, 12}), ws);
    assertNotEquals(all[0], nextStep[0]);
  }

  @Test
  void badInputsAreNamed() {
    float[] params = net.initParams(1);
    float[] grad = new float[net.paramCount()];
    Workspace ws = net.newWorkspace(4);
    float[] x = new float[2 * 784];
    long[] ids = {16, 17};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.nllGradient(params, x, new int[] {1, 12}, null, ids, 2, 0, 0, 1f, grad, ws));
    assertEquals("example 17: label 12 outside [0, 10)", e.getMessage());
    x[784 + 5] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class,
        () -> net.nllGradient(params, x, new int[] {1, 2}, null, ids, 2, 0, 0, 1f, grad, ws));
    assertEquals("example 17, feature 5: NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> net.nllGradient(params, x, new int[0], null, new long[0], 0, 0, 0, 1f, grad, ws));
    assertEquals("empty batch: 0 rows", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> net.nllGradient(params, new float[700], new int[] {1}, null, ids, 1, 0, 0, 1f, grad,
            ws));
    assertTrue(e.getMessage().startsWith("batch of 1 rows x 784 features: have 700 floats"),
        e.getMessage());
  }

  @Test
  void aNonFiniteLossNamesTheStepAndTheLayer() {
    float[] params = net.initParams(1);
    // A NaN bias reaches the loss whatever the inputs are.
    params[net.offset(2) + 2 * 300 * 100 + 5] = Float.NaN;
    float[] x = new float[784];
    Arrays.fill(x, 0.5f);
    Network.NonFiniteException e = assertThrows(Network.NonFiniteException.class,
        () -> net.nllGradient(params, x, new int[] {3}, null, new long[] {0}, 1, 0, 42, 1f,
            new float[net.paramCount()], net.newWorkspace(1)));
    assertTrue(e.getMessage().startsWith("step 42: loss is NaN; layer 2 (vd(100)) parameter 60005"),
        e.getMessage());
  }

  @Test
  void aNonFiniteGradientNamesTheLayerAndEntry() {
    float[] grad = new float[net.paramCount()];
    grad[net.offset(4) + 7] = Float.POSITIVE_INFINITY;
    Network.NonFiniteException e = assertThrows(Network.NonFiniteException.class,
        () -> net.requireFinite(grad, "gradient", 9));
    assertEquals("step 9: gradient of layer 4 (vd(10)) entry 7 is Infinity", e.getMessage());
  }

  @Test
  void sparsityCountsWeightsAtOrAboveTheThreshold() {
    Network small = NetworkSpec.parse("vd(2) | relu | vd(2)", 2, VdSettings.DEFAULTS);
    float[] p = small.initParams(0);
    // Layer 0 weights: theta = 1 so log alpha = log sigma^2; set 3 of 4 at or above 3.
    float[] logAlphas = {3.0f, 2.9f, 5f, 8f};
    for (int k = 0; k < 4; k++) {
      p[k] = 1f;
      p[4 + k] = logAlphas[k];
    }
    Sparsity s = small.sparsity(p);
    assertEquals(1, s.layers().get(0).kept());
    assertEquals(0.75, s.layers().get(0).sparsity(), 1e-12);
    assertEquals(8, s.weights());
    assertEquals(8.0 / (1 + 4), s.compression(), 1e-12);
    float[] effective = LayerWeights.effective(small.layers().get(0), p, 0);
    assertArrayEquals(new float[] {0f, 1f, 0f, 0f}, effective);
  }
}
