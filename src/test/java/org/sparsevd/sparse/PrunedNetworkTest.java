package org.sparsevd.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsevd.nn.LayerWeights;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.NeuronVd;
import org.sparsevd.nn.VariationalDense;
import org.sparsevd.nn.VdSettings;

/**
 * Neuron pruning: the shrunk dense network and the CSR export give the engine's deterministic
 * logits, with fewer multiply-adds, and the kept-neuron counts are those the log alphas say.
 */
class PrunedNetworkTest {
  private static final int INPUTS = 16;
  private static final int ROWS = 300;

  @ParameterizedTest
  @ValueSource(strings = {
      "nvd | dense(20) | relu | nvd | dense(12) | relu | nvd | dense(5)",
      "nvd | vd(20) | relu | nvd | vd(12) | relu | nvd | vd(5)",
      "nvd | dense(20) | relu | drop(0.3) | nvd | cdense(12) | relu | idrop(0.1) | dense(5)",
      "nvd | idense(20, 0.1) | relu | nvd | idense(12, 0.1) | relu | nvd | dense(5)"})
  void shrunkNetworkPredictsLikeThePrunedOne(String spec) {
    Network net = NetworkSpec.parse(spec, INPUTS, VdSettings.DEFAULTS);
    SplittableRandom rnd = new SplittableRandom(7);
    float[] params = net.initParams(3);
    int[] expectedKept = new int[3];
    int weighted = 0;
    int pendingKept = -1;
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      if (layer instanceof NeuronVd) {
        // Every third neuron pruned (log alpha 5 >= 3), the others kept at log alpha -2.
        pendingKept = 0;
        for (int i = 0; i < layer.inputSize(); i++) {
          params[off + i] = i % 3 == 1 ? 5f : -2f;
          pendingKept += i % 3 == 1 ? 0 : 1;
        }
      } else if (LayerWeights.count(layer) > 0) {
        expectedKept[weighted] = pendingKept >= 0 ? pendingKept : layer.inputSize();
        pendingKept = -1;
        for (int k = 0; k < LayerWeights.count(layer); k++) {
          params[off + k] = (float) (0.3 * rnd.nextGaussian());
        }
        for (int j = 0; j < layer.outputSize(); j++) {
          params[off + (layer instanceof VariationalDense ? 2 : 1)
              * LayerWeights.count(layer) + j] =
              (float) (0.1 * rnd.nextGaussian());
        }
        weighted++;
      }
    }
    float[] x = gaussianRows(rnd);
    float[] expected = net.forward(params, x, ROWS, Mode.EVAL, null, net.newWorkspace(ROWS))
        .clone();

    PrunedNetwork pruned = PrunedNetwork.of(net, params);
    assertArrayEquals(expectedKept, pruned.keptNeuronCounts(), "kept neurons per layer");
    ShrunkNetwork shrunk = pruned.shrink();
    assertEquals("dense(" + expectedKept[1] + ") | relu | dense(" + expectedKept[2]
        + ") | relu | dense(5)", shrunk.spec());
    assertEquals(expectedKept[0], shrunk.inputs().length);
    long flops = 2L * (expectedKept[0] * expectedKept[1] + expectedKept[1] * expectedKept[2]
        + expectedKept[2] * 5);
    assertEquals(flops, shrunk.flops());
    assertTrue(shrunk.flops() < pruned.denseFlops(), shrunk.flops() + " vs " + pruned.denseFlops());

    assertClose(expected, shrunk.predict(x, ROWS), "shrunk");
    float[] csr = new float[ROWS * 5];
    SparseNetwork.export(net, params).predict(x, ROWS, csr);
    assertClose(expected, csr, "csr");
  }

  /**
   * A unit without weights or bias outputs 0 through a ReLU, and goes; through a softplus it
   * outputs log 2, which the next layer reads, and stays.
   */
  @org.junit.jupiter.api.Test
  void aDeadUnitStaysBeforeASoftplusAndGoesBeforeARelu() {
    Network net = NetworkSpec.parse("dense(6) | softplus | dense(4) | relu | dense(3)", INPUTS,
        VdSettings.DEFAULTS);
    SplittableRandom rnd = new SplittableRandom(5);
    float[] params = new float[net.paramCount()];
    for (int k = 0; k < params.length; k++) {
      params[k] = (float) (0.3 * rnd.nextGaussian());
    }
    for (int l : new int[] {0, 2}) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      for (int i = 0; i <= layer.inputSize(); i++) {
        // Unit 2's column of weights and its bias (the row after the weights).
        params[off + i * layer.outputSize() + 2] = 0f;
      }
    }
    float[] x = gaussianRows(rnd);
    float[] expected = net.forward(params, x, ROWS, Mode.EVAL, null, net.newWorkspace(ROWS))
        .clone();
    PrunedNetwork pruned = PrunedNetwork.of(net, params);
    assertArrayEquals(new int[] {INPUTS, 6, 3}, pruned.keptNeuronCounts());
    ShrunkNetwork shrunk = pruned.shrink();
    assertEquals("dense(6) | softplus | dense(3) | relu | dense(3)", shrunk.spec());
    assertClose(expected, shrunk.predict(x, ROWS), "shrunk");
    float[] csr = new float[ROWS * 3];
    SparseNetwork.export(net, params).predict(x, ROWS, csr);
    assertClose(expected, csr, "csr");
  }

  /** A mask after the last dense layer (through a ReLU) folds into that layer's outputs. */
  @org.junit.jupiter.api.Test
  void perNeuronDropoutAfterTheLastDenseLayerFoldsIntoItsOutputs() {
    Network last = NetworkSpec.parse("dense(8) | relu | nvd", INPUTS, VdSettings.DEFAULTS);
    float[] params = last.initParams(1);
    int mask = last.offset(2);
    for (int j = 0; j < 8; j += 3) {
      params[mask + j] = 6f;
    }
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x = gaussianRows(rnd);
    float[] expected = last.forward(params, x, ROWS, Mode.EVAL, null, last.newWorkspace(ROWS))
        .clone();
    float[] csr = new float[ROWS * 8];
    SparseNetwork.export(last, params).predict(x, ROWS, csr);
    assertClose(expected, csr, "csr");
  }

  @org.junit.jupiter.api.Test
  void perNeuronDropoutBesideAConvolutionHasNoSparseForm() {
    Network conv = NetworkSpec.parse("image(4, 4, 1) | nvd | conv(2, 3) | flatten | dense(3)",
        INPUTS, VdSettings.DEFAULTS);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> SparseNetwork.export(conv, conv.initParams(1)));
    assertTrue(e.getMessage().contains("only next to a dense layer"), e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> PrunedNetwork.of(conv, conv.initParams(1)));
    assertTrue(e.getMessage().contains("layer 1 (nvd)"), e.getMessage());
  }

  private static float[] gaussianRows(SplittableRandom rnd) {
    float[] x = new float[ROWS * INPUTS];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) rnd.nextGaussian();
    }
    return x;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], 1e-5f * Math.max(1f, Math.abs(expected[k])),
          what + " logit " + k);
    }
  }
}
