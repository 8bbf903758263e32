package org.sparsevd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.sparsevd.rand.CounterRng;

/** The epoch orders: permutations of every row, repeatable, and the blocks order's locality. */
class BatchOrderTest {
  /** Uneven blocks, one of them empty, all others larger than the batch of {@link #B}. */
  private static final long[] STARTS = {0, 700, 1500, 1500, 2230, 3000, 3611};
  private static final int N = 3611;
  private static final int B = 250;

  private static int blockOf(int row) {
    int b = 0;
    while (STARTS[b + 1] <= row) {
      b++;
    }
    return b;
  }

  @Test
  void everyEpochIsAPermutationOfAllRows() {
    BatchOrder order = BatchOrder.blocks(STARTS);
    for (int epoch = 0; epoch < 4; epoch++) {
      int[] sorted = order.epoch(9, epoch, N).clone();
      Arrays.sort(sorted);
      for (int i = 0; i < N; i++) {
        assertEquals(i, sorted[i], "epoch " + epoch);
      }
    }
  }

  @Test
  void theOrderIsAFunctionOfSeedAndEpoch() {
    BatchOrder order = BatchOrder.blocks(STARTS);
    assertArrayEquals(order.epoch(9, 2, N), BatchOrder.blocks(STARTS.clone()).epoch(9, 2, N));
    assertFalse(Arrays.equals(order.epoch(9, 2, N), order.epoch(10, 2, N)));
    assertFalse(Arrays.equals(order.epoch(9, 2, N), order.epoch(9, 3, N)));
    // The global order is the permutation every earlier run used.
    assertArrayEquals(CounterRng.permutation(9, 2, N), BatchOrder.GLOBAL.epoch(9, 2, N));
  }

  /** The blocks in the order an epoch visits them, checking each comes as one run. */
  private static java.util.List<Integer> blockSequence(int[] order) {
    java.util.List<Integer> seq = new java.util.ArrayList<>();
    for (int i = 0; i < order.length; i++) {
      int b = blockOf(order[i]);
      if (seq.isEmpty() || seq.get(seq.size() - 1) != b) {
        assertFalse(seq.contains(b), "block " + b + " comes back at position " + i);
        seq.add(b);
      }
    }
    return seq;
  }

  @Test
  void blocksComeWholeInAShuffledOrderWithShuffledRows() {
    BatchOrder order = BatchOrder.blocks(STARTS);
    java.util.Set<java.util.List<Integer>> sequences = new java.util.HashSet<>();
    for (int epoch = 0; epoch < 6; epoch++) {
      int[] perm = order.epoch(3, epoch, N);
      sequences.add(blockSequence(perm));
      int ascending = 0;
      for (int i = 1; i < N; i++) {
        ascending += perm[i] == perm[i - 1] + 1 ? 1 : 0;
      }
      assertTrue(ascending < N / 100, "epoch " + epoch + ": " + ascending + " rows follow "
          + "their predecessor");
    }
    assertTrue(sequences.size() > 1, "the blocks keep one order: " + sequences);
  }

  @Test
  void aBatchTouchesAtMostTwoBlocks() {
    BatchOrder order = BatchOrder.blocks(STARTS);
    int boundaries = 0;
    for (int epoch = 0; epoch < 20; epoch++) {
      int[] perm = order.epoch(1, epoch, N);
      for (int s = 0; s < N / B; s++) {
        TreeSet<Integer> blocks = new TreeSet<>();
        for (int i = s * B; i < (s + 1) * B; i++) {
          blocks.add(blockOf(perm[i]));
        }
        assertTrue(blocks.size() <= 2, "epoch " + epoch + " step " + s + ": " + blocks);
        boundaries += blocks.size() - 1;
      }
      // A global permutation spreads the same batches over every block.
      int[] global = BatchOrder.GLOBAL.epoch(1, epoch, N);
      TreeSet<Integer> blocks = new TreeSet<>();
      for (int i = 0; i < B; i++) {
        blocks.add(blockOf(global[i]));
      }
      assertEquals(5, blocks.size());
    }
    assertTrue(boundaries > 0);
  }

  @Test
  void oneStreamIsTheBlocksOrderOfEarlierVersions() {
    for (int batch : new int[] {1, 250, 4000}) {
      assertArrayEquals(BatchOrder.blocks(STARTS).epoch(9, 2, N),
          BatchOrder.blocks(STARTS, 1, batch).epoch(9, 2, N));
    }
  }

  /**
   * Six blocks of 400 in G = 3 streams at B = 300: every step takes 100 rows of each stream
   * (block b is in stream b mod 3), from one of its blocks or two at a boundary; the epoch is a
   * permutation, repeatable, and the streams' block orders change from epoch to epoch.
   */
  @Test
  void everyStepTakesItsShareOfEveryStream() {
    long[] starts = {0, 400, 800, 1200, 1600, 2000, 2400};
    BatchOrder order = BatchOrder.blocks(starts, 3, 300);
    java.util.Set<String> firstBlocks = new java.util.HashSet<>();
    for (int epoch = 0; epoch < 5; epoch++) {
      int[] perm = order.epoch(4, epoch, 2400);
      assertArrayEquals(perm, BatchOrder.blocks(starts.clone(), 3, 300).epoch(4, epoch, 2400));
      int[] sorted = perm.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < sorted.length; i++) {
        assertEquals(i, sorted[i]);
      }
      for (int s = 0; s < 8; s++) {
        int[] perStream = new int[3];
        TreeSet<Integer> blocks = new TreeSet<>();
        for (int i = s * 300; i < (s + 1) * 300; i++) {
          int b = perm[i] / 400;
          perStream[b % 3]++;
          blocks.add(b);
        }
        assertArrayEquals(new int[] {100, 100, 100}, perStream, "epoch " + epoch + " step " + s);
        assertTrue(blocks.size() >= 3 && blocks.size() <= 6, blocks.toString());
      }
      firstBlocks.add(perm[0] / 400 + "," + perm[100] / 400 + "," + perm[200] / 400);
    }
    assertTrue(firstBlocks.size() > 1, "the streams keep one block order: " + firstBlocks);
  }

  /** Uneven blocks, one empty, in 2 streams: a permutation, each stream's share per step. */
  @Test
  void unevenStreamsGiveTheirRowsToTheOthersWhenTheyRunOut() {
    BatchOrder order = BatchOrder.blocks(STARTS, 2, B);
    for (int epoch = 0; epoch < 4; epoch++) {
      int[] perm = order.epoch(9, epoch, N);
      int[] sorted = perm.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < N; i++) {
        assertEquals(i, sorted[i], "epoch " + epoch);
      }
      // Stream 0 holds blocks 0, 2, 4 (1,500 rows), stream 1 blocks 1, 3, 5 (2,111): the first
      // steps split evenly.
      for (int s = 0; s < 5; s++) {
        int even = 0;
        for (int i = s * B; i < (s + 1) * B; i++) {
          even += blockOf(perm[i]) % 2 == 0 ? 1 : 0;
        }
        assertEquals(B / 2, even, "epoch " + epoch + " step " + s);
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchOrder.blocks(STARTS, 7, B));
    assertEquals("block_streams = 7: must be between 1 and the 6 blocks", e.getMessage());
  }

  @Test
  void aLayoutThatDoesNotCoverTheSetIsRefused() {
    BatchOrder order = BatchOrder.blocks(STARTS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> order.epoch(1, 0, N + 1));
    assertEquals("blocks hold 3611 examples, the training set 3612", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BatchOrder.blocks(new long[] {0, 10, 5}));
    assertEquals("block 1 spans [10, 5)", e.getMessage());
  }
}
