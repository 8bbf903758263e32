package org.sparsevd.nn;

import org.sparsevd.math.FastMath;

/**
 * Information dropout (Achille and Soatto 2018) on non-negative activations (after a ReLU):
 * log-normal multiplicative noise with a learned scale per unit,
 *
 * <pre>y_i = x_i exp(alpha_i eps - alpha_i^2 / 2),  eps ~ N(0, 1),
 * alpha_i = alphaMax sigmoid(rho_i)</pre>
 *
 * The factor's mean is 1 (the paper's noise is exp(alpha eps); dividing by its mean makes
 * evaluation the identity without changing what the next layer can learn). The KL term of
 * the paper for ReLU units under the log-uniform prior is, per example and unit,
 * -log(alpha_i / alphaMax) + const = softplus(-rho_i) + const; it is weighted by beta. The
 * paper's scale is a function of the input; here each unit learns one scale shared by all
 * inputs.
 *
 * <p>The KL is a per-example cost: {@link #backward} adds beta times its gradient for each of
 * the rows it is given, alongside the cross-entropy gradient, so the trainer's N / B scaling
 * gives it its full-data weight. It is therefore not part of {@link #kl} (which counts terms
 * once per network) nor of the KL weight schedule, and examples count with weight 1.
 * Parameters from the offset: rho[size].
 */
public final class InformationDropout implements Layer {
  /** The paper's cap on the noise scale. */
  static final float ALPHA_MAX = 0.7f;
  /** Initial rho: alpha = 0.7 sigmoid(-2) = 0.083, mild noise at the start. */
  static final float RHO_INIT = -2f;

  private final int size;
  private final float beta;

  public InformationDropout(int size, double beta) {
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("information dropout beta " + beta + " must be >= 0");
    }
    this.size = size;
    this.beta = (float) beta;
  }

  public float beta() { return beta; }
  @Override public int inputSize() { return size; }
  @Override public int outputSize() { return size; }
  @Override public int paramCount() { return size; }
  @Override public String spec() { return "idrop(" + beta + ")"; }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    java.util.Arrays.fill(params, off, off + size, RHO_INIT);
  }

  /** The noise scale alpha_i of unit i. */
  public float alpha(float[] params, int off, int i) {
    return ALPHA_MAX * FastMath.sigmoid(params[off + i]);
  }

  @Override public boolean stochastic() { return true; }

  @Override
  public EvalForm evalForm(float[] params, int off) {
    return new EvalForm.Identity(size);
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new NoiseScratch(new float[maxRows * size], new float[maxRows * size],
        new float[size]);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    int n = rows * size;
    if (mode == Mode.EVAL) {
      System.arraycopy(x, 0, y, 0, n);
      return;
    }
    NoiseScratch s = (NoiseScratch) scratch;
    for (int i = 0; i < size; i++) {
      s.alpha[i] = alpha(params, off, i);
    }
    noise.fill(stream, rows, size, s.eps);
    for (int r = 0; r < rows; r++) {
      for (int i = 0, o = r * size; i < size; i++) {
        float a = s.alpha[i];
        s.factor[o + i] = FastMath.exp(a * s.eps[o + i] - 0.5f * a * a);
        y[o + i] = x[o + i] * s.factor[o + i];
      }
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    NoiseScratch s = (NoiseScratch) scratch;
    for (int i = 0; i < size; i++) {
      float a = s.alpha[i];
      float sig = a / ALPHA_MAX;
      // dy/d alpha = y (eps - alpha); d alpha / d rho = alpha (1 - sigmoid(rho))
      double sum = 0;
      for (int r = 0; r < rows; r++) {
        int k = r * size + i;
        sum += dy[k] * x[k] * s.factor[k] * (s.eps[k] - a);
      }
      // d softplus(-rho) / d rho = -(1 - sigmoid(rho)), once per row.
      grad[off + i] += (float) ((sum * a - (double) beta * rows) * (1 - sig));
    }
    if (dx != null) {
      for (int k = 0, n = rows * size; k < n; k++) {
        dx[k] = dy[k] * s.factor[k];
      }
    }
  }

  /** Per-thread noise of the last forward pass. */
  private record NoiseScratch(float[] eps, float[] factor, float[] alpha) implements Scratch {}
}
