package org.sparsevd.nn;

import java.util.Arrays;
import org.sparsevd.math.FastMath;
import org.sparsevd.math.MatMul;
import org.sparsevd.rand.CounterRng;

/**
 * Information dropout (Achille and Soatto, "Information Dropout: Learning Optimal
 * Representations Through Noisy Computation", TPAMI 2018) on a dense layer. The noise scale is
 * a function of the input, computed by a second linear map beside the layer's own, as in the
 * paper, and multiplies the activation f(h) of the layer's output, the paper's z = f(x) eps:
 *
 * <pre>h = x W + b,  alpha(x) = 0.001 + 0.7 sigmoid(x Wa + ba),
 * eps' = exp(alpha(x) eps - alpha(x)^2 / 2),  eps ~ N(0, 1),  f(u) = f(h) eps'</pre>
 *
 * The layer outputs the pre-activation u of the activation layer that must follow, so that
 * evaluation (no noise, u = h) stays a linear form. The paper gives the KL of each
 * activation's prior, per example and unit, weighted by beta ({@link PerExampleKl}):
 * <ul>
 *   <li>{@code idense(N, B) | relu}: ReLU under the log-uniform prior. u = h eps' (the factor
 *       is positive); KL = -log(alpha(x) / 0.701), 0 at the largest noise.
 *   <li>{@code idense(N, B, prior=lognormal) | softplus}: softplus under a log-normal prior,
 *       log z ~ N(mu, sigma^2) with mu and sigma learned per layer (the authors' code: one
 *       scalar each, mu 0 and sigma 1 at first). u = softplus^-1(softplus(h) eps'); log z given
 *       x is N(m, alpha^2) with m = log max(softplus(h), 1e-4) - alpha^2 / 2 (the authors' floor
 *       of 1e-4), so KL = log(sigma / alpha) + (alpha^2 + (m - mu)^2) / (2 sigma^2) - 1/2.
 * </ul>
 * The log-normal noise is divided by its mean exp(alpha^2 / 2), so evaluation, f(h), is the
 * mean of training; under the scale-invariant log-uniform prior that leaves the KL unchanged,
 * and the log-normal prior's KL above is that of the noise as drawn.
 *
 * <p>Layout from the offset: W[in x out] row-major, b[out], Wa[in x out], ba[out], then for
 * the log-normal prior mu and log sigma. The evaluation form is the linear map (W, b); the
 * noise map only acts in training and sampling. Scratch rows are [rows x out], row-major.
 *
 * <p>As the core of a convolution ({@link Conv2d}, {@code iconv}) each example is
 * {@code positions} rows of patches, and the noise scale is a convolution of the same input (the
 * authors' information pooling): each position and filter draws its own noise and adds its
 * KL to the example's.
 */
public final class InformationDense implements PerExampleKl {
  /** The paper's cap on the noise scale. */
  static final float ALPHA_MAX = 0.7f;
  /** Keeps log alpha finite, as in the authors' code. */
  static final float ALPHA_MIN = 0.001f;
  /** The authors' floor under softplus(h) in the log-normal prior's KL. */
  static final double LOG_NORMAL_FLOOR = 1e-4;

  /** The prior of the activations, which names the activation that must follow. */
  public enum Prior {
    LOG_UNIFORM("relu"), LOG_NORMAL("softplus");

    /** The activation layer's spec. */
    public final String activation;

    Prior(String activation) {
      this.activation = activation;
    }
  }

  private final int in;
  private final int out;
  private final int positions;
  private final float beta;
  private final float initStd;
  private final Prior prior;

  public InformationDense(int in, int out, double beta, float initStd, Prior prior) {
    this(in, out, 1, beta, initStd, prior);
  }

  InformationDense(int in, int out, int positions, double beta, float initStd, Prior prior) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("idense layer " + in + " -> " + out
          + ": sizes must be > 0");
    }
    this.in = in;
    this.out = out;
    this.positions = positions;
    this.beta = checkBeta(beta);
    this.initStd = initStd;
    this.prior = prior;
  }

  static float checkBeta(double beta) {
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("information dropout beta " + beta + " must be >= 0");
    }
    return (float) beta;
  }

  public float beta() { return beta; }
  public Prior prior() { return prior; }
  @Override public int inputSize() { return in; }
  @Override public int outputSize() { return out; }
  @Override public boolean stochastic() { return true; }

  @Override
  public int paramCount() {
    return 2 * (in * out + out) + (prior == Prior.LOG_NORMAL ? 2 : 0);
  }

  @Override
  public String spec() {
    return "idense(" + out + ", " + beta + (prior == Prior.LOG_NORMAL ? ", prior=lognormal" : "")
        + ")";
  }

  /** Offset of Wa from the layer's offset. */
  private int noiseMap() {
    return in * out + out;
  }

  /** Offset of the log-normal prior's mu (log sigma follows) from the layer's offset. */
  int priorOffset() {
    return 2 * (in * out + out);
  }

  /**
   * Both maps start like a dense layer's weights, biases 0: alpha about 0.35 at first; the
   * log-normal prior starts at mu 0, sigma 1.
   */
  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    WeightInit.normal(initStd).fill(params, off, in * out, seed, layerIndex);
    CounterRng.gaussians(seed, 1, layerIndex, CounterRng.STREAM_INIT, params, off + noiseMap(),
        in * out);
    for (int k = 0; k < in * out; k++) {
      params[off + noiseMap() + k] *= initStd;
    }
    Arrays.fill(params, off + in * out, off + noiseMap(), 0f);
    Arrays.fill(params, off + noiseMap() + in * out, off + paramCount(), 0f);
  }

  @Override
  public EvalForm.Linear evalForm(float[] params, int off) {
    return new EvalForm.Linear(in, out, Arrays.copyOfRange(params, off, off + in * out),
        Arrays.copyOfRange(params, off + in * out, off + noiseMap()));
  }

  @Override
  public void setWeights(float[] params, int off, float[] w) {
    System.arraycopy(w, 0, params, off, in * out);
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new NoiseScratch(maxRows * positions * out, prior);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    int examples = rows;
    rows *= positions;
    if (mode == Mode.EVAL) {
      Dense.affine(params, off, in, out, x, y, rows);
      return;
    }
    NoiseScratch s = (NoiseScratch) scratch;
    Dense.affine(params, off, in, out, x, s.h, rows);
    Dense.affine(params, off + noiseMap(), in, out, x, s.sig, rows);
    noise.fill(stream, examples, positions * out, s.eps);
    for (int k = 0, n = rows * out; k < n; k++) {
      float sig = FastMath.sigmoid(s.sig[k]);
      float a = ALPHA_MIN + ALPHA_MAX * sig;
      s.sig[k] = sig;
      s.alpha[k] = a;
      s.factor[k] = FastMath.exp(a * s.eps[k] - 0.5f * a * a);
    }
    s.kl = beta * (prior == Prior.LOG_UNIFORM ? reluForward(s, y, rows * out)
        : softplusForward(s, params[off + priorOffset()], params[off + priorOffset() + 1], y,
            rows * out));
  }

  /** u = h eps'; returns the summed KL under the log-uniform prior. */
  private static double reluForward(NoiseScratch s, float[] y, int n) {
    double kl = 0;
    for (int k = 0; k < n; k++) {
      y[k] = s.h[k] * s.factor[k];
      kl -= Math.log(s.alpha[k] / (ALPHA_MIN + ALPHA_MAX));
    }
    return kl;
  }

  /**
   * u = softplus^-1(v) for v = softplus(h) eps', in double with StrictMath (the same bits on
   * every JVM): u = v + log q with q = 1 - e^-v = sigmoid(u), so du/dh = eps' sigmoid(h) / q and
   * du/dalpha = v (eps - alpha) / q. Below h = -30 softplus(h) is e^h to double precision and
   * u = h + log eps'. Keeps those two derivatives, m - mu and dm/dh for the backward pass;
   * returns the summed KL under the log-normal prior.
   */
  private static double softplusForward(NoiseScratch s, float mu, float logSigma, float[] y,
                                        int n) {
    double var = StrictMath.exp(2.0 * logSigma);
    double kl = 0;
    for (int k = 0; k < n; k++) {
      double h = s.h[k];
      double a = s.alpha[k];
      double e = s.factor[k];
      double f = Softplus.of(h);
      double sigH = 1 / (1 + StrictMath.exp(-h));
      if (h < -30) {
        y[k] = (float) (h + StrictMath.log(e));
        s.dudh[k] = 1f;
        s.duda[k] = (float) (s.eps[k] - a);
      } else {
        double v = f * e;
        double q = -StrictMath.expm1(-v);
        y[k] = (float) (v + StrictMath.log(q));
        s.dudh[k] = (float) (e * sigH / q);
        s.duda[k] = (float) (v * (s.eps[k] - a) / q);
      }
      double dev = StrictMath.log(Math.max(f, LOG_NORMAL_FLOOR)) - 0.5 * a * a - mu;
      s.dev[k] = (float) dev;
      s.dmdh[k] = f > LOG_NORMAL_FLOOR ? (float) (sigH / f) : 0f;
      kl += logSigma - StrictMath.log(a) + (a * a + dev * dev) / (2 * var) - 0.5;
    }
    return kl;
  }

  /** Turns the scratch's h into dL/dh and sig into dL/d(x Wa + ba), then the two maps' rules. */
  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    rows *= positions;
    NoiseScratch s = (NoiseScratch) scratch;
    float klGrad = s.klWeight * beta;
    if (prior == Prior.LOG_UNIFORM) {
      reluBackward(s, dy, klGrad, rows * out);
    } else {
      softplusBackward(s, dy, klGrad, params[off + priorOffset() + 1], grad, off + priorOffset(),
          rows * out);
    }
    Dense.affineGradient(x, s.h, off, in, out, grad, rows);
    Dense.affineGradient(x, s.sig, off + noiseMap(), in, out, grad, rows);
    if (dx != null) {
      MatMul.gemmNT(s.h, 0, params, off, dx, 0, rows, out, in, false);
      MatMul.gemmNT(s.sig, 0, params, off + noiseMap(), dx, 0, rows, out, in, true);
    }
  }

  private static void reluBackward(NoiseScratch s, float[] dy, float klGrad, int n) {
    for (int k = 0; k < n; k++) {
      float a = s.alpha[k];
      float dyf = dy[k] * s.factor[k];
      // y = h exp(a eps - a^2/2): dy/da = y (eps - a); d(-log a)/da = -1/a.
      float dAlpha = dyf * s.h[k] * (s.eps[k] - a) - klGrad / a;
      s.h[k] = dyf;
      s.sig[k] = dAlpha * ALPHA_MAX * s.sig[k] * (1 - s.sig[k]);
    }
  }

  /**
   * With d = m - mu: dKL/dalpha = -1/alpha + alpha (1 - d) / sigma^2 (dm/dalpha = -alpha),
   * dKL/dh = d dm/dh / sigma^2, dKL/dmu = -d / sigma^2, dKL/dlog sigma = 1 - (alpha^2 + d^2) /
   * sigma^2; the last two summed over the rows into {@code grad[prior]} and the next entry.
   */
  private static void softplusBackward(NoiseScratch s, float[] dy, float klGrad, float logSigma,
                                       float[] grad, int prior, int n) {
    double inv = StrictMath.exp(-2.0 * logSigma);
    double sumDev = 0;
    double sumSq = 0;
    for (int k = 0; k < n; k++) {
      double a = s.alpha[k];
      double d = s.dev[k];
      double dAlpha = dy[k] * s.duda[k] + klGrad * (-1 / a + a * (1 - d) * inv);
      s.h[k] = (float) (dy[k] * s.dudh[k] + klGrad * d * inv * s.dmdh[k]);
      s.sig[k] = (float) (dAlpha * ALPHA_MAX * s.sig[k] * (1 - s.sig[k]));
      sumDev += d;
      sumSq += a * a + d * d;
    }
    grad[prior] += (float) (klGrad * -sumDev * inv);
    grad[prior + 1] += (float) (klGrad * (n - sumSq * inv));
  }

  /** Per-thread values of the last forward pass; the last four for the log-normal prior only. */
  private static final class NoiseScratch extends KlScratch {
    final float[] h;
    final float[] sig;
    final float[] alpha;
    final float[] eps;
    final float[] factor;
    final float[] dudh;
    final float[] duda;
    final float[] dev;
    final float[] dmdh;

    NoiseScratch(int n, Prior prior) {
      h = new float[n];
      sig = new float[n];
      alpha = new float[n];
      eps = new float[n];
      factor = new float[n];
      int m = prior == Prior.LOG_NORMAL ? n : 0;
      dudh = new float[m];
      duda = new float[m];
      dev = new float[m];
      dmdh = new float[m];
    }
  }
}
