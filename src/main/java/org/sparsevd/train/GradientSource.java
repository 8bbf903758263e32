package org.sparsevd.train;

/**
 * Computes the summed cross-entropy gradient of a minibatch of the training set. Whatever
 * the implementation, the result must be a deterministic function of its arguments: noise is
 * keyed by (seed, step, example index) and partial sums are merged in a fixed order.
 */
public interface GradientSource extends AutoCloseable {
  /**
   * @param params the current parameters; not modified
   * @param batch global indices of the batch's training examples, ascending; not modified
   * @param step the global step number (the noise key)
   * @param grad overwritten with d(sum over the batch of CE)/dparams
   * @return the summed cross-entropy of the batch
   */
  double gradient(float[] params, int[] batch, long step, float[] grad);

  /** Number of training examples. */
  long size();

  @Override
  default void close() {}
}
