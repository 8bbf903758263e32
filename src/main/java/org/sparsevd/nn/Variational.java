package org.sparsevd.nn;

/** A layer with learned dropout rates: what the log-alpha plots and summaries read. */
public interface Variational extends Layer {
  VdSettings settings();

  /**
   * The clipped log alpha of each dropout unit (a weight, or a filter for per-filter dropout),
   * in the layer's parameter order; null when the layer has none (a plain convolution).
   */
  float[] logAlphas(float[] params, int off);
}
