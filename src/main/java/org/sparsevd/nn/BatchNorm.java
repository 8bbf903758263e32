package org.sparsevd.nn;

/**
 * Batch normalisation (Ioffe and Szegedy 2015) of each channel of a feature map, or each unit
 * of a flat layer: y = gamma (x - mean) / sqrt(var + EPS) + beta, spec {@code bn}.
 *
 * <p>Parameters {@code [gamma C | beta C | running mean C | running var C]}. A training pass
 * normalises with the biased mean and variance of the rows it is given: a partition's (or a
 * local thread's) share of the batch, up to {@link Workspace#CHUNK_ROWS} rows at a time, as
 * PyTorch's BatchNorm does in each process of a distributed job; so the partition count
 * changes the statistics, and a share of one row normalises every value to beta. A
 * partition's rows must then be a sample of the data, not a slice of it sorted by label: the
 * statistics would tell the classes of a slice apart in training and not at evaluation (image
 * folders interleave their classes for this reason). Evaluation and Monte-Carlo samples use the running
 * statistics, which are kept, not trained: the backward pass ADDS each channel's batch
 * moments about the running mean (sum d, sum d^2 with d = x - running mean; the shift keeps
 * the float sums from cancelling) into the running statistics' gradient entries, where the
 * aggregation sums them over partitions, and {@link #updateStatistics} turns them into the
 * running averages of the whole batch before the optimiser steps, zeroing those entries so
 * that the optimiser leaves them alone.
 */
public final class BatchNorm implements Layer {
  /** PyTorch's defaults: added to the variance, and the weight of a batch in the averages. */
  static final float EPS = 1e-5f;
  static final double MOMENTUM = 0.1;

  private final FeatureShape shape;
  private final int channels;
  private final int positions;

  /** @param shape the feature map, or 1 x 1 x units for a flat layer */
  public BatchNorm(FeatureShape shape) {
    this.shape = shape;
    this.channels = shape.channels();
    this.positions = shape.height() * shape.width();
  }

  FeatureShape shape() { return shape; }
  @Override public int inputSize() { return shape.size(); }
  @Override public int outputSize() { return shape.size(); }
  @Override public int paramCount() { return 4 * channels; }
  @Override public String spec() { return "bn"; }
  @Override public boolean stochastic() { return false; }

  /** The first of the running statistics' entries, from the layer's offset. */
  public int statisticsOffset() {
    return 2 * channels;
  }

  @Override
  public void init(float[] params, int off, long seed, int layerIndex) {
    java.util.Arrays.fill(params, off, off + channels, 1f);
    java.util.Arrays.fill(params, off + channels, off + 3 * channels, 0f);
    java.util.Arrays.fill(params, off + 3 * channels, off + 4 * channels, 1f);
  }

  /** Per channel: the mean and 1 / sqrt(var + EPS) that the last forward pass used. */
  static final class Stats implements Scratch {
    final float[] mean;
    final float[] invStd;

    Stats(int channels) {
      mean = new float[channels];
      invStd = new float[channels];
    }
  }

  @Override
  public Scratch newScratch(int maxRows) {
    return new Stats(channels);
  }

  // Layout: x[(r * positions + p) * channels + c], channels-last; a flat layer has 1 position.
  @Override
  public void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode,
                      Noise noise, int stream, Scratch scratch) {
    Stats s = (Stats) scratch;
    int c = channels;
    int n = rows * positions;
    if (mode == Mode.TRAIN) {
      double[] sum = new double[c];
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < c; j++) {
          sum[j] += x[k * c + j];
        }
      }
      double[] sq = new double[c];
      for (int j = 0; j < c; j++) {
        sum[j] /= n;
      }
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < c; j++) {
          double d = x[k * c + j] - sum[j];
          sq[j] += d * d;
        }
      }
      for (int j = 0; j < c; j++) {
        s.mean[j] = (float) sum[j];
        s.invStd[j] = (float) (1 / Math.sqrt(sq[j] / n + EPS));
      }
    } else {
      for (int j = 0; j < c; j++) {
        s.mean[j] = params[off + 2 * c + j];
        s.invStd[j] = (float) (1 / Math.sqrt(params[off + 3 * c + j] + EPS));
      }
    }
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < c; j++) {
        float g = params[off + j] * s.invStd[j];
        y[k * c + j] = (x[k * c + j] - s.mean[j]) * g + params[off + c + j];
      }
    }
  }

  /** The training pass's backward (the statistics depend on the rows); adds the moments. */
  @Override
  public void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                       int rows, Scratch scratch) {
    Stats s = (Stats) scratch;
    int c = channels;
    int n = rows * positions;
    double[] sumDy = new double[c];
    double[] sumDyXhat = new double[c];
    double[] moment1 = new double[c];
    double[] moment2 = new double[c];
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < c; j++) {
        float v = x[k * c + j];
        float xhat = (v - s.mean[j]) * s.invStd[j];
        sumDy[j] += dy[k * c + j];
        sumDyXhat[j] += dy[k * c + j] * xhat;
        double d = v - params[off + 2 * c + j];
        moment1[j] += d;
        moment2[j] += d * d;
      }
    }
    for (int j = 0; j < c; j++) {
      grad[off + j] += (float) sumDyXhat[j];
      grad[off + c + j] += (float) sumDy[j];
      grad[off + 2 * c + j] += (float) moment1[j];
      grad[off + 3 * c + j] += (float) moment2[j];
    }
    if (dx == null) {
      return;
    }
    // dx = gamma / std (dy - mean(dy) - xhat mean(dy xhat)): the statistics' own gradients.
    float[] meanDy = new float[c];
    float[] meanDyXhat = new float[c];
    for (int j = 0; j < c; j++) {
      meanDy[j] = (float) (sumDy[j] / n);
      meanDyXhat[j] = (float) (sumDyXhat[j] / n);
    }
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < c; j++) {
        float xhat = (x[k * c + j] - s.mean[j]) * s.invStd[j];
        dx[k * c + j] = params[off + j] * s.invStd[j]
            * (dy[k * c + j] - meanDy[j] - xhat * meanDyXhat[j]);
      }
    }
  }

  /**
   * Moves the running statistics towards the batch's, read from the moments the backward passes
   * added into {@code grad} over all {@code rows} rows of the step, and zeroes those entries.
   * The running variance takes the unbiased batch variance, as PyTorch's does.
   *
   * @param params modified: the running statistics
   * @param grad modified: the running statistics' entries become 0
   */
  public void updateStatistics(float[] params, int off, float[] grad, int rows) {
    int c = channels;
    double n = (double) rows * positions;
    for (int j = 0; j < c; j++) {
      double shift = grad[off + 2 * c + j] / n;
      double mean = params[off + 2 * c + j] + shift;
      double var = Math.max(0, grad[off + 3 * c + j] / n - shift * shift);
      double unbiased = n > 1 ? var * n / (n - 1) : var;
      params[off + 2 * c + j] = (float) ((1 - MOMENTUM) * params[off + 2 * c + j]
          + MOMENTUM * mean);
      params[off + 3 * c + j] = (float) ((1 - MOMENTUM) * params[off + 3 * c + j]
          + MOMENTUM * unbiased);
      grad[off + 2 * c + j] = 0f;
      grad[off + 3 * c + j] = 0f;
    }
  }

  /** Per channel y = x * scale + shift, with the running statistics. */
  @Override
  public EvalForm evalForm(float[] params, int off) {
    int c = channels;
    float[] scale = new float[c];
    float[] shift = new float[c];
    for (int j = 0; j < c; j++) {
      float invStd = (float) (1 / Math.sqrt(params[off + 3 * c + j] + EPS));
      scale[j] = params[off + j] * invStd;
      shift[j] = params[off + c + j] - params[off + 2 * c + j] * scale[j];
    }
    return new EvalForm.ChannelAffine(shape.size(), scale, shift);
  }
}
