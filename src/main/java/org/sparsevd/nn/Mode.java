package org.sparsevd.nn;

/** How a forward pass treats the variational posterior. */
public enum Mode {
  /** Local reparameterisation noise; pruned weights leave the mean path only if train clip is on. */
  TRAIN,
  /** Deterministic: posterior means with pruned weights masked; no noise. */
  EVAL,
  /** One Monte-Carlo sample of the pruned posterior (mean and variance masked). */
  SAMPLE
}
