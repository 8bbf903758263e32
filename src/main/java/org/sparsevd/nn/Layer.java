package org.sparsevd.nn;

import java.util.OptionalDouble;

/**
 * One layer of a network. A layer describes its shape and does its work into buffers the
 * caller supplies; its parameters live in the network's flat array from an offset.
 *
 * <p>Buffer contract: {@code x} holds {@code rows x inputSize()} floats row-major; a forward
 * pass overwrites {@code y[0, rows * outputSize())}. A backward pass must follow the forward
 * pass on the same rows with the same scratch; it reads {@code dy}, ADDS parameter gradients
 * into {@code grad} from the layer's offset, and overwrites {@code dx} (when not null) with
 * the gradient for the input.
 */
public interface Layer {
  int inputSize();

  int outputSize();

  /** Number of floats this layer owns in the flat parameter array. */
  int paramCount();

  /** The layer as written in a network spec, e.g. {@code vd(300)}. */
  String spec();

  /** Writes initial parameters at {@code params[off, off + paramCount())}. */
  void init(float[] params, int off, long seed, int layerIndex);

  /** Per-thread scratch for batches of up to {@code maxRows} rows. */
  Scratch newScratch(int maxRows);

  void forward(float[] params, int off, float[] x, float[] y, int rows, Mode mode, Noise noise,
               int stream, Scratch scratch);

  void backward(float[] params, int off, float[] x, float[] dy, float[] dx, float[] grad,
                int rows, Scratch scratch);

  /** The layer's KL term; 0 for layers without a variational posterior. */
  default double kl(float[] params, int off) {
    return 0;
  }

  /** Adds {@code weight * dKL/dparams} into {@code grad}. */
  default void addKlGradient(float[] params, int off, float weight, float[] grad) {}

  /**
   * What the layer computes at {@link Mode#EVAL} at the given parameters, pruned weights 0;
   * new arrays.
   */
  EvalForm evalForm(float[] params, int off);

  /** True when the layer draws noise in {@link Mode#SAMPLE}, a Monte-Carlo prediction. */
  boolean stochastic();

  /** The drop rate the layer learned, for reports; empty for layers that learn none. */
  default OptionalDouble learnedDropRate(float[] params, int off) {
    return OptionalDouble.empty();
  }

  /**
   * The posterior standard deviation of each weight of the evaluation form, in its layout; null
   * for layers whose weights are point estimates (or that have none).
   */
  default float[] posteriorStd(float[] params, int off) {
    return null;
  }

  /**
   * Makes {@code w} the weights of the layer's evaluation form as a point estimate (a weight 0
   * is pruned), for quantised models.
   *
   * @param w laid out as the evaluation form's weights; not modified
   * @param params modified at the layer's parameters
   * @throws IllegalArgumentException for a layer without weights
   */
  default void setWeights(float[] params, int off, float[] w) {
    throw new IllegalArgumentException("layer " + spec() + " has no weights to set");
  }

  /** Per-thread scratch space of a layer; layers without state use {@link #NONE}. */
  interface Scratch {
    Scratch NONE = new Scratch() {};
  }
}
