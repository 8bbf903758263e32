/**
 * The training loop, written once: minibatch selection as a function of (seed, epoch, step),
 * the objective N * mean(CE) + klWeight * KL, schedules and the optimiser. Where the
 * cross-entropy gradient of a batch is computed is behind {@link
 * org.sparsevd.train.GradientSource}: threads in this JVM, or Spark partitions.
 */
package org.sparsevd.train;
