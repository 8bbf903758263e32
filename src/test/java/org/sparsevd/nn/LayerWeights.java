package org.sparsevd.nn;

/** Weight counts of a layer's evaluation form, for tests that lay out parameters by hand. */
public final class LayerWeights {
  private LayerWeights() {}

  /** Weights of the layer's linear map or filter bank (0 for layers without weights). */
  public static int count(Layer layer) {
    EvalForm.Linear w = layer.evalForm(new float[layer.paramCount()], 0).weighted();
    return w == null ? 0 : w.weights().length;
  }

  /** Weights kept at the given parameters. */
  public static long kept(Layer layer, float[] params, int off) {
    return layer.evalForm(params, off).weighted().kept();
  }

  /** The evaluation weights [in x out], pruned ones 0. */
  public static float[] effective(Layer layer, float[] params, int off) {
    return layer.evalForm(params, off).weighted().weights();
  }
}
