package org.sparsevd.train;

import org.sparsevd.rand.CounterRng;

/**
 * The order in which an epoch visits the training examples: step s of the epoch takes the
 * examples at positions {@code [s * B, (s + 1) * B)} of it. A function of (seed, epoch, n) and
 * of the order's own settings only, so that every run and every resumed run repeats it.
 */
@FunctionalInterface
public interface BatchOrder {
  /** A permutation of {@code [0, n)}: the training examples in the order epoch visits them. */
  int[] epoch(long seed, int epoch, int n);

  /** A permutation of the whole set: a step's batch may hold rows of every block. */
  BatchOrder GLOBAL = CounterRng::permutation;

  /**
   * Blocks in a random order, the rows of each block in a random order: a step's batch lies in
   * one block or two consecutive ones of the epoch's order when every block holds at least B
   * rows (see {@link BlockOrder}).
   *
   * @param starts block {@code b} holds examples {@code [starts[b], starts[b + 1])}
   */
  static BatchOrder blocks(long[] starts) {
    return new BlockOrder(starts, 1, 1);
  }

  /**
   * The blocks in {@code streams} streams (block b in stream b mod G), each visiting its blocks
   * and their rows in a random order; a step takes B / G rows of every stream, so it reads one
   * block (two at a boundary) of each (see {@link BlockOrder}). One stream is {@link
   * #blocks(long[])}.
   */
  static BatchOrder blocks(long[] starts, int streams, int batchSize) {
    return new BlockOrder(starts, streams, batchSize);
  }
}
