package org.sparsevd.nn;

import java.util.List;

/**
 * Pruning statistics. Compression is all weights / kept weights (biases excluded), the
 * definition of Molchanov et al. (2017).
 */
public record Sparsity(List<LayerCount> layers) {
  /**
   * Weights of one layer and how many survive pruning; its outputs (units, or a convolution's
   * filters) and how many keep a non-zero weight: what structured pruning removes.
   */
  public record LayerCount(int layer, String spec, long weights, long kept, int outputs,
                           int outputsKept) {
    /** Fraction of weights pruned. */
    public double sparsity() {
      return weights == 0 ? 0 : 1.0 - (double) kept / weights;
    }
  }

  public long weights() {
    return layers.stream().mapToLong(LayerCount::weights).sum();
  }

  public long kept() {
    return layers.stream().mapToLong(LayerCount::kept).sum();
  }

  public double sparsity() {
    long w = weights();
    return w == 0 ? 0 : 1.0 - (double) kept() / w;
  }

  /** All weights / kept weights; infinite when everything is pruned. */
  public double compression() {
    long k = kept();
    return k == 0 ? Double.POSITIVE_INFINITY : (double) weights() / k;
  }
}
