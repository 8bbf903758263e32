package org.sparsevd.nn;

import java.util.Arrays;
import org.sparsevd.math.MatMul;

/**
 * Variational dropout with one log alpha per output unit: the whole filter of a convolution
 * (or column of a dense map) is multiplied by one noise variable z_f ~ N(1, alpha_f) per
 * example, and the filter is pruned as a unit when log alpha_f reaches the threshold. The noise
 * is exact, not a local reparameterisation: one z_f per example scales all of that example's
 * positions,
 *
 * <pre>mean = x theta,  y[n, p, f] = mean[n, p, f] (1 + sqrt(alpha_f) eps[n, f]) + b_f,</pre>
 *
 * and the KL is that of the log-uniform prior on each z_f, {@link SparseVdKl} of log alpha_f,
 * counted once per filter, or once per weight of the filter ({@code kl=weights}: the prior of
 * each weight theta z_f, as per-weight dropout counts it). Counted once, a filter's KL is small
 * next to the data term's pull on its whole filter; counted per weight, the two stand in the
 * proportion they have for the weights of per-weight dropout.
 *
 * <p>Parameter layout from the offset: theta[in x out] row-major, then logAlpha[out] (always
 * log alpha: a per-filter log sigma^2 has no meaning), then bias[out]. Each example is
 * {@code positions} rows of x.
 */
final class FilterVd implements Layer {
  /**
   * Initial log alpha: noise with a standard deviation of e^-2 = 14% of each output, clear of
   * the lower clip at -8 where the data term's gradient stops.
   */
  static final float LOG_ALPHA_INIT = -4f;

  private final int in;
  private final int out;
  private final int positions;
  /** How many times each filter's KL counts: 1, or the weights of a filter. */
  private final int klCount;
  private final VdSettings settings;
  private final WeightInit init;

  FilterVd(int in, int out, int positions, int klCount, VdSettings settings, WeightInit init) {
    this.in = in;
    this.out = out;
    this.positions = positions;
    this.klCount = klCount;
    this.settings = settings;
    this.init = init;
  }

  @Override public int inputSize() { return in; }
  @Override public int outputSize() { return out; }
  @Override public int paramCount() { return in * out + 2 * out; }
  @Override public String spec() { return "filter_vd(" + out + ")"; }
  @Override public boolean stochastic() { return true; }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    init.fill(params, off, in * out, seed, layerIndex);
    Arrays.fill(params, off + in * out, off + in * out + out, LOG_ALPHA_INIT);
    Arrays.fill(params, off + in * out + out, off + in * out + 2 * out, 0f);
  }

  /** The clipped log alpha of filter f. */
  float logAlpha(float[] params, int off, int f) {
    return Math.min(Math.max(params[off + in * out + f], settings.logAlphaMin()),
        settings.logAlphaMax());
  }

  boolean pruned(float[] params, int off, int f) {
    return logAlpha(params, off, f) >= settings.threshold();
  }

  @Override
  public EvalForm.Linear evalForm(float[] params, int off) {
    float[] w = Arrays.copyOfRange(params, off, off + in * out);
    maskPruned(params, off, w);
    int b = off + in * out + out;
    return new EvalForm.Linear(in, out, w, Arrays.copyOfRange(params, b, b + out));
  }

  /**
   * A point estimate: theta = w, and each filter's log alpha at the upper clip when its
   * weights are all 0 (pruned), else at the lower clip (the smallest noise).
   */
  @Override
  public void setWeights(float[] params, int off, float[] w) {
    System.arraycopy(w, 0, params, off, in * out);
    for (int f = 0; f < out; f++) {
      boolean any = false;
      for (int i = 0; i < in && !any; i++) {
        any = w[i * out + f] != 0f;
      }
      params[off + in * out + f] = any ? settings.logAlphaMin() : settings.logAlphaMax();
    }
  }

  private void maskPruned(float[] params, int off, float[] w) {
    for (int f = 0; f < out; f++) {
      if (pruned(params, off, f)) {
        for (int i = 0; i < in; i++) {
          w[i * out + f] = 0f;
        }
      }
    }
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new FilterScratch(in, out, maxRows, positions);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    FilterScratch s = (FilterScratch) scratch;
    int m = rows * positions;
    System.arraycopy(params, off, s.meanTheta, 0, in * out);
    if (mode != Mode.TRAIN || settings.trainClip()) {
      maskPruned(params, off, s.meanTheta);
    }
    MatMul.gemm(x, 0, s.meanTheta, 0, s.mean, 0, m, in, out, false);
    int b = off + in * out + out;
    if (mode == Mode.EVAL) {
      for (int k = 0; k < m * out; k++) {
        y[k] = s.mean[k] + params[b + k % out];
      }
      return;
    }
    for (int f = 0; f < out; f++) {
      s.sqrtAlpha[f] = (float) Math.exp(0.5 * logAlpha(params, off, f));
    }
    noise.fill(stream, rows, out, s.eps);
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < out; f++) {
        s.z[r * out + f] = 1f + s.sqrtAlpha[f] * s.eps[r * out + f];
      }
      for (int p = 0; p < positions; p++) {
        int o = (r * positions + p) * out;
        for (int f = 0; f < out; f++) {
          y[o + f] = s.mean[o + f] * s.z[r * out + f] + params[b + f];
        }
      }
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    FilterScratch s = (FilterScratch) scratch;
    int m = rows * positions;
    int n = in * out;
    // dmean = dy z; d sqrt(alpha)/d log alpha = sqrt(alpha) / 2, zero where log alpha is clipped.
    Arrays.fill(s.dSqrtAlpha, 0f);
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < positions; p++) {
        int o = (r * positions + p) * out;
        for (int f = 0; f < out; f++) {
          s.dMean[o + f] = dy[o + f] * s.z[r * out + f];
          s.dSqrtAlpha[f] += dy[o + f] * s.mean[o + f] * s.eps[r * out + f];
          grad[off + n + out + f] += dy[o + f];
        }
      }
    }
    for (int f = 0; f < out; f++) {
      float u = params[off + n + f];
      if (u >= settings.logAlphaMin() && u <= settings.logAlphaMax()) {
        grad[off + n + f] += s.dSqrtAlpha[f] * 0.5f * s.sqrtAlpha[f];
      }
    }
    MatMul.gemmTN(x, 0, s.dMean, 0, s.gradTheta, 0, in, m, out, false);
    boolean mask = settings.trainClip();
    for (int f = 0; f < out; f++) {
      if (mask && pruned(params, off, f)) {
        continue;
      }
      for (int i = 0; i < in; i++) {
        grad[off + i * out + f] += s.gradTheta[i * out + f];
      }
    }
    if (dx != null) {
      MatMul.gemmNT(s.dMean, 0, s.meanTheta, 0, dx, 0, m, out, in, false);
    }
  }

  @Override
  public double kl(float[] params, int off) {
    double sum = 0;
    for (int f = 0; f < out; f++) {
      sum += SparseVdKl.kl(logAlpha(params, off, f));
    }
    return klCount * sum;
  }

  @Override
  public void addKlGradient(float[] params, int off, float weight, float[] grad) {
    for (int f = 0; f < out; f++) {
      float u = params[off + in * out + f];
      if (u >= settings.logAlphaMin() && u <= settings.logAlphaMax()) {
        grad[off + in * out + f] += (float) (weight * klCount * SparseVdKl.dKlDLogAlpha(u));
      }
    }
  }

  /** Buffers of one thread: [in x out] weights, [rows * positions x out] outputs, [rows x out] noise. */
  private static final class FilterScratch implements Scratch {
    final float[] meanTheta;
    final float[] gradTheta;
    final float[] mean;
    final float[] dMean;
    final float[] eps;
    final float[] z;
    final float[] sqrtAlpha;
    final float[] dSqrtAlpha;

    FilterScratch(int in, int out, int rows, int positions) {
      meanTheta = new float[in * out];
      gradTheta = new float[in * out];
      mean = new float[rows * positions * out];
      dMean = new float[rows * positions * out];
      eps = new float[rows * out];
      z = new float[rows * out];
      sqrtAlpha = new float[out];
      dSqrtAlpha = new float[out];
    }
  }
}
