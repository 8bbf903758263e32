package org.sparsevd.ml;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Noise;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.nn.Workspace;
import org.sparsevd.sparse.SparseNetwork;

/**
 * One row at a time, as Spark's classification model API asks: the deterministic logits
 * through the pruned network in CSR form, and the Monte-Carlo uncertainty through the full
 * variational network. Safe for concurrent use; each thread keeps its own buffers.
 */
final class Inference {
  private final SparseVdModel model;
  private final double threshold;
  private final Network net;
  private final SparseNetwork sparse;
  private final Scaling scaling;
  private final ThreadLocal<Buffers> buffers;

  /** Per-thread working memory. */
  private static final class Buffers {
    final float[] x;
    final float[] logits;
    final float[] probs;
    final double[] mean;
    final double[] meanSq;
    final long[] id = new long[1];
    final Workspace ws;

    Buffers(Network net) {
      x = new float[net.inputSize()];
      logits = new float[net.numClasses()];
      probs = new float[net.numClasses()];
      mean = new double[net.numClasses()];
      meanSq = new double[net.numClasses()];
      ws = net.newWorkspace(1);
    }
  }

  Inference(SparseVdModel trained, double threshold) {
    this.model = trained.withThreshold((float) threshold);
    this.threshold = threshold;
    this.net = model.network();
    this.sparse = SparseNetwork.export(net, model.params());
    this.scaling = model.scaling();
    this.buffers = ThreadLocal.withInitial(() -> new Buffers(net));
  }

  double threshold() { return threshold; }
  SparseVdModel model() { return model; }
  Network network() { return net; }

  /** Deterministic logits of one example given in raw (unscaled) features. */
  double[] logits(Vector features) {
    Buffers b = buffers.get();
    load(features, b.x);
    sparse.predict(b.x, 1, b.logits);
    double[] out = new double[b.logits.length];
    for (int c = 0; c < out.length; c++) {
      out[c] = b.logits[c];
    }
    return out;
  }

  /**
   * {entropy of the mean predictive distribution, variance over samples of the probability of
   * the class that distribution predicts}, from {@code samples} draws of the posterior.
   */
  double[] uncertainty(Vector features, int samples, long seed) {
    Buffers b = buffers.get();
    load(features, b.x);
    b.id[0] = features.hashCode() & 0xffffffffL;
    java.util.Arrays.fill(b.mean, 0);
    java.util.Arrays.fill(b.meanSq, 0);
    int classes = b.mean.length;
    for (int t = 0; t < samples; t++) {
      float[] logits = net.forward(model.params(), b.x, 1, Mode.SAMPLE,
          Noise.forSample(seed, t, b.id), b.ws);
      SoftmaxCrossEntropy.softmax(logits, b.probs, 1, classes);
      for (int c = 0; c < classes; c++) {
        b.mean[c] += b.probs[c] / (double) samples;
        b.meanSq[c] += (double) b.probs[c] * b.probs[c] / samples;
      }
    }
    int best = 0;
    double entropy = 0;
    for (int c = 0; c < classes; c++) {
      if (b.mean[c] > b.mean[best]) {
        best = c;
      }
      if (b.mean[c] > 0) {
        entropy -= b.mean[c] * Math.log(b.mean[c]);
      }
    }
    double variance = Math.max(0, b.meanSq[best] - b.mean[best] * b.mean[best]);
    return new double[] {entropy, variance};
  }

  /** Copies the features into {@code x} and scales them as in training. */
  private void load(Vector features, float[] x) {
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
    scaling.applyInPlace(x, x.length);
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
