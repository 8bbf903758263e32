package org.sparsevd.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;

class ShrunkConvNetworkTest {
  private static final String SPEC = "image(8, 8, 2) | conv(4, 3) | sbp | relu | maxpool(2) "
      + "| conv(5, 2) | sbp | relu | flatten | dense(6) | sbp | relu | dense(3)";

  /** Random weights; the listed channels of each sbp layer pruned (sigma e^3), others kept. */
  private static float[] params(Network net, int[][] pruned) {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] p = net.initParams(2);
    for (int k = 0; k < p.length; k++) {
      p[k] = (float) (0.5 * rnd.nextGaussian());
    }
    int s = 0;
    for (int l = 0; l < net.layers().size(); l++) {
      if (net.layers().get(l).spec().equals("sbp")) {
        int c = net.layers().get(l).paramCount() / 2;
        int off = net.offset(l);
        for (int j = 0; j < c; j++) {
          p[off + j] = -0.2f;
          p[off + c + j] = -3f;
        }
        for (int j : pruned[s]) {
          p[off + c + j] = 3f;
        }
        s++;
      }
    }
    return p;
  }

  private static void assertSameLogits(Network net, float[] p, ShrunkConvNetwork shrunk) {
    SplittableRandom rnd = new SplittableRandom(6);
    int rows = 300;
    float[] x = new float[rows * net.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) rnd.nextGaussian();
    }
    float[] full = net.forward(p, x, rows, Mode.EVAL, null, net.newWorkspace(rows));
    float[] small = shrunk.predict(x, rows);
    double scale = 0;
    for (float v : full) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertEquals(full.length, small.length);
    for (int k = 0; k < full.length; k++) {
      assertEquals(full[k], small[k], 1e-5 * scale, "logit " + k);
    }
  }

  @Test
  void prunedFiltersAndUnitsAreRemovedAndTheLogitsStay() {
    Network net = NetworkSpec.parse(SPEC, 128, VdSettings.DEFAULTS);
    float[] p = params(net, new int[][] {{1, 3}, {0, 2, 4}, {5}});
    ShrunkConvNetwork shrunk = ShrunkConvNetwork.of(net, p);
    assertEquals("image(8, 8, 2) | conv(2, 3) | relu | maxpool(2) | conv(2, 2) "
        + "| relu | flatten | dense(5) | relu | dense(3)", shrunk.spec());
    assertArrayEquals(new int[] {0, 2}, shrunk.keptOutputs().get(0));
    assertArrayEquals(new int[] {1, 3}, shrunk.keptOutputs().get(1));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, shrunk.keptOutputs().get(2));
    assertSameLogits(net, p, shrunk);
  }

  @Test
  void aChannelNothingReadsGoesWithTheFilterBeforeIt() {
    Network net = NetworkSpec.parse(SPEC, 128, VdSettings.DEFAULTS);
    float[] p = params(net, new int[][] {{}, {}, {}});
    // conv2 reads nothing from conv1's channel 2: its rows (ky, kx, 2) are 0.
    int conv2 = net.offset(5);
    for (int i = 0; i < 2 * 2 * 4; i++) {
      if (i % 4 == 2) {
        java.util.Arrays.fill(p, conv2 + i * 5, conv2 + (i + 1) * 5, 0f);
      }
    }
    ShrunkConvNetwork shrunk = ShrunkConvNetwork.of(net, p);
    assertArrayEquals(new int[] {0, 1, 3}, shrunk.keptOutputs().get(0));
    assertSameLogits(net, p, shrunk);
  }

  /**
   * Zeroes the weights into output j of the [in x out | out] layer l and sets its bias; the
   * outputs are the channels of the sbp layer after it.
   */
  private static void onlyBias(Network net, float[] p, int l, int j, float bias) {
    int out = net.layers().get(l + 1).paramCount() / 2;
    int in = net.layers().get(l).paramCount() / out - 1;
    for (int i = 0; i < in; i++) {
      p[net.offset(l) + i * out + j] = 0f;
    }
    p[net.offset(l) + in * out + j] = bias;
  }

  @Test
  void aConstantChannelMovesIntoTheNextLayersBiases() {
    Network net = NetworkSpec.parse(SPEC, 128, VdSettings.DEFAULTS);
    float[] p = params(net, new int[][] {{}, {}, {}});
    onlyBias(net, p, 1, 1, 0.7f);
    onlyBias(net, p, 9, 2, 0.4f);
    onlyBias(net, p, 9, 4, -0.3f);
    ShrunkConvNetwork shrunk = ShrunkConvNetwork.of(net, p);
    assertArrayEquals(new int[] {0, 2, 3}, shrunk.keptOutputs().get(0));
    assertArrayEquals(new int[] {0, 1, 3, 5}, shrunk.keptOutputs().get(2));
    assertSameLogits(net, p, shrunk);
    // Behind a padded convolution the border positions read zeros: not a constant, it stays.
    Network padded = NetworkSpec.parse(SPEC.replace("conv(5, 2)", "conv(5, 2, 1, 1)"), 128,
        VdSettings.DEFAULTS);
    float[] q = params(padded, new int[][] {{}, {}, {}});
    onlyBias(padded, q, 1, 1, 0.7f);
    ShrunkConvNetwork kept = ShrunkConvNetwork.of(padded, q);
    assertArrayEquals(new int[] {0, 1, 2, 3}, kept.keptOutputs().get(0));
    assertSameLogits(padded, q, kept);
  }

  @Test
  void theUnprunedBaselineKeepsEveryChannelWithNoZeroWeight() {
    Network net = NetworkSpec.parse(SPEC, 128, VdSettings.DEFAULTS);
    float[] p = params(net, new int[][] {{1, 3}, {0, 2, 4}, {5}});
    ShrunkConvNetwork full = ShrunkConvNetwork.unpruned(net, p);
    assertEquals("image(8, 8, 2) | conv(4, 3) | relu | maxpool(2) | conv(5, 2) | relu | flatten "
        + "| dense(6) | relu | dense(3)", full.spec());
    Network plain = full.network();
    for (int l = 0; l < plain.layers().size(); l++) {
      var w = plain.layers().get(l).evalForm(full.params(), plain.offset(l)).weighted();
      for (int k = 0; w != null && k < w.weights().length; k++) {
        assertTrue(w.weights()[k] != 0f, "a zero weight in layer " + l + " of the baseline");
      }
    }
  }

  @Test
  void aLayerPrunedToNothingIsAnError() {
    Network net = NetworkSpec.parse(SPEC, 128, VdSettings.DEFAULTS);
    float[] p = params(net, new int[][] {{0, 1, 2, 3}, {}, {}});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShrunkConvNetwork.of(net, p));
    assertEquals("weighted layer 1 kept no output", e.getMessage());
  }
}
