package org.sparsevd.nn;

import org.sparsevd.rand.CounterRng;

/**
 * How a layer's weights start: N(0, std^2) ({@code theta_init_std}, the authors' dense layers),
 * or Glorot-uniform, U(-b, b) with b = sqrt(6 / (fan in + fan out)) ({@code init=glorot}, the
 * default of the authors' Lasagne convolutions, where fan in and fan out count the weights of
 * a patch and of a filter bank's column: K * K * C and K * K * F). Either draw is a function of
 * (seed, layer index) only.
 *
 * @param glorot Glorot-uniform, else normal
 * @param scale the normal's standard deviation, or the uniform's bound b
 */
public record WeightInit(boolean glorot, float scale) implements java.io.Serializable {
  /** The spec option that asks for Glorot-uniform weights. */
  public static final String GLOROT_OPTION = "init=glorot";

  public static WeightInit normal(float std) {
    return new WeightInit(false, std);
  }

  public static WeightInit glorotUniform(int fanIn, int fanOut) {
    return new WeightInit(true, (float) Math.sqrt(6.0 / (fanIn + fanOut)));
  }

  /** Glorot-uniform over the given fans when {@code glorot}, else the settings' normal. */
  static WeightInit of(boolean glorot, int fanIn, int fanOut, VdSettings settings) {
    return glorot ? glorotUniform(fanIn, fanOut) : normal(settings.thetaInitStd());
  }

  /** Writes n initial weights at {@code params[off, off + n)}. */
  public void fill(float[] params, int off, int n, long seed, int layerIndex) {
    if (glorot) {
      CounterRng.uniforms(seed, 0, layerIndex, CounterRng.STREAM_INIT, params, off, n);
      for (int k = 0; k < n; k++) {
        params[off + k] = (2f * params[off + k] - 1f) * scale;
      }
    } else {
      CounterRng.gaussians(seed, 0, layerIndex, CounterRng.STREAM_INIT, params, off, n);
      for (int k = 0; k < n; k++) {
        params[off + k] *= scale;
      }
    }
  }

  /**
   * A layer's spec without its initialisation option: what a warm start compares, since the
   * model's values replace the initial ones.
   */
  public static String withoutOption(String layerSpec) {
    return layerSpec.replace(", " + GLOROT_OPTION, "");
  }

  /** The spec option for this initialisation: empty for the normal one. */
  String specOption() {
    return glorot ? ", " + GLOROT_OPTION : "";
  }
}
