package org.sparsevd.nn;

import org.sparsevd.math.FastMath;

/**
 * Per-neuron (structured) variational dropout: one multiplicative noise variable per neuron
 * of the layer's input, z_i ~ N(1, alpha_i), with the log-uniform prior of sparse variational
 * dropout on the product of z_i and the weights it scales (Molchanov et al. 2017; the group
 * form compared by Neklyudov et al. 2017). The KL term is that of {@link SparseVdKl} on each
 * neuron's log alpha, counted once per neuron ({@code nvd}), or once per weight the neuron
 * scales in the next weighted layer ({@code nvd(kl=weights)}: the prior of each product
 * z_i theta_ij, as per-weight dropout counts it; on LeNet-300-100 it raises every neuron's noise
 * and prunes few hidden neurons, see docs/methods.md). A neuron whose log alpha reaches the
 * threshold is pruned, so the following weighted layer loses the neuron's whole row of weights
 * and the preceding one the column that fed it. Placed before {@code dense(N)} it gives a network pruned neuron by
 * neuron; before {@code vd(N)} it combines with per-weight dropout.
 *
 * <pre>TRAIN:  y_i = x_i (m_i + sqrt(alpha_i) eps_i),
 *         m_i = 0 when pruned and train clip is on, else 1
 * EVAL:   y_i = x_i, or 0 for a pruned neuron
 * SAMPLE: y_i = x_i (1 + sqrt(alpha_i) eps_i), or 0 for a pruned neuron</pre>
 *
 * eps is drawn per example from the network's {@link Noise} (the local reparameterisation of a
 * noise shared by the examples of a batch). Parameters from the offset: log alpha[size],
 * clipped to the settings' range wherever it is used; a clipped log alpha gets no gradient.
 */
public final class NeuronVd implements Layer {
  /**
   * Initial log alpha of every neuron (noise of standard deviation 0.6). The per-weight layers
   * start near log alpha -0.8 (theta ~ N(0, 0.01^2), log sigma^2 = -10); starting neurons at a
   * like level lets the KL term carry an unneeded neuron past the threshold within a short
   * schedule, where Adam moves log alpha by about one learning rate per step.
   */
  public static final float LOG_ALPHA_INIT = -1f;

  private final int size;
  private final VdSettings settings;
  /** Weights per neuron the KL counts for (kl=weights), or 0 for once per neuron. */
  private final int fanOut;

  /** @param fanOut the weights each neuron scales, for kl=weights; 0 for a KL per neuron */
  public NeuronVd(int size, VdSettings settings, int fanOut) {
    if (size <= 0 || fanOut < 0) {
      throw new IllegalArgumentException("nvd layer of size " + size + ", fan-out " + fanOut
          + ": size must be > 0");
    }
    this.size = size;
    this.settings = settings;
    this.fanOut = fanOut;
  }

  /** True for nvd(kl=weights). */
  boolean klPerWeight() {
    return fanOut > 0;
  }

  /** How many times each neuron's KL counts. */
  int klCount() {
    return Math.max(1, fanOut);
  }

  @Override public int inputSize() { return size; }
  @Override public int outputSize() { return size; }
  @Override public int paramCount() { return size; }
  @Override public String spec() { return klPerWeight() ? "nvd(kl=weights)" : "nvd"; }

  @Override public boolean stochastic() { return true; }

  public VdSettings settings() { return settings; }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    java.util.Arrays.fill(params, off, off + size, LOG_ALPHA_INIT);
  }

  /** The clipped log alpha of neuron i. */
  public float logAlpha(float[] params, int off, int i) {
    return Math.min(Math.max(params[off + i], settings.logAlphaMin()), settings.logAlphaMax());
  }

  /** Keeps the neurons whose log alpha is below the threshold. */
  @Override
  public EvalForm.NeuronMask evalForm(float[] params, int off) {
    boolean[] kept = new boolean[size];
    for (int i = 0; i < size; i++) {
      kept[i] = logAlpha(params, off, i) < settings.threshold();
    }
    return new EvalForm.NeuronMask(kept);
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new NoiseScratch(new float[maxRows * size], new float[size], new float[size]);
  }

  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    NoiseScratch s = (NoiseScratch) scratch;
    for (int i = 0; i < size; i++) {
      float la = logAlpha(params, off, i);
      boolean pruned = la >= settings.threshold();
      s.sd[i] = mode == Mode.EVAL || (pruned && mode == Mode.SAMPLE)
          ? 0f : FastMath.exp(0.5f * la);
      s.mean[i] = pruned && (mode != Mode.TRAIN || settings.trainClip()) ? 0f : 1f;
    }
    if (mode == Mode.EVAL) {
      for (int r = 0; r < rows; r++) {
        for (int i = 0, o = r * size; i < size; i++) {
          y[o + i] = x[o + i] * s.mean[i];
        }
      }
      return;
    }
    noise.fill(stream, rows, size, s.eps);
    for (int r = 0; r < rows; r++) {
      for (int i = 0, o = r * size; i < size; i++) {
        y[o + i] = x[o + i] * (s.mean[i] + s.sd[i] * s.eps[o + i]);
      }
    }
  }

  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    NoiseScratch s = (NoiseScratch) scratch;
    for (int i = 0; i < size; i++) {
      float raw = params[off + i];
      if (!(raw >= settings.logAlphaMin() && raw <= settings.logAlphaMax())) {
        continue;
      }
      // dy/d log alpha = x eps d sqrt(alpha)/d log alpha = x eps sqrt(alpha) / 2
      double sum = 0;
      for (int r = 0; r < rows; r++) {
        int k = r * size + i;
        sum += dy[k] * x[k] * s.eps[k];
      }
      grad[off + i] += (float) (0.5 * s.sd[i] * sum);
    }
    if (dx != null) {
      for (int r = 0; r < rows; r++) {
        for (int i = 0, o = r * size; i < size; i++) {
          dx[o + i] = dy[o + i] * (s.mean[i] + s.sd[i] * s.eps[o + i]);
        }
      }
    }
  }

  @Override
  public double kl(float[] params, int off) {
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += SparseVdKl.kl(logAlpha(params, off, i));
    }
    return klCount() * sum;
  }

  @Override
  public void addKlGradient(float[] params, int off, float weight, float[] grad) {
    for (int i = 0; i < size; i++) {
      float raw = params[off + i];
      if (raw >= settings.logAlphaMin() && raw <= settings.logAlphaMax()) {
        grad[off + i] += (float) (weight * klCount() * SparseVdKl.dKlDLogAlpha(raw));
      }
    }
  }

  /** Per-thread noise of the last forward pass and the per-neuron factors it used. */
  private record NoiseScratch(float[] eps, float[] sd, float[] mean) implements Scratch {}
}
