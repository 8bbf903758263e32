package org.sparsevd.ml;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.sparsevd.eval.BatchScorer;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;

/**
 * One row at a time, as Spark's classification model API asks, through the engine's {@link
 * BatchScorer}: the deterministic logits of the pruned network in CSR form, and the Monte-Carlo
 * uncertainty of the full variational network (noise keyed by the row's raw features, so that
 * it does not depend on partitioning, and equal to what the score job writes). Safe for
 * concurrent use; each thread keeps its own scorer.
 */
final class Inference {
  private final SparseVdModel model;
  private final double threshold;
  private final Network net;
  private final ThreadLocal<Row> rows;

  /** Per-thread scorer and the raw features of the row it scores. */
  private record Row(BatchScorer scorer, float[] x) {}

  Inference(SparseVdModel trained, double threshold) {
    this.model = trained.withThreshold((float) threshold);
    this.threshold = threshold;
    this.net = model.network();
    this.rows = ThreadLocal.withInitial(() -> new Row(new BatchScorer(model),
        new float[net.inputSize()]));
  }

  double threshold() { return threshold; }
  SparseVdModel model() { return model; }
  Network network() { return net; }

  /** Deterministic logits of one example given in raw (unscaled) features. */
  double[] logits(Vector features) {
    BatchScorer s = score(features, 0, 0);
    double[] out = new double[s.numClasses()];
    for (int c = 0; c < out.length; c++) {
      out[c] = s.logits()[c];
    }
    return out;
  }

  /**
   * {entropy of the mean predictive distribution, variance over samples of the probability of
   * the class that distribution predicts}, from {@code samples} draws of the posterior.
   */
  double[] uncertainty(Vector features, int samples, long seed) {
    BatchScorer s = score(features, samples, seed);
    return new double[] {s.entropy()[0], s.variance()[0]};
  }

  private BatchScorer score(Vector features, int samples, long seed) {
    Row row = rows.get();
    float[] x = row.x();
    if (features.size() != x.length) {
      throw new IllegalArgumentException("features of size " + features.size()
          + ", the model reads " + x.length);
    }
    if (features instanceof SparseVector s) {
      java.util.Arrays.fill(x, 0f);
      int[] idx = s.indices();
      double[] val = s.values();
      for (int k = 0; k < idx.length; k++) {
        x[idx[k]] = (float) val[k];
      }
    } else {
      double[] val = ((DenseVector) features).values();
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) val[j];
      }
    }
    row.scorer().score(x, 0, 1, samples, seed);
    return row.scorer();
  }

  /** Softmax of logits in place, shifted by their maximum so that exp cannot overflow. */
  static void softmaxInPlace(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      max = Math.max(max, d);
    }
    double sum = 0;
    for (int c = 0; c < v.length; c++) {
      v[c] = Math.exp(v[c] - max);
      sum += v[c];
    }
    for (int c = 0; c < v.length; c++) {
      v[c] /= sum;
    }
  }
}
