package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Batch normalisation's running statistics, its folding into the layer before it, its spec
 * rules and the VGG-like layer list. Its gradients are checked in {@link LayerContractTest}.
 */
class BatchNormTest {
  private static final int ROWS = 10;

  /**
   * The moments the backward passes add, summed over any split of the batch into passes, give
   * the running statistics of the whole batch: PyTorch's update with the unbiased variance.
   */
  @Test
  void runningStatisticsFollowTheWholeBatchWhateverItsSplit() {
    Network net = NetworkSpec.parse("dense(4) | bn | relu | dense(3)", 6, VdSettings.DEFAULTS);
    SplittableRandom rnd = new SplittableRandom(3);
    float[] params = net.initParams(5);
    int bn = net.offset(1);
    for (int j = 0; j < 4; j++) {
      params[bn + 8 + j] = (float) rnd.nextGaussian();
      params[bn + 12 + j] = 0.5f + j;
    }
    float[] x = new float[ROWS * 6];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) (2 + rnd.nextGaussian());
    }
    int[] labels = new int[ROWS];
    long[] ids = new long[ROWS];
    for (int r = 0; r < ROWS; r++) {
      labels[r] = r % 3;
      ids[r] = r;
    }
    float[] expected = expectedStatistics(params, x, bn);
    for (int[] split : new int[][] {{0, ROWS}, {0, 3, ROWS}, {0, 1, 7, ROWS}}) {
      float[] p = params.clone();
      float[] grad = new float[p.length];
      for (int s = 0; s + 1 < split.length; s++) {
        int from = split[s];
        int n = split[s + 1] - from;
        net.nllGradient(p, java.util.Arrays.copyOfRange(x, from * 6, (from + n) * 6),
            java.util.Arrays.copyOfRange(labels, from, from + n), null,
            java.util.Arrays.copyOfRange(ids, from, from + n), n, 1, 0, 0f, grad,
            net.newWorkspace(ROWS));
      }
      net.updateStatistics(p, grad, ROWS);
      for (int k = 0; k < 8; k++) {
        assertEquals(expected[k], p[bn + 8 + k], 1e-5 * Math.abs(expected[k]) + 1e-6,
            "running statistic " + k + " after passes " + java.util.Arrays.toString(split));
        assertEquals(0f, grad[bn + 8 + k], "the optimiser must see no gradient there");
      }
      assertNotEquals(0f, grad[bn], "gamma has a gradient");
    }
  }

  /** (1 - m) running + m batch, from the dense layer's outputs computed here in double. */
  private static float[] expectedStatistics(float[] params, float[] x, int bn) {
    float[] out = new float[8];
    for (int j = 0; j < 4; j++) {
      double[] h = new double[ROWS];
      double mean = 0;
      for (int r = 0; r < ROWS; r++) {
        h[r] = params[6 * 4 + j];
        for (int i = 0; i < 6; i++) {
          h[r] += (double) x[r * 6 + i] * params[i * 4 + j];
        }
        mean += h[r] / ROWS;
      }
      double var = 0;
      for (int r = 0; r < ROWS; r++) {
        var += (h[r] - mean) * (h[r] - mean) / (ROWS - 1);
      }
      out[j] = (float) (0.9 * params[bn + 8 + j] + 0.1 * mean);
      out[4 + j] = (float) (0.9 * params[bn + 12 + j] + 0.1 * var);
    }
    return out;
  }

  /** Evaluation normalises with the running statistics; the form folds into the convolution. */
  @Test
  void evaluationUsesTheRunningStatisticsFoldedIntoTheConvolution() {
    Network net = NetworkSpec.parse("image(4, 4, 2) | conv(3, 3, 1, 1) | bn | relu | flatten "
        + "| dense(2)", 32, VdSettings.DEFAULTS);
    float[] params = net.initParams(9);
    int bn = net.offset(2);
    float[] gamma = {0.5f, 2f, -1f};
    float[] beta = {0.1f, -0.2f, 0.3f};
    float[] mean = {1f, -1f, 0.25f};
    float[] var = {4f, 0.25f, 1f};
    for (int j = 0; j < 3; j++) {
      params[bn + j] = gamma[j];
      params[bn + 3 + j] = beta[j];
      params[bn + 6 + j] = mean[j];
      params[bn + 9 + j] = var[j];
    }
    List<EvalForm> forms = net.evalForms(params);
    assertInstanceOf(EvalForm.Identity.class, forms.get(2), "bn folded away");
    EvalForm.Linear folded = forms.get(1).weighted();
    EvalForm.Linear plain = (EvalForm.Linear) net.layers().get(1).evalForm(params,
        net.offset(1)).weighted();
    for (int j = 0; j < 3; j++) {
      double scale = gamma[j] / Math.sqrt(var[j] + BatchNorm.EPS);
      assertEquals(plain.bias()[j] * scale + beta[j] - mean[j] * scale, folded.bias()[j], 1e-6);
      for (int i = 0; i < plain.in(); i++) {
        assertEquals(plain.weights()[i * 3 + j] * scale, folded.weights()[i * 3 + j],
            1e-6 * Math.abs(plain.weights()[i * 3 + j]) + 1e-9);
      }
    }
    float[] x = new float[32];
    for (int k = 0; k < 32; k++) {
      x[k] = (k % 7) - 3f;
    }
    Workspace ws = net.newWorkspace(1);
    net.forward(params, x, 1, Mode.EVAL, null, ws);
    float[] conv = ws.acts[2];
    float[] normed = ws.acts[3];
    for (int k = 0; k < 32 / 2 * 3; k++) {
      int j = k % 3;
      assertEquals(gamma[j] * (conv[k] - mean[j]) / Math.sqrt(var[j] + BatchNorm.EPS) + beta[j],
          normed[k], 1e-5);
    }
  }

  @Test
  void bnMustFollowALayerItFoldsInto() {
    for (String spec : new String[] {"bn | dense(3)", "dense(4) | relu | bn | dense(3)",
        "image(4, 4, 1) | maxpool(2) | bn | flatten | dense(3)"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> NetworkSpec.parse(spec, 16, VdSettings.DEFAULTS));
      assertTrue(e.getMessage().contains("bn must follow conv, vdconv, dense or vd"),
          e.getMessage());
    }
  }

  @Test
  void vggLikeIsThePapersLayerListAtAWidth() {
    Network net = NetworkSpec.parse("image(32, 32, 3) | crop(4) | flip | vgg_like(0.25)", 3072,
        VdSettings.DEFAULTS);
    List<Layer> layers = net.layers();
    long convs = layers.stream().filter(l -> l instanceof Conv2d).count();
    long bns = layers.stream().filter(l -> l instanceof BatchNorm).count();
    long pools = layers.stream().filter(l -> l instanceof MaxPool2d).count();
    assertEquals(13, convs);
    assertEquals(14, bns);
    assertEquals(5, pools);
    assertEquals("vdconv(16, 3, 1, 1)", layers.get(3).spec());
    assertEquals(10, net.numClasses());
    assertTrue(net.spec().endsWith("flatten | vd(128) | bn | relu | vd(10)"), net.spec());
    assertEquals(net.spec(), NetworkSpec.parse(net.spec(), 3072, VdSettings.DEFAULTS).spec());
    Network dense = NetworkSpec.parse("image(32, 32, 3) | vgg_like(0.125, classes=100, dense)",
        3072, VdSettings.DEFAULTS);
    assertEquals("conv(8, 3, 1, 1)", dense.layers().get(1).spec());
    assertEquals(100, dense.numClasses());
    assertTrue(dense.layers().stream().noneMatch(l -> l.spec().startsWith("vd")), dense.spec());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse("image(32, 32, 3) | vgg_like(0.5, sparse)", 3072,
            VdSettings.DEFAULTS));
    assertTrue(e.getMessage().contains("expected vgg_like(WIDTH[, classes=N][, dense])"),
        e.getMessage());
  }
}
