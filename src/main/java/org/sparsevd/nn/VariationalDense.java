package org.sparsevd.nn;

import org.sparsevd.math.ArrayMath;
import org.sparsevd.math.FastMath;
import org.sparsevd.math.MatMul;

/**
 * A dense layer with a factorised Gaussian posterior q(w_ij) = N(theta_ij, alpha_ij
 * theta_ij^2) per weight, trained with the local reparameterisation trick (Kingma, Salimans,
 * Welling 2015): the pre-activations are sampled instead of the weights,
 *
 * <pre>mean = x theta + b,  var = x^2 (alpha theta^2),  y = mean + sqrt(var + 1e-8) eps.</pre>
 *
 * <p>Parameter layout from the layer's offset: theta[in x out] row-major (theta[i * out + j]
 * connects input i to output j), then the second parameter u[in x out] in the same layout
 * (log sigma^2 or log alpha, see {@link Parameterization}), then bias[out].
 *
 * <p>log alpha is clipped to [logAlphaMin, logAlphaMax] everywhere (variance and KL); a weight
 * is pruned when its log alpha is at or above the threshold.
 *
 * <p>As the core of a convolution ({@link Conv2d}) each example is {@code positions} rows of
 * patches sharing the weights; every row draws its own noise (the local reparameterisation
 * the authors use for convolutions), keyed by the example and the row's position. There, with
 * {@code clipVariance} and train clip, a pruned weight leaves the variance as well as the
 * mean, as in the authors' convolution layer (their dense layer keeps it in the variance).
 */
public final class VariationalDense implements Variational {
  /** Keeps sqrt finite and the gradient bounded when every input is zero. */
  static final float VAR_EPS = 1e-8f;
  /** Inside log(theta^2 + eps) for the additive parameterisation, as in the authors' code. */
  static final float THETA2_EPS = 1e-8f;

  private final int in;
  private final int out;
  private final int positions;
  private final VdSettings settings;
  private final float alphaMin;
  private final float alphaMax;
  private final float alphaThreshold;
  private final VdWeights.Bounds bounds;
  private final WeightInit init;
  private final boolean clipVariance;

  public VariationalDense(int in, int out, VdSettings settings) {
    this(in, out, 1, settings, WeightInit.normal(settings.thetaInitStd()), false);
  }

  /**
   * @param clipVariance in training with train clip, give pruned weights no variance either
   *     (zero variance and no gradient through it)
   */
  VariationalDense(int in, int out, int positions, VdSettings settings, WeightInit init,
                   boolean clipVariance) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("vd layer " + in + " -> " + out + ": sizes must be > 0");
    }
    this.in = in;
    this.out = out;
    this.positions = positions;
    this.settings = settings;
    this.init = init;
    this.clipVariance = clipVariance;
    // Compare alpha, not log alpha: one exp per weight instead of an exp and a log.
    this.alphaMin = (float) Math.exp(settings.logAlphaMin());
    this.alphaMax = (float) Math.exp(settings.logAlphaMax());
    this.alphaThreshold = (float) Math.exp(settings.threshold());
    this.bounds = new VdWeights.Bounds(alphaMin, alphaMax, alphaThreshold,
        settings.logAlphaMin(), settings.logAlphaMax(),
        settings.parameterization() == Parameterization.LOG_SIGMA2);
  }

  @Override public int inputSize() { return in; }
  @Override public int outputSize() { return out; }
  @Override public int paramCount() { return 2 * in * out + out; }
  @Override public String spec() { return "vd(" + out + init.specOption() + ")"; }
  @Override public boolean stochastic() { return true; }

  @Override public VdSettings settings() { return settings; }

  @Override
  public float[] logAlphas(float[] params, int off) {
    float[] la = new float[in * out];
    for (int k = 0; k < la.length; k++) {
      la[k] = logAlpha(params, off, k);
    }
    return la;
  }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    int n = in * out;
    init.fill(params, off, n, seed, layerIndex);
    for (int k = 0; k < n; k++) {
      float theta = params[off + k];
      params[off + n + k] = settings.parameterization() == Parameterization.LOG_SIGMA2
          ? settings.logSigma2Init()
          : clamp((float) (settings.logSigma2Init() - Math.log(theta * theta + THETA2_EPS)),
              settings.logAlphaMin(), settings.logAlphaMax());
    }
    java.util.Arrays.fill(params, off + 2 * n, off + 2 * n + out, 0f);
  }

  /** The clipped log alpha of weight k (k = i * out + j). */
  public float logAlpha(float[] params, int off, int k) {
    float theta = params[off + k];
    float u = params[off + in * out + k];
    float raw = settings.parameterization() == Parameterization.LOG_SIGMA2
        ? (float) (u - Math.log(theta * theta + THETA2_EPS)) : u;
    return clamp(raw, settings.logAlphaMin(), settings.logAlphaMax());
  }

  @Override
  public EvalForm.Linear evalForm(float[] params, int off) {
    int n = in * out;
    float[] w = new float[n];
    for (int k = 0; k < n; k++) {
      w[k] = alpha(params[off + k], params[off + n + k]) < alphaThreshold ? params[off + k] : 0f;
    }
    int b = off + 2 * n;
    return new EvalForm.Linear(in, out, w, java.util.Arrays.copyOfRange(params, b, b + out));
  }

  /**
   * Replaces the posterior by a point estimate: theta = w, and the second parameter set so
   * that a weight with w = 0 is pruned (log alpha at the upper clip) and every other weight is
   * kept with the smallest variance (log alpha at the lower clip). Used for quantised models,
   * which serve deterministic predictions.
   *
   * @param w [in x out] row-major; not modified
   * @param params modified at the layer's weights and second parameters
   */
  @Override
  public void setWeights(float[] params, int off, float[] w) {
    int n = in * out;
    for (int k = 0; k < n; k++) {
      float la = w[k] == 0f ? settings.logAlphaMax() : settings.logAlphaMin();
      params[off + k] = w[k];
      params[off + n + k] = settings.parameterization() == Parameterization.LOG_SIGMA2
          ? (float) (la + Math.log(w[k] * w[k] + THETA2_EPS)) : la;
    }
  }

  /**
   * The posterior standard deviation sqrt(alpha) |theta| of each weight, [in x out]; a new
   * array.
   */
  @Override
  public float[] posteriorStd(float[] params, int off) {
    int n = in * out;
    float[] sd = new float[n];
    for (int k = 0; k < n; k++) {
      float theta = params[off + k];
      sd[k] = (float) Math.sqrt(alpha(theta, params[off + n + k])) * Math.abs(theta);
    }
    return sd;
  }

  /** The clipped alpha of a weight, computed exactly as the forward pass computes it. */
  private float alpha(float theta, float u) {
    float a = settings.parameterization() == Parameterization.LOG_SIGMA2
        ? FastMath.exp(u) / (theta * theta + THETA2_EPS)
        : FastMath.exp(u);
    return clamp(a, alphaMin, alphaMax);
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new VdScratch(in, out, maxRows * positions);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    VdScratch s = (VdScratch) scratch;
    int examples = rows;
    rows *= positions;
    s.trainMask = mode != Mode.TRAIN || settings.trainClip();
    s.maskVariance = mode == Mode.TRAIN && settings.trainClip() && clipVariance;
    s.markActiveInputs(x, rows, positions == 1);
    for (int r = 0; r < s.runCount; r++) {
      prepare(params, off, s, s.runs[2 * r], s.runs[2 * r + 1]);
    }
    int b = off + 2 * in * out;
    MatMul.gemm(x, 0, s.meanTheta, 0, y, 0, rows, in, out, false);
    ArrayMath.addBias(y, rows, params, b, out);
    if (mode == Mode.EVAL) {
      return;
    }
    LrtElementwise.square(x, s.x2, rows * in);
    MatMul.gemm(s.x2, 0, mode == Mode.TRAIN ? s.variance : s.maskedVariance(alphaThreshold), 0, s.std, 0,
        rows, in, out, false);
    noise.fill(stream, examples, positions * out, s.eps);
    LrtElementwise.sample(s.std, s.eps, y, rows * out);
  }

  /**
   * Per-weight quantities of this step for the weights of inputs [i0, i1): alpha, the variance
   * alpha theta^2 and the mean-path weights (masked when pruning applies). Only inputs that are
   * non-zero in some row need them for the forward pass: a weight row whose input column is
   * all zero meets only zeros (a row not prepared keeps the finite values of an earlier batch,
   * or the zeros it starts with, so it adds nothing), and its gradients are zero (MNIST has
   * about 100 such pixels in any batch, and a batch of one example about 650).
   */
  private void prepare(float[] params, int off, VdScratch s, int i0, int i1) {
    int n = in * out;
    int from = i0 * out;
    int to = i1 * out;
    ArrayMath.exp(params, off + n + from, s.expU, from, to - from);
    VdWeights.forward(params, off, from, to, s.expU, bounds, s.trainMask, s.alpha, s.variance,
        s.meanTheta);
    if (s.maskVariance) {
      // A masked weight has meanTheta 0; so has theta 0, whose variance is 0 anyway.
      ArrayMath.zeroWhereZero(s.meanTheta, s.variance, from, to);
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    VdScratch s = (VdScratch) scratch;
    rows *= positions;
    int n = in * out;
    LrtElementwise.varianceGradient(dy, s.eps, s.std, s.dVar, rows * out);
    MatMul.gemmTN(x, 0, dy, 0, s.gradMean, 0, in, rows, out, false);
    MatMul.gemmTN(s.x2, 0, s.dVar, 0, s.gradVar, 0, in, rows, out, false);
    if (s.maskVariance) {
      // No gradient reaches theta or u through a variance forced to 0 (at theta = 0 the
      // variance's derivatives are 0 already).
      for (int r = 0; r < s.runCount; r++) {
        ArrayMath.zeroWhereZero(s.meanTheta, s.gradVar, s.runs[2 * r] * out,
            s.runs[2 * r + 1] * out);
      }
    }
    for (int r = 0; r < s.runCount; r++) {
      VdWeights.backward(params, off, s.runs[2 * r] * out, s.runs[2 * r + 1] * out, s.expU,
          s.alpha, bounds, s.trainMask, s.gradMean, s.gradVar, grad, off, off + n);
    }
    int b = off + 2 * n;
    ArrayMath.addColumnSums(dy, rows, out, grad, b);
    if (dx != null) {
      // The input gradient reads every weight row: prepare the rows forward skipped.
      int next = 0;
      for (int r = 0; r <= s.runCount; r++) {
        int start = r < s.runCount ? s.runs[2 * r] : in;
        if (next < start) {
          prepare(params, off, s, next, start);
        }
        next = r < s.runCount ? s.runs[2 * r + 1] : in;
      }
      // dx = dy theta^T + 2 x (dvar var^T)
      MatMul.gemmNTScaledPlusNT(s.dVar, s.variance, x, 2f, dy, s.meanTheta, dx, rows, out, in);
    }
  }

  @Override
  public double kl(float[] params, int off) {
    double sum = 0;
    for (int k = 0, n = in * out; k < n; k++) {
      sum += SparseVdKl.kl(logAlpha(params, off, k));
    }
    return sum;
  }

  @Override
  public void addKlGradient(float[] params, int off, float weight, float[] grad) {
    int n = in * out;
    VdWeights.klGradient(params, off, off + n, n, bounds, weight, grad, off, off + n);
  }

  private static float clamp(float v, float lo, float hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }

  /** Buffers of one thread: per-weight [in x out] and per-row [rows x in] / [rows x out]. */
  private static final class VdScratch implements Scratch {
    final float[] meanTheta;
    final float[] variance;
    final float[] alpha;
    final float[] expU;
    final float[] gradMean;
    final float[] gradVar;
    final float[] x2;
    final float[] eps;
    final float[] std;
    final float[] dVar;
    float[] maskedVariance;
    boolean trainMask;
    boolean maskVariance;
    /** Runs [runs[2r], runs[2r + 1]) of inputs non-zero in some row of the current batch. */
    final boolean[] active;
    final int[] runs;
    int runCount;

    VdScratch(int in, int out, int rows) {
      int n = in * out;
      meanTheta = new float[n];
      variance = new float[n];
      alpha = new float[n];
      expU = new float[n];
      gradMean = new float[n];
      gradVar = new float[n];
      x2 = new float[rows * in];
      eps = new float[rows * out];
      std = new float[rows * out];
      dVar = new float[rows * out];
      active = new boolean[in];
      runs = new int[in + 1];
    }

    /**
     * Finds the runs of inputs that are non-zero in at least one of the rows; without
     * {@code scan}, one run of all inputs (a convolution's patch columns are all non-zero
     * somewhere in a batch, and scanning its many rows would cost more than it saves).
     */
    void markActiveInputs(float[] x, int rows, boolean scan) {
      int in = active.length;
      if (scan) {
        ArrayMath.nonzeroColumns(x, rows, in, active);
      } else {
        java.util.Arrays.fill(active, true);
      }
      runCount = 0;
      for (int i = 0; i < in; ) {
        if (!active[i]) {
          i++;
          continue;
        }
        int start = i;
        while (i < in && active[i]) {
          i++;
        }
        runs[2 * runCount] = start;
        runs[2 * runCount + 1] = i;
        runCount++;
      }
    }

    /** The variance with pruned weights removed, for Monte-Carlo sampling of the pruned net. */
    float[] maskedVariance(float alphaThreshold) {
      if (maskedVariance == null) {
        maskedVariance = new float[variance.length];
      }
      for (int k = 0; k < variance.length; k++) {
        maskedVariance[k] = alpha[k] < alphaThreshold ? variance[k] : 0f;
      }
      return maskedVariance;
    }
  }
}
