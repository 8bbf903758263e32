package org.sparsevd.nn;

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

  /** Weights that could be pruned (0 for layers without weights). */
  default int weightCount() {
    return 0;
  }

  /** Weights kept after pruning at the current parameters. */
  default int keptWeights(float[] params, int off) {
    return weightCount();
  }

  /**
   * The weights used at evaluation, pruned ones set to 0: [in x out] row-major, a new array;
   * null for layers without weights.
   */
  default float[] effectiveWeights(float[] params, int off) {
    return null;
  }

  /** A copy of the bias [out]; null for layers without one. */
  default float[] bias(float[] params, int off) {
    return null;
  }

  /** Per-thread scratch space of a layer; layers without state use {@link #NONE}. */
  interface Scratch {
    Scratch NONE = new Scratch() {};
  }
}
