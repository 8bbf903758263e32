package org.sparsevd.rand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CounterRngTest {
  /** Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors). */
  @Test
  void philoxMatchesPublishedKnownAnswers() {
    int[] out = new int[4];
    CounterRng.block(0L, 0, 0, 0, 0, out);
    assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
    CounterRng.block(-1L, -1, -1, -1, -1, out);
    assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
    long key = (0x299f31d0L << 32) | 0xa4093822L;
    CounterRng.block(key, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, out);
    assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
  }

  @Test
  void gaussiansDependOnlyOnTheirCoordinates() {
    float[] all = new float[10];
    CounterRng.gaussians(42, 7, 123, 2, all, 0, 10);
    float[] prefix = new float[7];
    CounterRng.gaussians(42, 7, 123, 2, prefix, 0, 7);
    assertArrayEquals(Arrays.copyOf(all, 7), prefix);
    float[] other = new float[10];
    CounterRng.gaussians(42, 7, 124, 2, other, 0, 10);
    assertNotEquals(Arrays.toString(all), Arrays.toString(other));
  }

  @Test
  void gaussiansHaveUnitMomentsAndNoCorrelationBetweenExamples() {
    int n = 200_000;
    float[] a = new float[n];
    float[] b = new float[n];
    CounterRng.gaussians(1, 0, 0, 0, a, 0, n);
    CounterRng.gaussians(1, 0, 1, 0, b, 0, n);
    double mean = 0;
    double var = 0;
    double cov = 0;
    for (int i = 0; i < n; i++) {
      mean += a[i];
      var += a[i] * a[i];
      cov += a[i] * b[i];
    }
    assertEquals(0, mean / n, 0.01);
    assertEquals(1, var / n, 0.01);
    assertEquals(0, cov / n, 0.01);
  }

  @Test
  void permutationIsAPermutationAndDependsOnEpoch() {
    int[] p = CounterRng.permutation(5, 3, 1000);
    int[] sorted = p.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
    assertArrayEquals(p, CounterRng.permutation(5, 3, 1000));
    assertNotEquals(Arrays.toString(p), Arrays.toString(CounterRng.permutation(5, 4, 1000)));
  }

  @Test
  void coordinatesOutOfRangeAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CounterRng.gaussians(1, -1, 0, 0, new float[4], 0, 4));
    assertEquals("step -1 outside [0, 2^32)", e.getMessage());
  }
}
