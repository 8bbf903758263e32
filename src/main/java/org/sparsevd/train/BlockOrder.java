package org.sparsevd.train;

import org.sparsevd.rand.CounterRng;

/**
 * The epoch order for data that is read a block at a time: each epoch a permutation of the
 * blocks (permutation 1 of the epoch), and within block b a permutation of its rows
 * (permutation 2 + b), the blocks' rows laid end to end in the blocks' order. A step that
 * takes B consecutive positions then needs one block, or two at a block boundary, as long as
 * every block holds at least B rows; the whole set is still visited once per epoch.
 */
final class BlockOrder implements BatchOrder {
  private final long[] starts;

  /** @param starts ascending from 0; block b holds examples [starts[b], starts[b + 1]) */
  BlockOrder(long[] starts) {
    if (starts.length < 2 || starts[0] != 0) {
      throw new IllegalArgumentException("block starts must begin at 0 and bound at least one "
          + "block, got " + starts.length + " values");
    }
    for (int b = 0; b + 1 < starts.length; b++) {
      if (starts[b + 1] < starts[b] || starts[b + 1] - starts[b] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("block " + b + " spans [" + starts[b] + ", "
            + starts[b + 1] + ")");
      }
    }
    this.starts = starts.clone();
  }

  @Override
  public int[] epoch(long seed, int epoch, int n) {
    int blocks = starts.length - 1;
    if (starts[blocks] != n) {
      throw new IllegalArgumentException("blocks hold " + starts[blocks] + " examples, the "
          + "training set " + n);
    }
    int[] order = new int[n];
    int at = 0;
    for (int b : CounterRng.permutation(seed, epoch, blocks, 1)) {
      int first = (int) starts[b];
      int[] rows = CounterRng.permutation(seed, epoch, (int) (starts[b + 1] - first), 2L + b);
      for (int r : rows) {
        order[at++] = first + r;
      }
    }
    return order;
  }
}
