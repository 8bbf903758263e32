package org.sparsevd.nn;

import java.util.OptionalDouble;
import org.sparsevd.math.FastMath;

/**
 * Concrete dropout (Gal, Hron, Kendall 2017) on the inputs of a dense layer, with a drop rate
 * p = sigmoid(logit) learned per layer through the relaxed Bernoulli mask
 *
 * <pre>z = sigmoid((log p - log(1 - p) + log u - log(1 - u)) / t),  u ~ U(0, 1),  t = 0.1
 * y = (x (1 - z) / (1 - p)) W + b</pre>
 *
 * (z near 1 drops an input). The regulariser, returned as the layer's {@link #kl} so that the
 * objective N * mean(CE) + KL is the paper's loss multiplied by N, is
 *
 * <pre>N wr ||W||^2 / (1 - p) + N dr K (p log p + (1 - p) log(1 - p)),
 * wr = l^2 / (tau N),  dr = 2 / (tau N),  K = inputs</pre>
 *
 * with the paper's MNIST length scale l = 1e-4 and tau = 1. The entropy part is negative: it
 * rewards a drop rate near 0.5 and the data term pulls it down. EVAL is y = x W + b (the mask's
 * expectation); SAMPLE draws the relaxed mask, as training does.
 *
 * <p>The logit is used clamped to [-{@link #MAX_LOGIT}, {@link #MAX_LOGIT}] (p within about
 * [1e-4, 1 - 1e-4]), with no gradient beyond: in float, sigmoid rounds to 1 from a logit of
 * about 17, where 1 / (1 - p) becomes infinite and a step would fill the parameters with NaN.
 *
 * <p>Layout from the offset: W[in x out] row-major, bias[out], logit[1].
 */
public final class ConcreteDense implements Layer {
  static final float TEMPERATURE = 0.1f;
  static final double LENGTH_SCALE = 1e-4;
  static final double TAU = 1;
  /** Initial drop rate, the paper's. */
  static final double INIT_RATE = 0.1;
  /** The largest logit used: p = sigmoid(9.2) = 0.99990, 1 / (1 - p) about 1e4. */
  static final float MAX_LOGIT = 9.2f;

  private final int in;
  private final int out;
  /** The weights and bias, laid out as a plain dense layer's; the logit follows them. */
  private final Dense dense;

  public ConcreteDense(int in, int out, float initStd) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("cdense layer " + in + " -> " + out
          + ": sizes must be > 0");
    }
    this.in = in;
    this.out = out;
    this.dense = new Dense(in, out, initStd);
  }

  @Override public int inputSize() { return in; }
  @Override public int outputSize() { return out; }
  @Override public int paramCount() { return in * out + out + 1; }
  @Override public String spec() { return "cdense(" + out + ")"; }
  @Override public boolean stochastic() { return true; }

  /**
   * The learned drop rate p, in float arithmetic from {@link FastMath} (like the mask) so that
   * every executor computes it bit for bit alike.
   */
  double dropRate(float[] params, int off) {
    return FastMath.sigmoid(logit(params, off));
  }

  /** The logit as used: the parameter clamped to [-MAX_LOGIT, MAX_LOGIT]. */
  private float logit(float[] params, int off) {
    return Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, params[off + in * out + out]));
  }

  /** Whether the logit parameter lies inside the clamp, where it has a gradient. */
  private boolean logitFree(float[] params, int off) {
    return logit(params, off) == params[off + in * out + out];
  }

  @Override
  public OptionalDouble learnedDropRate(float[] params, int off) {
    return OptionalDouble.of(dropRate(params, off));
  }

  /** The expectation of the mask keeps every input: x W + b. */
  @Override
  public EvalForm.Linear evalForm(float[] params, int off) {
    return dense.evalForm(params, off);
  }

  @Override
  public void setWeights(float[] params, int off, float[] w) {
    dense.setWeights(params, off, w);
  }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    dense.init(params, off, seed, layerIndex);
    params[off + in * out + out] = (float) Math.log(INIT_RATE / (1 - INIT_RATE));
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new MaskScratch(maxRows * in);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    float[] input = x;
    if (mode != Mode.EVAL) {
      MaskScratch s = (MaskScratch) scratch;
      float logit = logit(params, off);
      float inv = 1f / (1f - FastMath.sigmoid(logit));
      int n = rows * in;
      noise.fillUniform(stream, rows, in, s.z);
      for (int k = 0; k < n; k++) {
        float u = s.z[k];
        float z = FastMath.sigmoid(
            (logit + FastMath.log(u) - FastMath.log(1f - u)) / TEMPERATURE);
        s.z[k] = z;
        s.keep[k] = (1f - z) * inv;
        s.dropped[k] = x[k] * s.keep[k];
      }
      input = s.dropped;
    }
    dense.forward(params, off, input, y, rows, mode, noise, stream, Scratch.NONE);
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    MaskScratch s = (MaskScratch) scratch;
    // The weights' gradients and the gradient reaching the dropped inputs, dy W^T; then
    // through the mask to x and p.
    dense.backward(params, off, s.dropped, dy, s.dDropped, grad, rows, Scratch.NONE);
    int b = off + in * out;
    double p = dropRate(params, off);
    float invT = 1f / TEMPERATURE;
    float inv = (float) (1 / (1 - p));
    float pOver = (float) (p / (1 - p));
    double dLogit = 0;
    for (int k = 0, n = rows * in; k < n; k++) {
      float z = s.z[k];
      // d keep / d logit = -z (1 - z) / (t (1 - p)) + (1 - z) p / (1 - p)
      float dKeep = -z * (1f - z) * invT * inv + (1f - z) * pOver;
      dLogit += s.dDropped[k] * x[k] * dKeep;
    }
    if (logitFree(params, off)) {
      grad[b + out] += (float) dLogit;
    }
    if (dx != null) {
      for (int k = 0, n = rows * in; k < n; k++) {
        dx[k] = s.dDropped[k] * s.keep[k];
      }
    }
  }

  /** N wr and N dr of the regulariser. */
  private static double weightCoefficient() {
    return LENGTH_SCALE * LENGTH_SCALE / TAU;
  }

  private static double dropoutCoefficient() {
    return 2 / TAU;
  }

  @Override
  public double kl(float[] params, int off) {
    double p = dropRate(params, off);
    double logit = logit(params, off);
    double logP = -SparseVdKl.softplus(-logit);
    double log1mP = -SparseVdKl.softplus(logit);
    return weightCoefficient() * squaredNorm(params, off) / (1 - p)
        + dropoutCoefficient() * in * (p * logP + (1 - p) * log1mP);
  }

  @Override
  public void addKlGradient(float[] params, int off, float weight, float[] grad) {
    double p = dropRate(params, off);
    double logit = logit(params, off);
    float w = (float) (weight * weightCoefficient() * 2 / (1 - p));
    for (int k = 0; k < in * out; k++) {
      grad[off + k] += w * params[off + k];
    }
    // d/dlogit of 1/(1 - p) is p/(1 - p); of p log p + (1 - p) log(1 - p) it is logit p (1 - p).
    double d = weightCoefficient() * squaredNorm(params, off) * p / (1 - p)
        + dropoutCoefficient() * in * logit * p * (1 - p);
    if (logitFree(params, off)) {
      grad[off + in * out + out] += (float) (weight * d);
    }
  }

  private double squaredNorm(float[] params, int off) {
    double sum = 0;
    for (int k = 0; k < in * out; k++) {
      sum += (double) params[off + k] * params[off + k];
    }
    return sum;
  }

  /** Per-thread mask of the last forward pass: z, the keep factors and the masked inputs. */
  private static final class MaskScratch implements Scratch {
    final float[] z;
    final float[] keep;
    final float[] dropped;
    final float[] dDropped;

    MaskScratch(int n) {
      z = new float[n];
      keep = new float[n];
      dropped = new float[n];
      dDropped = new float[n];
    }
  }
}
