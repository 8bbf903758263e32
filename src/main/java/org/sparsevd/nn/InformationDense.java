package org.sparsevd.nn;

import java.util.Arrays;
import org.sparsevd.math.FastMath;
import org.sparsevd.math.MatMul;
import org.sparsevd.rand.CounterRng;

/**
 * Information dropout (Achille and Soatto, "Information Dropout: Learning Optimal
 * Representations Through Noisy Computation", TPAMI 2018) on a dense layer with ReLU
 * activations, {@code idense(N, B) | relu}. The noise scale is a function of the input,
 * computed by a second linear map beside the layer's own, as in the paper:
 *
 * <pre>h = x W + b,  alpha(x) = 0.001 + 0.7 sigmoid(x Wa + ba),
 * y = h exp(alpha(x) eps - alpha(x)^2 / 2),  eps ~ N(0, 1)</pre>
 *
 * and the ReLU that must follow gives relu(h) times the log-normal factor, the paper's
 * z = f(x) eps (the factor is positive). The KL of the paper for ReLU activations under the
 * log-uniform prior is, per example and unit, -log(alpha(x) / 0.701) (0 at the largest
 * noise), weighted by beta; it depends on the example ({@link PerExampleKl}). The log-normal
 * noise is divided by its mean exp(alpha^2 / 2): the log-uniform prior is scale-invariant, so
 * the KL is unchanged, and evaluation (no noise, y = h) is then the mean of training.
 *
 * <p>Layout from the offset: W[in x out] row-major, b[out], Wa[in x out], ba[out]. The
 * evaluation form is the linear map (W, b); the noise map only acts in training and sampling.
 * Scratch rows are [rows x out], row-major.
 */
public final class InformationDense implements PerExampleKl {
  /** The paper's cap on the noise scale. */
  static final float ALPHA_MAX = 0.7f;
  /** Keeps log alpha finite, as in the authors' code. */
  static final float ALPHA_MIN = 0.001f;

  private final int in;
  private final int out;
  private final float beta;
  private final float initStd;

  public InformationDense(int in, int out, double beta, float initStd) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("idense layer " + in + " -> " + out
          + ": sizes must be > 0");
    }
    this.in = in;
    this.out = out;
    this.beta = checkBeta(beta);
    this.initStd = initStd;
  }

  static float checkBeta(double beta) {
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("information dropout beta " + beta + " must be >= 0");
    }
    return (float) beta;
  }

  public float beta() { return beta; }
  @Override public int inputSize() { return in; }
  @Override public int outputSize() { return out; }
  @Override public int paramCount() { return 2 * (in * out + out); }
  @Override public String spec() { return "idense(" + out + ", " + beta + ")"; }
  @Override public boolean stochastic() { return true; }

  /** Offset of Wa from the layer's offset. */
  private int noiseMap() {
    return in * out + out;
  }

  /** Both maps start like a dense layer's weights, biases 0: alpha about 0.35 at first. */
  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    Dense.normalWeights(params, off, in * out, initStd, seed, layerIndex);
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
    return new NoiseScratch(maxRows * out);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    if (mode == Mode.EVAL) {
      Dense.affine(params, off, in, out, x, y, rows);
      return;
    }
    NoiseScratch s = (NoiseScratch) scratch;
    Dense.affine(params, off, in, out, x, s.h, rows);
    Dense.affine(params, off + noiseMap(), in, out, x, s.sig, rows);
    noise.fill(stream, rows, out, s.eps);
    double kl = 0;
    for (int k = 0, n = rows * out; k < n; k++) {
      float sig = FastMath.sigmoid(s.sig[k]);
      float a = ALPHA_MIN + ALPHA_MAX * sig;
      s.sig[k] = sig;
      s.alpha[k] = a;
      s.factor[k] = FastMath.exp(a * s.eps[k] - 0.5f * a * a);
      y[k] = s.h[k] * s.factor[k];
      kl -= Math.log(a / (ALPHA_MIN + ALPHA_MAX));
    }
    s.kl = beta * kl;
  }

  /** Turns the scratch's h into dL/dh and sig into dL/d(x Wa + ba), then the two maps' rules. */
  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    NoiseScratch s = (NoiseScratch) scratch;
    float klGrad = s.klWeight * beta;
    for (int k = 0, n = rows * out; k < n; k++) {
      float a = s.alpha[k];
      float dyf = dy[k] * s.factor[k];
      // y = h exp(a eps - a^2/2): dy/da = y (eps - a); d(-log a)/da = -1/a.
      float dAlpha = dyf * s.h[k] * (s.eps[k] - a) - klGrad / a;
      s.h[k] = dyf;
      s.sig[k] = dAlpha * ALPHA_MAX * s.sig[k] * (1 - s.sig[k]);
    }
    Dense.affineGradient(x, s.h, off, in, out, grad, rows);
    Dense.affineGradient(x, s.sig, off + noiseMap(), in, out, grad, rows);
    if (dx != null) {
      MatMul.gemmNT(s.h, 0, params, off, dx, 0, rows, out, in, false);
      MatMul.gemmNT(s.sig, 0, params, off + noiseMap(), dx, 0, rows, out, in, true);
    }
  }

  /** Per-thread values of the last forward pass. */
  private static final class NoiseScratch extends KlScratch {
    final float[] h;
    final float[] sig;
    final float[] alpha;
    final float[] eps;
    final float[] factor;

    NoiseScratch(int n) {
      h = new float[n];
      sig = new float[n];
      alpha = new float[n];
      eps = new float[n];
      factor = new float[n];
    }
  }
}
