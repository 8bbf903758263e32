package org.sparsevd.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsevd.export.CsrExport;
import org.sparsevd.export.CsrModel;
import org.sparsevd.nn.LayerWeights;
import org.sparsevd.nn.Conv2d;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.nn.Variational;
import org.sparsevd.nn.Workspace;

/**
 * Sparse inference of convolutional networks against the engine's deterministic forward pass:
 * strides, padding, pooling, per-weight pruning and whole pruned filters.
 */
class SparseConvTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "image(28, 28, 1) | vdconv(20, 5) | relu | maxpool(2) | vdconv(50, 5) | relu | maxpool(2) "
          + "| flatten | vd(500) | relu | vd(10)",
      "image(13, 11, 3) | vdconv(6, 3, 2, 1, per=filter) | relu | conv(5, 2, 1, 1) | maxpool(2) "
          + "| relu | flatten | vd(10)"})
  void logitsEqualTheEnginesDeterministicPass(String spec) {
    int inputs = spec.startsWith("image(28") ? 784 : 13 * 11 * 3;
    Network net = NetworkSpec.parse(spec, inputs, VdSettings.DEFAULTS);
    float[] params = pruned(net, new SplittableRandom(4));
    int rows = 150;
    SplittableRandom rnd = new SplittableRandom(9);
    float[] x = new float[rows * inputs];
    for (int k = 0; k < x.length; k++) {
      x[k] = rnd.nextDouble() < 0.6 ? 0f : (float) rnd.nextGaussian();
    }
    Workspace ws = net.newWorkspace(rows);
    float[] dense = net.forward(params, x, rows, Mode.EVAL, null, ws).clone();
    SparseNetwork sparse = SparseNetwork.export(net, params);
    float[] logits = new float[rows * 10];
    sparse.predict(x, rows, logits);
    double scale = 0;
    for (float v : dense) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0.1, "logits must not vanish, max " + scale);
    for (int k = 0; k < logits.length; k++) {
      assertEquals(dense[k], logits[k], 1e-5 * scale, "logit " + k);
    }
    long kept = net.sparsity(params).kept();
    long stored = sparse.steps().stream().filter(s -> s.weights() != null)
        .mapToLong(s -> s.weights().nonZeros()).sum();
    assertEquals(kept, stored, "the sparse network stores exactly the kept weights");
  }

  @Test
  void fileFormatsRefuseConvolutionsByName() {
    Network net = NetworkSpec.parse("image(6, 6, 1) | vdconv(2, 3) | flatten | vd(3)", 36,
        VdSettings.DEFAULTS);
    SparseNetwork sparse = SparseNetwork.export(net, net.initParams(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CsrExport.encode(new CsrModel(sparse, org.sparsevd.data.Scaling.none())));
    assertTrue(e.getMessage().contains("the CSR file format holds dense layers and activations only; "
        + "this network has a convolution over 6x6x1"), e.getMessage());
  }

  /**
   * Weights N(0, 0.5); each variational unit's log alpha uniform in [-6, 8], so about a third
   * are pruned, and one filter of each per-filter convolution is pruned outright.
   */
  private static float[] pruned(Network net, SplittableRandom rnd) {
    float[] params = net.initParams(1);
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      int n = LayerWeights.count(layer);
      for (int k = 0; k < layer.paramCount(); k++) {
        params[off + k] = (float) (0.5 * rnd.nextGaussian());
      }
      if (!(layer instanceof Variational v) || v.logAlphas(params, off) == null) {
        continue;
      }
      boolean perFilter = layer instanceof Conv2d c && c.kind() == Conv2d.Kind.PER_FILTER;
      int units = perFilter ? ((Conv2d) layer).filters() : n;
      for (int k = 0; k < units; k++) {
        double la = perFilter && k == 1 ? 5 : rnd.nextDouble(-6, 8);
        float theta = params[off + k];
        params[off + n + k] = (float) (perFilter ? la : la + Math.log(theta * theta + 1e-8));
      }
    }
    return params;
  }
}
