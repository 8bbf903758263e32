package org.sparsevd.train;

import org.sparsevd.nn.BatchLoss;

/**
 * Computes the gradient of a minibatch's per-example terms: the summed cross-entropy and the
 * weighted per-example KL ({@link org.sparsevd.nn.PerExampleKl}). Whatever the implementation,
 * the result must be a deterministic function of its arguments: noise is keyed by (seed, step,
 * example index) and partial sums are merged in a fixed order.
 */
public interface GradientSource extends AutoCloseable {
  /**
   * @param params the current parameters; not modified
   * @param batch global indices of the batch's training examples, ascending; not modified
   * @param step the global step number (the noise key)
   * @param klWeight the weight of the per-example KL
   * @param grad overwritten with d(sum over the batch of CE + klWeight KL(x))/dparams
   * @return the batch's summed cross-entropy and per-example KL
   */
  BatchLoss gradient(float[] params, int[] batch, long step, float klWeight, float[] grad);

  /** Number of training examples. */
  long size();

  @Override
  default void close() {}
}
