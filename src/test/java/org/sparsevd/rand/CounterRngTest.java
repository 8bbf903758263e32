package org.sparsevd.rand;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparsevd.math.FastMath;

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

  /**
   * Whole groups of blocks run in vector lanes when the kernels are vectorised: every normal,
   * at any length, offset and coordinates (seeds with both key words set, the largest step and
   * example), equals Box-Muller on {@link CounterRng#block} in scalar {@link FastMath}.
   */
  @Test
  void gaussiansAreBitwiseTheScalarBoxMullerOfTheirBlocks() {
    long[][] coordinates = {{1, 0, 0, 0}, {0x9E3779B97F4A7C15L, 0xFFFFFFFFL, 0xFFFFFFFFL, 7},
        {-5, 123456, 99, 1 << 20}, {42, 3, 1L << 31, 12}};
    int[] lengths = {1, 3, 4, 31, 32, 33, 64, 100, 1000, 11520};
    int checked = 0;
    for (long[] c : coordinates) {
      for (int n : lengths) {
        float[] out = new float[n + 3];
        out[0] = out[1] = 7f;
        CounterRng.gaussians(c[0], c[1], c[2], (int) c[3], out, 2, n);
        assertEquals(7f, out[1], "before the offset");
        int[] w = new int[4];
        float[] sc = new float[2];
        for (int i = 0; i < n; i++) {
          CounterRng.block(c[0], i / 4, (int) c[3], (int) c[2], (int) c[1], w);
          int pair = i % 4 / 2 * 2;
          float u = (float) (((w[pair] & 0xFFFFFFFFL) + 0.5) / 4294967296.0);
          float r = (float) Math.sqrt(-2f * FastMath.log(u));
          FastMath.sinCos2Pi((w[pair + 1] >>> 8) * 0x1.0p-24f, sc, 0);
          float expected = r * sc[i % 2 == 0 ? 1 : 0];
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[2 + i]),
              "normal " + i + " of " + n + " at " + java.util.Arrays.toString(c));
          checked++;
        }
        assertEquals(0f, out[2 + n], "after the end");
      }
    }
    assertTrue(checked > 50_000, "values checked " + checked);
  }
}
