package org.sparsevd.eval;

import java.util.Arrays;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Noise;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.nn.Workspace;
import org.sparsevd.sparse.SparseNetwork;

/**
 * Scores batches of raw (unscaled) examples with a trained model, as serving needs them: the
 * class probabilities of the pruned network in CSR form ({@link SparseNetwork}, the same logits
 * as the masked dense network), and, with T Monte-Carlo samples of the full variational
 * network, the entropy of their mean and the variance over samples of the probability of the
 * class that mean predicts.
 *
 * <p>An example's noise is keyed by the seed and {@link #exampleKey}, a hash of its raw
 * features, so a score depends neither on the batch, the partition nor the order the example
 * comes in. One scorer per thread: it reuses its buffers across calls.
 *
 * <p>Layout: {@code x} is [rows x inputSize] row-major; the results are [rows x classes] and
 * [rows], valid until the next call.
 */
public final class BatchScorer {
  /** Rows per call: the variational network's workspace holds this many. */
  public static final int MAX_ROWS = Workspace.CHUNK_ROWS;

  private final SparseVdModel model;
  private final Network net;
  private final SparseNetwork sparse;
  private final Scaling scaling;
  private final int classes;
  private final float[] x;
  private final float[] logits;
  private final float[] probs;
  private final int[] prediction = new int[MAX_ROWS];
  private final double[] entropy = new double[MAX_ROWS];
  private final double[] variance = new double[MAX_ROWS];
  private final long[] keys = new long[MAX_ROWS];
  private Workspace ws;
  private float[] sample;
  private double[] mean;
  private double[] meanSq;

  /** @param model the model with the threshold to prune at */
  public BatchScorer(SparseVdModel model) {
    this(model, true);
  }

  /**
   * A scorer whose deterministic pass is the masked dense network (the pruned weights
   * multiplied as zeros) instead of the CSR one: the same logits up to rounding, at the cost
   * of every weight. Only the benchmark that measures the CSR path against it uses it.
   */
  public static BatchScorer denseMasked(SparseVdModel model) {
    return new BatchScorer(model, false);
  }

  private BatchScorer(SparseVdModel model, boolean csr) {
    this.model = model;
    this.net = model.network();
    this.sparse = csr ? SparseNetwork.export(net, model.params()) : null;
    this.scaling = model.scaling();
    this.classes = net.numClasses();
    this.x = new float[MAX_ROWS * net.inputSize()];
    this.logits = new float[MAX_ROWS * classes];
    this.probs = new float[MAX_ROWS * classes];
  }

  public int inputSize() { return net.inputSize(); }
  public int numClasses() { return classes; }

  /**
   * Scores {@code rows} examples: afterwards {@link #logits}, {@link #probabilities} and
   * {@link #prediction} hold the deterministic results and, when {@code samples} > 0,
   * {@link #entropy} and {@link #variance} the Monte-Carlo ones.
   *
   * @param raw [rows x inputSize] from {@code offset}, unscaled; not modified
   * @param samples T, the Monte-Carlo samples; 0 for none
   * @param seed the seed of the Monte-Carlo noise
   */
  public void score(float[] raw, int offset, int rows, int samples, long seed) {
    if (rows < 0 || rows > MAX_ROWS) {
      throw new IllegalArgumentException(rows + " rows: a batch holds 0 to " + MAX_ROWS);
    }
    int in = net.inputSize();
    for (int r = 0; r < rows; r++) {
      keys[r] = exampleKey(raw, offset + r * in, in);
    }
    System.arraycopy(raw, offset, x, 0, rows * in);
    scaling.applyToRows(x, rows, in);
    if (sparse != null) {
      sparse.predict(x, rows, logits);
    } else {
      System.arraycopy(net.forward(model.params(), x, rows, Mode.EVAL, null, workspace()), 0,
          logits, 0, rows * classes);
    }
    SoftmaxCrossEntropy.softmax(logits, probs, rows, classes);
    for (int r = 0; r < rows; r++) {
      prediction[r] = argmax(probs, r * classes);
    }
    if (samples > 0) {
      sample(rows, samples, seed);
    }
  }

  /** The deterministic logits, [rows x classes]. */
  public float[] logits() { return logits; }
  /** The deterministic probabilities, [rows x classes]. */
  public float[] probabilities() { return probs; }
  /** The class of the highest deterministic probability (the first of equals). */
  public int[] prediction() { return prediction; }
  /** The entropy (nats) of the mean of the Monte-Carlo predictive distributions. */
  public double[] entropy() { return entropy; }
  /** The variance over samples of the probability of the class the mean predicts. */
  public double[] variance() { return variance; }

  private Workspace workspace() {
    if (ws == null) {
      ws = net.newWorkspace(MAX_ROWS);
    }
    return ws;
  }

  private void sample(int rows, int samples, long seed) {
    if (sample == null) {
      sample = new float[MAX_ROWS * classes];
      mean = new double[MAX_ROWS * classes];
      meanSq = new double[MAX_ROWS * classes];
    }
    Arrays.fill(mean, 0, rows * classes, 0);
    Arrays.fill(meanSq, 0, rows * classes, 0);
    for (int t = 0; t < samples; t++) {
      float[] z = net.forward(model.params(), x, rows, Mode.SAMPLE,
          Noise.forSample(seed, t, keys), workspace());
      SoftmaxCrossEntropy.softmax(z, sample, rows, classes);
      for (int k = 0; k < rows * classes; k++) {
        double p = sample[k];
        mean[k] += p / samples;
        meanSq[k] += p * p / samples;
      }
    }
    for (int r = 0; r < rows; r++) {
      int o = r * classes;
      int best = o;
      double h = 0;
      for (int k = o; k < o + classes; k++) {
        best = mean[k] > mean[best] ? k : best;
        h -= mean[k] > 0 ? mean[k] * Math.log(mean[k]) : 0;
      }
      entropy[r] = h;
      variance[r] = Math.max(0, meanSq[best] - mean[best] * mean[best]);
    }
  }

  private int argmax(float[] p, int o) {
    int best = 0;
    for (int c = 1; c < classes; c++) {
      best = p[o + c] > p[o + best] ? c : best;
    }
    return best;
  }

  /**
   * The noise key of an example: its raw features' bits (-0 and 0 alike) mixed into the 32
   * bits the noise generator takes for an example, so that equal examples draw equal noise
   * wherever they are scored.
   */
  public static long exampleKey(float[] raw, int offset, int n) {
    long h = 0x9E3779B97F4A7C15L ^ n;
    for (int j = 0; j < n; j++) {
      float v = raw[offset + j];
      h = (h ^ Float.floatToIntBits(v == 0f ? 0f : v)) * 0xFF51AFD7ED558CCDL;
      h ^= h >>> 32;
    }
    return h & 0xFFFFFFFFL;
  }
}
