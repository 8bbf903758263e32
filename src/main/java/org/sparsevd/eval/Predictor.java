package org.sparsevd.eval;

import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Noise;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.nn.Workspace;

/**
 * Predictive probabilities of a network on a block of examples: deterministic (posterior
 * means, pruned weights masked) or Monte-Carlo, the mean of softmax over T samples of the
 * pruned posterior, each example's noise keyed by (seed, sample, example index) as {@link
 * Noise#forSample} draws it. The log-likelihood of the true class is taken from the log-softmax
 * in double (for T samples, the log of the mean of the samples' likelihoods by log-sum-exp),
 * not from the float probabilities, which round to 0 or 1 where the model is sure.
 */
public final class Predictor {
  private final Network net;
  private final Workspace ws;
  private final float[] x;
  private final float[] probs;
  private final float[] sample;
  private final double[] logTrue = new double[Workspace.CHUNK_ROWS];
  private final double[] sampleLogTrue = new double[Workspace.CHUNK_ROWS];
  private final long[] ids = new long[Workspace.CHUNK_ROWS];

  public Predictor(Network net) {
    this.net = net;
    this.ws = net.newWorkspace(Workspace.CHUNK_ROWS);
    this.x = new float[Workspace.CHUNK_ROWS * net.inputSize()];
    this.probs = new float[Workspace.CHUNK_ROWS * net.numClasses()];
    this.sample = new float[Workspace.CHUNK_ROWS * net.numClasses()];
  }

  public Network network() {
    return net;
  }

  /**
   * Adds the predictions for {@code rows} examples into {@code metrics}.
   *
   * @param features [rows x inputSize]; not modified
   * @param firstIndex global index of the first row (the noise key)
   * @param samples 0 for deterministic prediction, else the number T of Monte-Carlo samples
   */
  public void evaluate(float[] params, float[] features, int[] labels, long firstIndex,
                       int rows, int samples, long seed, Metrics metrics) {
    int cols = net.inputSize();
    int classes = net.numClasses();
    int[] y = new int[Workspace.CHUNK_ROWS];
    for (int start = 0; start < rows; start += Workspace.CHUNK_ROWS) {
      int n = Math.min(Workspace.CHUNK_ROWS, rows - start);
      System.arraycopy(features, start * cols, x, 0, n * cols);
      System.arraycopy(labels, start, y, 0, n);
      for (int r = 0; r < n; r++) {
        ids[r] = firstIndex + start + r;
      }
      probabilities(params, n, samples, seed, y);
      metrics.add(probs, logTrue, y, n);
    }
  }

  /**
   * The predictive probabilities of {@code rows} examples, as {@link #evaluate} computes them.
   *
   * @param features [rows x inputSize]; not modified
   * @return [rows x classes], a new array
   */
  public float[] probabilities(float[] params, float[] features, long firstIndex, int rows,
                               int samples, long seed) {
    int cols = net.inputSize();
    int classes = net.numClasses();
    float[] out = new float[rows * classes];
    for (int start = 0; start < rows; start += Workspace.CHUNK_ROWS) {
      int n = Math.min(Workspace.CHUNK_ROWS, rows - start);
      System.arraycopy(features, start * cols, x, 0, n * cols);
      for (int r = 0; r < n; r++) {
        ids[r] = firstIndex + start + r;
      }
      probabilities(params, n, samples, seed, null);
      System.arraycopy(probs, 0, out, start * classes, n * classes);
    }
    return out;
  }

  /** The entropy -sum_c p_c log p_c of each row of {@code probs} [rows x classes]. */
  public static double[] entropy(float[] probs, int rows, int classes) {
    double[] h = new double[rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < classes; c++) {
        double p = probs[r * classes + c];
        h[r] -= p > 0 ? p * Math.log(p) : 0;
      }
    }
    return h;
  }

  /**
   * Fills {@code probs} for the {@code n} rows already in {@code x}, and {@code logTrue} with
   * each row's log-likelihood of {@code labels} unless they are null.
   */
  private void probabilities(float[] params, int n, int samples, long seed, int[] labels) {
    int classes = net.numClasses();
    if (samples == 0) {
      float[] logits = net.forward(params, x, n, Mode.EVAL, null, ws);
      if (labels != null) {
        logLikelihoods(logits, labels, n, classes, logTrue);
      }
      SoftmaxCrossEntropy.softmax(logits, probs, n, classes);
      return;
    }
    java.util.Arrays.fill(probs, 0, n * classes, 0f);
    java.util.Arrays.fill(logTrue, 0, n, Double.NEGATIVE_INFINITY);
    for (int t = 0; t < samples; t++) {
      float[] logits = net.forward(params, x, n, Mode.SAMPLE, Noise.forSample(seed, t, ids),
          ws);
      if (labels != null) {
        logLikelihoods(logits, labels, n, classes, sampleLogTrue);
        for (int r = 0; r < n; r++) {
          logTrue[r] = logAddExp(logTrue[r], sampleLogTrue[r]);
        }
      }
      SoftmaxCrossEntropy.softmax(logits, sample, n, classes);
      for (int k = 0; k < n * classes; k++) {
        probs[k] += sample[k] / samples;
      }
    }
    double logT = Math.log(samples);
    for (int r = 0; r < n; r++) {
      logTrue[r] -= logT;
    }
  }

  /** out[r] = log softmax(logits row r)[labels[r]], in double. */
  private static void logLikelihoods(float[] logits, int[] labels, int rows, int classes,
                                     double[] out) {
    for (int r = 0; r < rows; r++) {
      int o = r * classes;
      out[r] = logits[o + labels[r]] - SoftmaxCrossEntropy.logSumExp(logits, o, classes);
    }
  }

  /** log(e^a + e^b) without overflow; either may be minus infinity. */
  private static double logAddExp(double a, double b) {
    double hi = Math.max(a, b);
    return hi == Double.NEGATIVE_INFINITY ? hi : hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
  }
}
