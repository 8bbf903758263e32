package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Convolutional layer lists: shapes, parameter counts, the spec round trip and the errors. */
class ConvSpecTest {
  static final String LENET5 = "image(28, 28, 1) | vdconv(20, 5) | relu | maxpool(2) "
      + "| vdconv(50, 5) | relu | maxpool(2) | flatten | vd(500) | relu | vd(10)";

  @Test
  void lenet5HasThePapersShapesAndWeights() {
    Network net = NetworkSpec.parse(LENET5, 784, VdSettings.DEFAULTS);
    Conv2d conv1 = (Conv2d) net.layers().get(1);
    Conv2d conv2 = (Conv2d) net.layers().get(4);
    assertEquals(new FeatureShape(24, 24, 20), conv1.outputShape());
    assertEquals(new FeatureShape(12, 12, 20), ((MaxPool2d) net.layers().get(3)).outputShape());
    assertEquals(new FeatureShape(8, 8, 50), conv2.outputShape());
    assertEquals(800, net.layers().get(7).outputSize());
    // 500 + 25,000 + 400,000 + 5,000 weights, as in LeNet-5-Caffe.
    assertEquals(430_500, net.sparsity(net.initParams(1)).weights());
    // Per weight: theta and log sigma^2 per weight plus a bias per filter or unit.
    assertEquals(2 * 430_500 + 20 + 50 + 500 + 10, net.paramCount());
    assertEquals(LENET5.replaceAll("\\s+", ""), net.spec().replaceAll("\\s+", ""));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "image(9, 7, 2) | conv(4, 3, 2, 1) | relu | vdconv(3, 2, per=filter) | flatten | dense(5)",
      "image(9, 7, 2) | vdconv(4, 3, 1, 1) | maxpool(3) | flatten | vd(5)",
      "image(9, 7, 2) | crop(2, p=0.25) | crop(1) | vdconv(4, 3, 1, 1) | flatten | vd(5)",
      "image(9, 7, 2) | conv(4, 3, init=glorot) | vdconv(3, 2, per=filter, init=glorot) | flatten | vd(5, init=glorot) | dense(2, init=glorot)"})
  void specRoundTripsAndRebuildsTheSameInitialParameters(String spec) {
    Network net = NetworkSpec.parse(spec, 126, VdSettings.DEFAULTS);
    Network again = NetworkSpec.parse(net.spec(), 126, VdSettings.DEFAULTS);
    assertEquals(net.spec(), again.spec());
    assertArrayEquals(net.initParams(3), again.initParams(3));
  }

  @Test
  void stridesAndPaddingGiveTheOutputSize() {
    Network net = NetworkSpec.parse("image(9, 7, 2) | conv(4, 3, 2, 1) | flatten | dense(3)", 126,
        VdSettings.DEFAULTS);
    // (9 + 2 - 3) / 2 + 1 = 5 rows, (7 + 2 - 3) / 2 + 1 = 4 columns.
    assertEquals(new FeatureShape(5, 4, 4), ((Conv2d) net.layers().get(1)).outputShape());
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "vdconv(4, 3) | flatten | vd(3); layer 1 'vdconv(4, 3)': needs a feature map",
      "image(6, 6, 2) | vdconv(4, 3) | vd(3); layer 3 'vd(3)': follows a 4x4x4 feature map; put flatten before it",
      "image(6, 6, 3) | flatten | vd(3); an image of 6x6x3 has 108 values, the input has 72",
      "image(6, 6, 2) | vdconv(4, 3, per=channel) | flatten | vd(3); per=channel, expected per=weight or per=filter",
      "image(6, 6, 2) | vdconv(4, 7) | flatten | vd(3); kernel 7x7 is larger than its padded input 6x6x2",
      "image(6, 6, 2) | vdconv(4) | flatten | vd(3); expected vdconv(FILTERS, KERNEL[, STRIDE, PADDING][, per=weight|filter][, kl=weights][, clip=variance][, init=glorot])",
      "image(6, 6, 2) | vdconv(4, 3, kl=weights) | flatten | vd(3); kl=weights needs per=filter",
      "image(6, 6, 2) | vdconv(4, 3, per=filter, clip=variance) | flatten | vd(3); clip=variance needs per=weight",
      "image(6, 6, 2) | conv(4, 3, clip=variance) | flatten | vd(3); expected conv(FILTERS, KERNEL[, STRIDE, PADDING][, init=glorot])",
      "image(6, 6, 2) | flatten | nvd(kl=once) | vd(3); expected nvd or nvd(kl=weights)",
      "image(6, 6, 2) | flatten | vd(3) | nvd(kl=weights); kl=weights counts the weights of a dense layer after it",
      "image(6, 6, 2) | flatten | idense(5, 0.1) | vd(3); information dropout's log-uniform prior gives the KL for relu activations; put relu after it (or use prior=lognormal with softplus)",
      "image(6, 6, 2) | flatten | idense(5, 0.1) | softplus | vd(3); log-uniform prior gives the KL for relu activations",
      "image(6, 6, 2) | flatten | idense(5, 0.1, prior=lognormal) | relu | vd(3); log-normal prior gives the KL for softplus activations; put softplus after it",
      "image(6, 6, 2) | flatten | idense(5, 0.1, prior=gamma) | relu | vd(3); layer 3 'idense(5, 0.1, prior=gamma)': prior=gamma, expected prior=loguniform or prior=lognormal",
      "image(6, 6, 2) | flatten | idense(5) | relu | vd(3); expected idense(UNITS, BETA) or idense(UNITS, BETA, prior=lognormal)",
      "image(6, 6, 2) | iconv(4, 3, 0.1) | maxpool(2) | flatten | vd(3); log-uniform prior gives the KL for relu activations; put relu after it",
      "image(6, 6, 2) | iconv(4, 3, 1, 0.1) | relu | flatten | vd(3); expected iconv(FILTERS, KERNEL[, STRIDE, PADDING], BETA[, prior=lognormal])",
      "vd(3) | iconv(4, 3, 0.1) | relu | flatten | vd(3); layer 2 'iconv(4, 3, 0.1)': needs a feature map",
      "image(6, 6, 2) | maxpool(7) | flatten | vd(3); max-pool window 7 does not fit its input 6x6x2",
      "vd(3) | image(6, 6, 2); layer 2 'image(6, 6, 2)': image(H, W, C) must be the first layer",
      "image(6, 6, 2) | conv(4, 3, per=filter) | flatten | vd(3); layer 2 'conv(4, 3, per=filter)': expected conv(FILTERS, KERNEL[, STRIDE, PADDING][, init=glorot])",
      "image(6, 6, 2) | conv(4, 3, init=he) | flatten | vd(3); layer 2 'conv(4, 3, init=he)': expected conv(FILTERS, KERNEL[, STRIDE, PADDING][, init=glorot])",
      "image(6, 6, 2) | conv(4, 3, 1, 1, init=he) | flatten | vd(3); layer 2 'conv(4, 3, 1, 1, init=he)': expected conv(FILTERS, KERNEL[, STRIDE, PADDING][, init=glorot])",
      "image(6, 6, 2) | flatten | vd(3, init=he); layer 3 'vd(3, init=he)': expected vd(UNITS) or vd(UNITS, init=glorot)",
      "image(6, 6, 2) | flatten | dense(3, 4); layer 3 'dense(3, 4)': expected dense(UNITS) or dense(UNITS, init=glorot)",
      "image(6, 6, 2) | crop(1, q=0.5) | flatten | vd(3); layer 2 'crop(1, q=0.5)': expected crop(PADDING) or crop(PADDING, p=PROBABILITY), the probability in (0, 1]",
      "image(6, 6, 2) | crop(1, p=0) | flatten | vd(3); layer 2 'crop(1, p=0)': expected crop(PADDING) or crop(PADDING, p=PROBABILITY)",
      "image(6, 6, 2) | crop(1, p=1.5) | flatten | vd(3); the probability in (0, 1]",
      "image(6, 6, 2) | crop(1, p=half) | flatten | vd(3); layer 2 'crop(1, p=half)': 'half' is not a number",
      "image(6, 6, 2) | flatten | cdense(3, init=glorot); layer 3 'cdense(3, init=glorot)': takes one number here, got '3, init=glorot'",
      "image(6, 6, 2) | maxpool(2, 2) | flatten | vd(3); layer 2 'maxpool(2, 2)': takes one number here, got '2, 2'"})
  void badSpecsNameTheLayerAndTheProblem(String spec, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse(spec, 72, VdSettings.DEFAULTS));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  /** A filter whose log alpha passed the threshold is gone as a unit, in every view. */
  @Test
  void aPrunedFilterIsRemovedWhole() {
    Network net = NetworkSpec.parse("image(6, 6, 2) | vdconv(4, 3, per=filter) | flatten | vd(3)",
        72, VdSettings.DEFAULTS);
    Conv2d conv = (Conv2d) net.layers().get(1);
    float[] params = net.initParams(5);
    int off = net.offset(1);
    int n = conv.patchSize() * 4;
    params[off + n + 2] = 3.5f;
    params[off + n + 4 + 2] = 0.25f;
    assertEquals(conv.patchSize() * 3, LayerWeights.kept(conv, params, off));
    float[] w = LayerWeights.effective(conv, params, off);
    int keptFilters = 0;
    for (int f = 0; f < 4; f++) {
      boolean any = false;
      for (int i = 0; i < conv.patchSize(); i++) {
        any |= w[i * 4 + f] != 0f;
      }
      keptFilters += any ? 1 : 0;
    }
    assertEquals(3, keptFilters);
    for (int i = 0; i < conv.patchSize(); i++) {
      assertEquals(0f, w[i * 4 + 2]);
      assertTrue(w[i * 4 + 1] != 0f);
    }
    float[] x = new float[2 * 72];
    for (int k = 0; k < x.length; k++) {
      x[k] = (k % 5) * 0.3f;
    }
    Workspace ws = net.newWorkspace(2);
    net.forward(params, x, 2, Mode.EVAL, null, ws);
    float[] out = ws.acts[2];
    for (int pos = 0; pos < 2 * 16; pos++) {
      assertEquals(0.25f, out[pos * 4 + 2], "the pruned filter outputs its bias");
    }
    int[] kept = net.keptPerInput(params);
    // The corner pixel is read by one window, the centre by nine: kept counts follow.
    assertEquals(3 * 1, kept[0]);
    assertEquals(3 * 9, kept[(2 * 6 + 2) * 2]);
  }
}
