package org.sparsevd.nn;

import org.sparsevd.math.Normal;

/**
 * Structured Bayesian pruning (Neklyudov, Molchanov, Ashukha and Vetrov 2017), spec {@code
 * sbp}: each channel c of a feature map (or unit of a flat layer) is multiplied by noise
 * theta_c whose log follows a normal N(mu_c, sigma_c^2) truncated to [A, B] = [-20, 0], under
 * the log-uniform prior on the same range, so that KL(q || p) = log(B - A) - H(q), H the
 * entropy of the truncated normal, following the KL schedule. The authors count it once per
 * channel; {@code sbp(kl=weights)} counts it once per weight into the channel (25 for a
 * LeNet-5 conv1 filter, 800 for an fc1 unit), the prior's weight that per-weight dropout gives
 * those weights, which prunes whole channels where the count per channel leaves them. A
 * channel whose signal-to-noise ratio E theta / sd theta is below 1 is pruned.
 *
 * <pre>TRAIN:  y = x theta, log theta = mu + sigma Phi^-1((1 - u) Phi(alpha) + u Phi(beta)),
 *         alpha = (A - mu) / sigma, beta = (B - mu) / sigma, u ~ U(0, 1) per example and channel
 * SAMPLE: the same draw; 0 for a pruned channel
 * EVAL:   y = x E[theta]; 0 for a pruned channel</pre>
 *
 * The spec puts it right after conv, vdconv, dense or vd, after that layer's bias (the authors
 * put the noise before the bias): a pruned channel then outputs exactly 0, its evaluation form
 * folds into the layer as a zero filter or unit, and the shrunk network loses the channel, its
 * bias and the next layer's inputs from it. Noise is drawn per example (the authors' code draws
 * one per batch), keyed like every layer's, from the network's {@link Noise}.
 *
 * <p>Parameters from the offset: [mu C | log sigma C], mu clipped to [A, 5] (and to at most
 * 30 sigma above B, where the truncated normal's mass would underflow) and log sigma to
 * [-20, 5] where used; a clipped parameter gets no gradient. Initial mu 0 and log sigma -5
 * (theta = 1 with almost no noise), as in the authors' code. The per-channel arithmetic is in
 * double through {@link Normal}; a sample costs about two erfc evaluations.
 */
public final class StructuredBayesianPruning implements Layer {
  static final double A = -20;
  static final double B = 0;
  /** mu is clipped to [A, min(MU_MAX, B + MU_ABOVE_B_SIGMAS sigma)] (the authors': [A, 5]). */
  static final double MU_MAX = 5;
  static final double MU_ABOVE_B_SIGMAS = 30;
  static final double LOG_SIGMA_MIN = -20;
  static final double LOG_SIGMA_MAX = 5;
  static final float MU_INIT = 0f;
  static final float LOG_SIGMA_INIT = -5f;
  /** A channel is kept while E theta / sd theta exceeds this. */
  static final double SNR_THRESHOLD = 1;
  /** log(B - A) - log(2 pi e) / 2: the KL without the entropy's sigma-dependent terms. */
  private static final double KL_CONST = Math.log(B - A) - 0.5 * Math.log(2 * Math.PI * Math.E);

  private final FeatureShape shape;
  private final int channels;
  private final int positions;
  /** How many times each channel's KL counts: 1, or the weights into it (kl=weights). */
  private final int klCount;

  /**
   * @param shape the feature map, or 1 x 1 x units for a flat layer
   * @param klCount 1 for the authors' KL per channel; the weights into a channel for
   *     {@code kl=weights}, the log-uniform prior counted once per weight the noise scales
   */
  public StructuredBayesianPruning(FeatureShape shape, int klCount) {
    if (klCount < 1) {
      throw new IllegalArgumentException("sbp KL count " + klCount + ": must be >= 1");
    }
    this.shape = shape;
    this.channels = shape.channels();
    this.positions = shape.height() * shape.width();
    this.klCount = klCount;
  }

  public int channels() { return channels; }
  int klCount() { return klCount; }
  @Override public int inputSize() { return shape.size(); }
  @Override public int outputSize() { return shape.size(); }
  @Override public int paramCount() { return 2 * channels; }
  @Override public String spec() { return klCount > 1 ? "sbp(kl=weights)" : "sbp"; }
  @Override public boolean stochastic() { return true; }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    java.util.Arrays.fill(params, off, off + channels, MU_INIT);
    java.util.Arrays.fill(params, off + channels, off + 2 * channels, LOG_SIGMA_INIT);
  }

  /** The truncated normal of log theta for one channel, with the quantities every use needs. */
  record Posterior(double mu, double sigma, boolean muFree, boolean sigmaFree, double alpha,
                   double beta, double lowerA, double upperA, double lowerB, double upperB,
                   double z) {
    static Posterior of(float rawMu, float rawLogSigma) {
      double logSigma = Math.min(Math.max(rawLogSigma, LOG_SIGMA_MIN), LOG_SIGMA_MAX);
      double sigma = StrictMath.exp(logSigma);
      // mu above B keeps Z = P(alpha < Y < beta) above about e^-450: beta >= -MU_ABOVE_B_SIGMAS.
      double muMax = Math.min(MU_MAX, B + MU_ABOVE_B_SIGMAS * sigma);
      double mu = Math.min(Math.max(rawMu, A), muMax);
      double alpha = (A - mu) / sigma;
      double beta = (B - mu) / sigma;
      double lowerA = Normal.cdf(alpha);
      double upperA = Normal.upperTail(alpha);
      double lowerB = Normal.cdf(beta);
      double upperB = Normal.upperTail(beta);
      // alpha <= 0: the smaller tails give Z without cancellation.
      double z = beta < 0 ? lowerB - lowerA : 1 - lowerA - upperB;
      return new Posterior(mu, sigma, rawMu > A && rawMu < muMax,
          rawLogSigma > LOG_SIGMA_MIN && rawLogSigma < LOG_SIGMA_MAX, alpha, beta, lowerA, upperA,
          lowerB, upperB, z);
    }

    /**
     * E[theta^k] = e^(k mu + k^2 sigma^2 / 2) (P(Y > k sigma - beta) - P(Y > k sigma - alpha))
     * / Z, Y standard normal.
     */
    double moment(int k) {
      double c = k * mu + 0.5 * k * k * sigma * sigma;
      return (Normal.expTimesUpperTail(c, k * sigma - beta)
          - Normal.expTimesUpperTail(c, k * sigma - alpha)) / z;
    }

    /** E theta / sd theta; infinite when the variance rounds to 0. */
    double signalToNoise() {
      double m1 = moment(1);
      double var = moment(2) - m1 * m1;
      return var > 0 ? m1 / Math.sqrt(var) : Double.POSITIVE_INFINITY;
    }

    boolean pruned() {
      return !(signalToNoise() > SNR_THRESHOLD);
    }

    /** What evaluation multiplies the channel by: E theta, or 0 when pruned. */
    float evalScale() {
      return pruned() ? 0f : (float) moment(1);
    }

    /** KL(q || log-uniform on [A, B]) = log(B - A) - H, H = log(sigma Z sqrt(2 pi e)) + N / 2Z. */
    double kl() {
      return KL_CONST - Math.log(sigma) - Math.log(z) - nOverZ() / 2;
    }

    /**
     * N / Z, N = alpha phi(alpha) - beta phi(beta); ratios to Z throughout, since Z may be as
     * small as e^-450, whose square underflows.
     */
    private double nOverZ() {
      return alpha * (Normal.pdf(alpha) / z) - beta * (Normal.pdf(beta) / z);
    }

    /** d KL / d mu and d KL / d log sigma, into out[0, 2). */
    void klGradient(double[] out) {
      double ra = Normal.pdf(alpha) / z;
      double rb = Normal.pdf(beta) / z;
      double nz = nOverZ();
      // f = log Z + N / 2Z; KL = const - log sigma - f.
      double dfDalpha = -ra + ra * (1 - alpha * alpha) / 2 + nz * ra / 2;
      double dfDbeta = rb - rb * (1 - beta * beta) / 2 - nz * rb / 2;
      out[0] = (dfDalpha + dfDbeta) / sigma;
      out[1] = -1 + alpha * dfDalpha + beta * dfDbeta;
    }
  }

  Posterior posterior(float[] params, int off, int c) {
    return Posterior.of(params[off + c], params[off + channels + c]);
  }

  /** Scales each channel's outputs by E theta, or 0 when pruned; folds into the layer before. */
  @Override
  public EvalForm.ChannelAffine evalForm(float[] params, int off) {
    float[] scale = new float[channels];
    for (int c = 0; c < channels; c++) {
      scale[c] = posterior(params, off, c).evalScale();
    }
    return new EvalForm.ChannelAffine(shape.size(), scale, new float[channels]);
  }

  /** Per-thread: each row's and channel's theta and d log theta / d (mu, log sigma). */
  private record Draws(float[] u, float[] theta, double[] dMu, double[] dLogSigma)
      implements Scratch {}

  @Override
  public Scratch newScratch(int maxRows) {
    int n = maxRows * channels;
    return new Draws(new float[n], new float[n], new double[n], new double[n]);
  }

  // Layout: x[(r * positions + p) * channels + c], channels-last; a flat layer has 1 position;
  // per-row draws at [r * channels + c].
  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    Draws d = (Draws) scratch;
    if (mode != Mode.EVAL) {
      noise.fillUniform(stream, rows, channels, d.u);
    }
    for (int c = 0; c < channels; c++) {
      Posterior q = posterior(params, off, c);
      if (mode == Mode.EVAL) {
        float scale = q.evalScale();
        for (int r = 0; r < rows; r++) {
          d.theta[r * channels + c] = scale;
        }
        continue;
      }
      boolean zero = mode == Mode.SAMPLE && q.pruned();
      for (int r = 0; r < rows; r++) {
        int k = r * channels + c;
        d.theta[k] = zero ? 0f : draw(q, d.u[k], d, k);
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < positions; p++) {
        int o = (r * positions + p) * channels;
        for (int c = 0; c < channels; c++) {
          y[o + c] = x[o + c] * d.theta[r * channels + c];
        }
      }
    }
  }

  /**
   * theta from u by inversion, and d log theta / d mu = 1 - (1 - u) phi(alpha) / phi(t)
   * - u phi(beta) / phi(t), d log theta / d log sigma = sigma t - sigma ((1 - u) alpha
   * phi(alpha) + u beta phi(beta)) / phi(t), t the drawn standard quantile.
   */
  private static float draw(Posterior q, double u, Draws d, int k) {
    double lower = (1 - u) * q.lowerA + u * q.lowerB;
    double upper = (1 - u) * q.upperA + u * q.upperB;
    double t = lower <= upper ? Normal.inverseCdf(lower) : -Normal.inverseCdf(upper);
    double v = q.mu + q.sigma * t;
    if (v <= A || v >= B) {
      d.dMu[k] = 0;
      d.dLogSigma[k] = 0;
      return (float) StrictMath.exp(Math.min(Math.max(v, A), B));
    }
    double ra = (1 - u) * StrictMath.exp(0.5 * (t * t - q.alpha * q.alpha));
    double rb = u * StrictMath.exp(0.5 * (t * t - q.beta * q.beta));
    d.dMu[k] = q.muFree ? 1 - ra - rb : 0;
    d.dLogSigma[k] = q.sigmaFree ? q.sigma * (t - q.alpha * ra - q.beta * rb) : 0;
    return (float) StrictMath.exp(v);
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    Draws d = (Draws) scratch;
    for (int c = 0; c < channels; c++) {
      double sumMu = 0;
      double sumLogSigma = 0;
      for (int r = 0; r < rows; r++) {
        int k = r * channels + c;
        double dTheta = 0;
        for (int p = 0; p < positions; p++) {
          int o = (r * positions + p) * channels + c;
          dTheta += dy[o] * x[o];
        }
        // d loss / d log theta = theta d loss / d theta
        double dLog = dTheta * d.theta[k];
        sumMu += dLog * d.dMu[k];
        sumLogSigma += dLog * d.dLogSigma[k];
      }
      grad[off + c] += (float) sumMu;
      grad[off + channels + c] += (float) sumLogSigma;
    }
    if (dx != null) {
      for (int r = 0; r < rows; r++) {
        for (int p = 0; p < positions; p++) {
          int o = (r * positions + p) * channels;
          for (int c = 0; c < channels; c++) {
            dx[o + c] = dy[o + c] * d.theta[r * channels + c];
          }
        }
      }
    }
  }

  @Override
  public double kl(float[] params, int off) {
    double sum = 0;
    for (int c = 0; c < channels; c++) {
      sum += posterior(params, off, c).kl();
    }
    return klCount * sum;
  }

  @Override
  public void addKlGradient(float[] params, int off, float weight, float[] grad) {
    double[] g = new double[2];
    for (int c = 0; c < channels; c++) {
      Posterior q = posterior(params, off, c);
      q.klGradient(g);
      if (q.muFree) {
        grad[off + c] += (float) (weight * klCount * g[0]);
      }
      if (q.sigmaFree) {
        grad[off + channels + c] += (float) (weight * klCount * g[1]);
      }
    }
  }

  /** Channels kept (signal-to-noise ratio above 1). */
  public int kept(float[] params, int off) {
    int n = 0;
    for (int c = 0; c < channels; c++) {
      n += posterior(params, off, c).pruned() ? 0 : 1;
    }
    return n;
  }
}
