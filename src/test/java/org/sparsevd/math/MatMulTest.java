package org.sparsevd.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The public entry points: small hand-computed products, output contracts, checks. */
class MatMulTest {

  // A = [1 2 3; 4 5 6] (2x3), B = [1 0; 0 1; 2 -1] (3x2): A*B = [7 -1; 16 -1].
  private static final float[] A = {1, 2, 3, 4, 5, 6};
  private static final float[] B = {1, 0, 0, 1, 2, -1};
  private static final float[] AB = {7, -1, 16, -1};

  @Test
  void gemmHandComputed() {
    float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    MatMul.gemm(A, 0, B, 0, c, 0, 2, 3, 2, false);
    assertArrayEquals(AB, c);
  }

  @Test
  void gemmTnHandComputed() {
    float[] at = {1, 4, 2, 5, 3, 6}; // A^T stored 3x2
    float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    MatMul.gemmTN(at, 0, B, 0, c, 0, 2, 3, 2, false);
    assertArrayEquals(AB, c);
  }

  @Test
  void gemmNtHandComputed() {
    float[] bt = {1, 0, 2, 0, 1, -1}; // B^T stored 2x3
    float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    MatMul.gemmNT(A, 0, bt, 0, c, 0, 2, 3, 2, false);
    assertArrayEquals(AB, c);
  }

  /** C = (A1 B1^T) * (2 X) + A2 B2^T with B1 = B2 = B^T and A2 = -A1: A B (2 X - 1). */
  @Test
  void scaledPairHandComputed() {
    float[] bt = {1, 0, 2, 0, 1, -1};
    float[] minusA = new float[A.length];
    for (int i = 0; i < A.length; i++) {
      minusA[i] = -A[i];
    }
    float[] x = {1, 0.25f, 0, 2};
    float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    MatMul.gemmNTScaledPlusNT(A, bt, x, 2f, minusA, bt, c, 2, 3, 2);
    float[] want = new float[4];
    for (int e = 0; e < 4; e++) {
      want[e] = AB[e] * (2 * x[e] - 1);
    }
    assertArrayEquals(want, c);
    // No terms: C = 0 * 2X, from operands of exactly their sizes.
    float[] none = new float[0];
    float[] c8 = new float[8];
    Arrays.fill(c8, Float.NaN);
    MatMul.gemmNTScaledPlusNT(none, none, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2f, none, none,
        c8, 4, 0, 2);
    assertArrayEquals(new float[8], c8);
  }

  @Test
  void accumulateAddsToOutputAtOffset() {
    float[] c = {99, 1, 1, 1, 1, 99};
    MatMul.gemm(A, 0, B, 0, c, 1, 2, 3, 2, true);
    assertArrayEquals(new float[] {99, 8, 0, 17, 0, 99}, c);
  }

  @Test
  void overwriteIgnoresGarbageOfLargeOutput() {
    int m = 37;
    int k = 70;
    int n = 131;
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    Arrays.fill(a, 0.5f);
    Arrays.fill(b, 2f);
    for (float garbage : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -3e38f}) {
      float[] c = new float[m * n];
      Arrays.fill(c, garbage);
      MatMul.gemm(a, 0, b, 0, c, 0, m, k, n, false);
      float[] expected = new float[m * n];
      Arrays.fill(expected, k);
      assertArrayEquals(expected, c, "garbage " + garbage);
    }
  }

  @Test
  void emptyInnerDimensionGivesZeroOrLeavesOutput() {
    float[] c = {Float.NaN, Float.NaN};
    MatMul.gemm(new float[0], 0, new float[0], 0, c, 0, 1, 0, 2, false);
    assertArrayEquals(new float[] {0, 0}, c);
    float[] d = {3, 4};
    MatMul.gemmNT(new float[0], 0, new float[0], 0, d, 0, 1, 0, 2, true);
    assertArrayEquals(new float[] {3, 4}, d);
  }

  @Test
  void shortArrayMessageShowsSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MatMul.gemm(new float[78000], 0, new float[784 * 300], 0, new float[30000], 0,
            100, 784, 300, false));
    assertEquals("a: need 78400 floats from offset 0 for 100x784, have 78000", e.getMessage());
  }

  @Test
  void shapeMessagesNameTheStoredLayout() {
    assertMessage("b: need 12 floats from offset 2 for 4x3, have 11",
        () -> MatMul.gemm(new float[20], 0, new float[13], 2, new float[15], 0, 5, 4, 3, false));
    assertMessage("a: need 10 floats from offset 1 for 2x5, have 9",
        () -> MatMul.gemmTN(new float[10], 1, new float[6], 0, new float[15], 0, 5, 2, 3, false));
    assertMessage("b: need 6 floats from offset 0 for 3x2, have 5",
        () -> MatMul.gemmNT(new float[10], 0, new float[5], 0, new float[15], 0, 5, 2, 3, false));
    assertMessage("c: need 15 floats from offset 3 for 5x3, have 14",
        () -> MatMul.gemm(new float[10], 0, new float[6], 0, new float[17], 3, 5, 2, 3, false));
  }

  @Test
  void scaledPairMessagesNameTheOperand() {
    float[] six = new float[6];
    assertMessage("b2: need 6 floats from offset 0 for 2x3, have 5",
        () -> MatMul.gemmNTScaledPlusNT(six, six, new float[4], 2f, six, new float[5],
            new float[4], 2, 3, 2));
    assertMessage("x: need 4 floats from offset 0 for 2x2, have 3",
        () -> MatMul.gemmNTScaledPlusNT(six, six, new float[3], 2f, six, six, new float[4], 2,
            3, 2));
    float[] shared = new float[4];
    assertMessage("c [0, 4) overlaps x [0, 4) in the same array",
        () -> MatMul.gemmNTScaledPlusNT(six, six, shared, 2f, six, six, shared, 2, 3, 2));
  }

  @Test
  void negativeDimensionAndBadOffsetAreRejected() {
    assertMessage("dimensions must be non-negative, got m=2, k=-1, n=3",
        () -> MatMul.gemm(new float[9], 0, new float[9], 0, new float[9], 0, 2, -1, 3, false));
    assertMessage("a: offset -1 is outside an array of length 9",
        () -> MatMul.gemm(new float[9], -1, new float[9], 0, new float[9], 0, 1, 1, 1, false));
    assertMessage("c: offset 10 is outside an array of length 9",
        () -> MatMul.gemm(new float[9], 0, new float[9], 0, new float[9], 10, 0, 1, 1, false));
  }

  @Test
  void overlappingOutputIsRejected() {
    float[] shared = new float[20];
    assertMessage("c [4, 8) overlaps a [0, 6) in the same array",
        () -> MatMul.gemm(shared, 0, new float[6], 0, shared, 4, 2, 3, 2, false));
    // Disjoint regions of one array are fine.
    MatMul.gemm(shared, 0, new float[6], 0, shared, 6, 2, 3, 2, false);
  }

  @Test
  void vectorKernelsAreSelectedWhenTheModuleIsPresent() {
    assumeTrue(System.getProperty(MatMul.KERNELS_PROPERTY) == null);
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    assertTrue(MatMul.implementationName().startsWith("vector"), MatMul.implementationName());
  }

  private static void assertMessage(String expected, Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
