package org.sparsevd.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** k-means, the bits chosen from the posterior and the storage count, on hand-made cases. */
class QuantizationTest {
  @Test
  void kMeansFindsSeparatedGroupsWhateverTheSeed() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] v = new float[300];
    double[] means = {-1, 0.2, 2};
    double[] sums = new double[3];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (means[i % 3] + 0.01 * rnd.nextGaussian());
      sums[i % 3] += v[i];
    }
    for (long seed = 0; seed < 5; seed++) {
      float[] c = KMeans1d.centres(v, 3, seed);
      for (int j = 0; j < 3; j++) {
        assertEquals(sums[j] / 100, c[j], 1e-5, "centre " + j + ", seed " + seed);
      }
      assertArrayEquals(c, KMeans1d.centres(v, 3, seed), "same seed, same centres");
    }
    assertEquals(2, KMeans1d.centres(new float[] {1, 1, 5, 5, 5}, 8, 1).length,
        "no more clusters than distinct values");
  }

  @Test
  void nearestCentreTakesTheLowerOneOnATie() {
    double[] c = {-1, 0, 2};
    assertEquals(0, KMeans1d.nearest(c, -5));
    assertEquals(0, KMeans1d.nearest(c, -0.5));
    assertEquals(1, KMeans1d.nearest(c, -0.49));
    assertEquals(1, KMeans1d.nearest(c, 1));
    assertEquals(2, KMeans1d.nearest(c, 1.01));
  }

  @Test
  void posteriorBitsSpanTheKeptRangeInStepsOfTheMeanStd() {
    // Kept weights 1, 3, 2: range 2, mean std 0.5: 4 levels, 2 bits. Pruned ones ignored.
    assertEquals(2, Quantization.posteriorBits(new float[] {0, 1, 3, 0, 2},
        new float[] {9, 0.5f, 0.5f, 9, 0.5f}));
    assertEquals(3, Quantization.posteriorBits(new float[] {1, 3, 2},
        new float[] {0.3f, 0.3f, 0.3f}));
    assertEquals(8, Quantization.posteriorBits(new float[] {-1, 1}, new float[] {1e-6f, 1e-6f}));
    assertEquals(1, Quantization.posteriorBits(new float[] {1, 1.1f}, new float[] {5, 5}));
  }

  @Test
  void storageCountsCodesCodebookAndIndex() {
    // 5 kept of 4 x 3 at 2 bits: 10 code bits, 4 x 32 codebook, 5 x 2 input indices,
    // (3 + 1) row pointers x ceil(log2 6) = 3 bits.
    Quantization.LayerCode c = new Quantization.LayerCode(0, "vd(3)", 2, new float[4], 4, 3, 5);
    assertEquals(10 + 128 + 10 + 12, c.storageBits());
    assertEquals(0, Quantization.ceilLog2(1));
    assertEquals(3, Quantization.ceilLog2(8));
    assertEquals(4, Quantization.ceilLog2(9));
  }

  @Test
  void bitsParseWithClearErrors() {
    assertEquals(new Quantization.Bits(5, false), Quantization.Bits.parse("5"));
    assertEquals(new Quantization.Bits(4, true), Quantization.Bits.parse(" posterior(4) "));
    assertThrows(IllegalArgumentException.class, () -> Quantization.Bits.parse("9"));
    assertThrows(IllegalArgumentException.class, () -> Quantization.Bits.parse("posterior"));
  }

  /** bn's scale is folded into the weights quantisation would write back: refused. */
  @Test
  void networksWhoseFormsFoldIntoTheWeightsAreRefused() {
    org.sparsevd.nn.Network net = org.sparsevd.nn.NetworkSpec.parse(
        "vd(5) | bn | relu | vd(3)", 4, org.sparsevd.nn.VdSettings.DEFAULTS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Quantization.quantize(net, net.initParams(1), new Quantization.Bits(3, false), 1));
    assertEquals("network 'vd(5) | bn | relu | vd(3)': quantisation does not support batch "
        + "normalisation (bn)", e.getMessage());
    org.sparsevd.nn.Network sbp = org.sparsevd.nn.NetworkSpec.parse(
        "vd(5) | sbp | relu | vd(3)", 4, org.sparsevd.nn.VdSettings.DEFAULTS);
    e = assertThrows(IllegalArgumentException.class,
        () -> Quantization.quantize(sbp, sbp.initParams(1), new Quantization.Bits(3, false), 1));
    assertEquals("network 'vd(5) | sbp | relu | vd(3)': quantisation does not support "
        + "structured Bayesian pruning (sbp)", e.getMessage());
  }
}
