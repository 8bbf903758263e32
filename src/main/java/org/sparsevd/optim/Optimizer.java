package org.sparsevd.optim;

/**
 * A first-order optimiser over a flat parameter array. Order of calls:
 * {@code newState(n)} once, then {@code step(state, params, grad, lr)} per minibatch. The
 * optimiser itself is immutable configuration; everything that changes lives in
 * {@link OptimizerState}, which a checkpoint saves. A config names one through
 * {@link OptimizerSpec#parse}.
 */
public interface Optimizer {
  /** Fresh state for {@code n} parameters. */
  OptimizerState newState(int n);

  /**
   * Updates {@code params} in place from {@code grad}; advances {@code state}.
   *
   * @param params modified
   * @param grad not modified
   * @param state modified
   */
  void step(OptimizerState state, float[] params, float[] grad, double lr);
}
