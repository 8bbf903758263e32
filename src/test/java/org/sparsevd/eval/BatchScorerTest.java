package org.sparsevd.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.LayerWeights;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.Noise;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.nn.StructuredBayesianPruning;
import org.sparsevd.nn.VariationalDense;
import org.sparsevd.nn.VdSettings;

/**
 * The scorer against the masked dense network and a direct Monte-Carlo average, and the
 * property the score job relies on: a row's scores do not depend on its batch.
 */
class BatchScorerTest {
  private static final int IN = 30;
  private static final int CLASSES = 4;

  /**
   * Every kind of evaluation form the scorer reads: per-weight dropout alone, with structured
   * Bayesian pruning folded into its layer, and information dropout before a softplus.
   */
  private static final String[] LAYERS = {"vd(16) | relu | vd(4)",
      "vd(16) | sbp | relu | vd(4)", "idense(16, 0.1, prior=lognormal) | softplus | vd(4)"};

  /**
   * Random weights, about 70% of the variational ones pruned, some sbp channels pruned;
   * features scaled by centring.
   */
  private static SparseVdModel model(String layers) {
    NetworkDef def = new NetworkDef(layers, IN, VdSettings.DEFAULTS);
    Network net = def.build();
    float[] params = net.initParams(3);
    SplittableRandom rnd = new SplittableRandom(3);
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      if (layer instanceof VariationalDense) {
        int n = LayerWeights.count(layer);
        for (int k = 0; k < n; k++) {
          params[off + k] = (float) rnd.nextGaussian();
          params[off + n + k] = rnd.nextDouble() < 0.7 ? 5f : -3f;
        }
      } else if (layer instanceof StructuredBayesianPruning sbp) {
        for (int c = 0; c < sbp.channels(); c++) {
          params[off + c] = (float) rnd.nextDouble(-8, 0.05);
          params[off + sbp.channels() + c] = (float) rnd.nextDouble(-2, 2);
        }
      } else {
        for (int k = 0; k < layer.paramCount(); k++) {
          params[off + k] = (float) (0.3 * rnd.nextGaussian());
        }
      }
    }
    double[] means = new double[IN];
    for (int j = 0; j < IN; j++) {
      means[j] = j / (double) IN;
    }
    return new SparseVdModel(def, CLASSES, params,
        Scaling.fromStatistics(Scaling.Mode.CENTER, means, null), Map.of());
  }

  private static float[] rows(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n * IN];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) (rnd.nextDouble() * 256);
    }
    return x;
  }

  @ParameterizedTest
  @FieldSource("LAYERS")
  void deterministicScoresAreTheMaskedDenseNetworks(String layers) {
    SparseVdModel m = model(layers);
    int n = 37;
    float[] raw = rows(n, 5);
    BatchScorer s = new BatchScorer(m);
    s.score(raw, 0, n, 0, 0);

    float[] x = raw.clone();
    m.scaling().applyInPlace(x, IN);
    Network net = m.network();
    float[] logits = net.forward(m.params(), x, n, Mode.EVAL, null, net.newWorkspace(n));
    float[] p = new float[n * CLASSES];
    SoftmaxCrossEntropy.softmax(logits, p, n, CLASSES);
    for (int k = 0; k < n * CLASSES; k++) {
      assertEquals(p[k], s.probabilities()[k], 1e-6f, "probability " + k);
    }
    BatchScorer dense = BatchScorer.denseMasked(m);
    dense.score(raw, 0, n, 0, 0);
    assertArrayEquals(p, Arrays.copyOf(dense.probabilities(), n * CLASSES));
    for (int r = 0; r < n; r++) {
      int best = 0;
      for (int c = 1; c < CLASSES; c++) {
        best = p[r * CLASSES + c] > p[r * CLASSES + best] ? c : best;
      }
      assertEquals(best, s.prediction()[r], "row " + r);
    }
  }

  @ParameterizedTest
  @FieldSource("LAYERS")
  void monteCarloColumnsAreTheAverageOfSampledNetworks(String layers) {
    SparseVdModel m = model(layers);
    int n = 9;
    int samples = 6;
    float[] raw = rows(n, 6);
    BatchScorer s = new BatchScorer(m);
    s.score(raw, 0, n, samples, 42);

    Network net = m.network();
    for (int r = 0; r < n; r++) {
      float[] x = Arrays.copyOfRange(raw, r * IN, (r + 1) * IN);
      long[] key = {BatchScorer.exampleKey(raw, r * IN, IN)};
      m.scaling().applyInPlace(x, IN);
      double[] mean = new double[CLASSES];
      double[] sq = new double[CLASSES];
      float[] p = new float[CLASSES];
      for (int t = 0; t < samples; t++) {
        float[] z = net.forward(m.params(), x, 1, Mode.SAMPLE, Noise.forSample(42, t, key),
            net.newWorkspace(1));
        SoftmaxCrossEntropy.softmax(z, p, 1, CLASSES);
        for (int c = 0; c < CLASSES; c++) {
          mean[c] += p[c] / (double) samples;
          sq[c] += (double) p[c] * p[c] / samples;
        }
      }
      int best = 0;
      double h = 0;
      for (int c = 0; c < CLASSES; c++) {
        best = mean[c] > mean[best] ? c : best;
        h -= mean[c] * Math.log(mean[c]);
      }
      assertEquals(h, s.entropy()[r], 1e-5, "entropy of row " + r);
      assertEquals(sq[best] - mean[best] * mean[best], s.variance()[r], 1e-6,
          "variance of row " + r);
      assertTrue(s.variance()[r] > 0, "sampled networks differ");
    }
  }

  @ParameterizedTest
  @FieldSource("LAYERS")
  void aRowScoresTheSameInAnyBatchAndPosition(String layers) {
    SparseVdModel m = model(layers);
    int n = 40;
    float[] raw = rows(n, 7);
    BatchScorer whole = new BatchScorer(m);
    whole.score(raw, 0, n, 4, 9);
    float[] p = Arrays.copyOf(whole.probabilities(), n * CLASSES);
    double[] h = Arrays.copyOf(whole.entropy(), n);
    BatchScorer pieces = new BatchScorer(m);
    int[] sizes = {1, 13, 26};
    for (int from = 0, i = 0; from < n; from += sizes[i++ % 3]) {
      int rows = Math.min(sizes[i % 3], n - from);
      float[] shifted = new float[(rows + 2) * IN];
      System.arraycopy(raw, from * IN, shifted, 2 * IN, rows * IN);
      pieces.score(shifted, 2 * IN, rows, 4, 9);
      assertArrayEquals(Arrays.copyOfRange(p, from * CLASSES, (from + rows) * CLASSES),
          Arrays.copyOf(pieces.probabilities(), rows * CLASSES), "rows from " + from);
      assertArrayEquals(Arrays.copyOfRange(h, from, from + rows),
          Arrays.copyOf(pieces.entropy(), rows), "entropy of rows from " + from);
    }
  }

  @Test
  void theNoiseKeyFollowsTheFeatures() {
    float[] a = {1f, 0f, 3f};
    float[] b = {1f, -0f, 3f};
    float[] c = {1f, 0f, 3.0001f};
    assertEquals(BatchScorer.exampleKey(a, 0, 3), BatchScorer.exampleKey(b, 0, 3));
    assertNotEquals(BatchScorer.exampleKey(a, 0, 3), BatchScorer.exampleKey(c, 0, 3));
    assertNotEquals(BatchScorer.exampleKey(a, 0, 2), BatchScorer.exampleKey(a, 0, 3));
    assertThrows(IllegalArgumentException.class, () -> new BatchScorer(model(LAYERS[0]))
        .score(new float[0], 0, BatchScorer.MAX_ROWS + 1, 0, 0));
  }
}
