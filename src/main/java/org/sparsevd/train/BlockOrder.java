package org.sparsevd.train;

import org.sparsevd.rand.CounterRng;

/**
 * The epoch order for data that is read a block at a time, in G streams. Stream g owns the
 * blocks b with b mod G = g; each epoch it visits them in a random order (a permutation of its
 * blocks), the rows of block b in a random order (permutation 2 + b), the blocks' rows laid end
 * to end. Step s takes the next B / G rows of every stream (the first B mod G streams one more),
 * so a step reads one block of each stream, or two at a block boundary, as long as every block
 * holds at least B / G rows: with G set to the executors' task slots, each slot computes on the
 * block it already holds at every step. A stream that runs out before the others leaves its
 * share to the streams still running. The whole set is visited once per epoch.
 *
 * <p>With one stream this is the order of the blocks (permutation 1) and rows of earlier
 * versions, bit for bit.
 */
final class BlockOrder implements BatchOrder {
  /**
   * Stream g's block permutation has id LAST_PERMUTATION - g, counting down from the top of
   * the ids (below 2^32), far from the rows' 2 + b.
   */
  private static final long LAST_PERMUTATION = (1L << 32) - 1;

  private final long[] starts;
  private final int streams;
  private final int batchSize;

  /**
   * @param starts ascending from 0; block b holds examples [starts[b], starts[b + 1])
   * @param streams G >= 1
   * @param batchSize B, the rows of a step
   */
  BlockOrder(long[] starts, int streams, int batchSize) {
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
    if (streams < 1 || streams > starts.length - 1) {
      throw new IllegalArgumentException("block_streams = " + streams + ": must be between 1 "
          + "and the " + (starts.length - 1) + " blocks");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be > 0");
    }
    this.starts = starts.clone();
    this.streams = streams;
    this.batchSize = batchSize;
  }

  @Override
  public int[] epoch(long seed, int epoch, int n) {
    int blocks = starts.length - 1;
    if (starts[blocks] != n) {
      throw new IllegalArgumentException("blocks hold " + starts[blocks] + " examples, the "
          + "training set " + n);
    }
    int[][] stream = new int[streams][];
    for (int g = 0; g < streams; g++) {
      stream[g] = rowsOf(seed, epoch, g);
    }
    if (streams == 1) {
      return stream[0];
    }
    int[] order = new int[n];
    int[] next = new int[streams];
    int at = 0;
    while (at < n) {
      // The step's B rows: an equal share of each running stream, the first streams one more
      // when B does not divide; what a finished stream cannot give, the running ones give.
      int want = Math.min(batchSize, n - at);
      while (want > 0) {
        int running = 0;
        for (int g = 0; g < streams; g++) {
          running += next[g] < stream[g].length ? 1 : 0;
        }
        for (int g = 0, k = 0; g < streams && want > 0; g++) {
          int left = stream[g].length - next[g];
          if (left == 0) {
            continue;
          }
          int share = Math.min(left, (want + running - k - 1) / (running - k));
          System.arraycopy(stream[g], next[g], order, at, share);
          next[g] += share;
          at += share;
          want -= share;
          k++;
        }
      }
    }
    return order;
  }

  /** Stream g's rows for the epoch: its blocks in a random order, each one's rows shuffled. */
  private int[] rowsOf(long seed, int epoch, int g) {
    int owned = (starts.length - 1 - g + streams - 1) / streams;
    long id = streams == 1 ? 1 : LAST_PERMUTATION - g;
    int size = 0;
    for (int b = g; b < starts.length - 1; b += streams) {
      size += (int) (starts[b + 1] - starts[b]);
    }
    int[] rows = new int[size];
    int at = 0;
    for (int i : CounterRng.permutation(seed, epoch, owned, id)) {
      int b = g + i * streams;
      int first = (int) starts[b];
      for (int r : CounterRng.permutation(seed, epoch, (int) (starts[b + 1] - first), 2L + b)) {
        rows[at++] = first + r;
      }
    }
    return rows;
  }
}
