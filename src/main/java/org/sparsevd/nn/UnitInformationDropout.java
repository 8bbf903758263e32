package org.sparsevd.nn;

import org.sparsevd.math.FastMath;

/**
 * Per-unit information dropout, {@code idrop(B)}: a simplification of Achille and Soatto's
 * information dropout ({@link InformationDense} is the published layer) in which each unit
 * learns one noise scale shared by all inputs. On non-negative activations (after a ReLU):
 *
 * <pre>y_i = x_i exp(alpha_i eps - alpha_i^2 / 2),  eps ~ N(0, 1),
 * alpha_i = alphaMax sigmoid(rho_i)</pre>
 *
 * The factor's mean is 1 (see {@link InformationDense} for why that leaves the KL unchanged).
 * The KL of the paper for ReLU units under the log-uniform prior, per example and unit, is
 * beta (-log(alpha_i / alphaMax)); as a per-example term it follows the KL schedule
 * ({@link PerExampleKl}). Parameters from the offset: rho[size].
 */
public final class UnitInformationDropout implements PerExampleKl {
  /** The paper's cap on the noise scale. */
  static final float ALPHA_MAX = 0.7f;
  /** Initial rho: alpha = 0.7 sigmoid(-2) = 0.083, mild noise at the start. */
  static final float RHO_INIT = -2f;

  private final int size;
  private final float beta;

  public UnitInformationDropout(int size, double beta) {
    this.size = size;
    this.beta = InformationDense.checkBeta(beta);
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
    return new NoiseScratch(maxRows, size);
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
    double kl = 0;
    for (int i = 0; i < size; i++) {
      s.alpha[i] = alpha(params, off, i);
      kl -= Math.log(s.alpha[i] / ALPHA_MAX);
    }
    s.kl = beta * kl * rows;
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
      // d(-log alpha)/d rho = -(1 - sigmoid(rho)), once per row.
      grad[off + i] += (float) ((sum * a - (double) s.klWeight * beta * rows) * (1 - sig));
    }
    if (dx != null) {
      for (int k = 0, n = rows * size; k < n; k++) {
        dx[k] = dy[k] * s.factor[k];
      }
    }
  }

  /** Per-thread noise of the last forward pass. */
  private static final class NoiseScratch extends KlScratch {
    final float[] eps;
    final float[] factor;
    final float[] alpha;

    NoiseScratch(int maxRows, int size) {
      eps = new float[maxRows * size];
      factor = new float[maxRows * size];
      alpha = new float[size];
    }
  }
}
