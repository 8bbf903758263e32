package org.sparsevd.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparsevd.math.Operands.Op;

/**
 * The scalar kernels against a double-precision triple loop, and the vector kernels against
 * the scalar ones, on ragged sizes with nonzero offsets and zeros sprinkled into A. The vector
 * kernels run with both block widths (two and four vectors of columns), whichever this
 * machine would choose.
 */
class MatMulKernelsTest {

  private static final MatMulKernels[] VECTOR = {new VectorMatMul(2), new VectorMatMul(4)};

  private static final int[] SIZES = {1, 3, 4, 13, 17, 31, 33, 100, 207};
  private static final double RELATIVE = 1e-5;

  /** The zero pattern of {@link Operands#zeroRuns}, among the zero fractions. */
  private static final double RUNS = -1;

  @ParameterizedTest
  @EnumSource(Op.class)
  void scalarMatchesDoublePrecision(Op op) {
    checkAllSizes(op, new ScalarMatMul(), null);
  }

  @ParameterizedTest
  @EnumSource(Op.class)
  void vectorMatchesScalar(Op op) {
    for (MatMulKernels vector : VECTOR) {
      checkAllSizes(op, vector, new ScalarMatMul());
    }
  }

  /** Sizes around the vector width and the six- and four-row units, where the kernels branch. */
  @ParameterizedTest
  @EnumSource(Op.class)
  void vectorMatchesScalarAroundBlockEdges(Op op) {
    SplittableRandom rnd = new SplittableRandom(7);
    int[] edges = {2, 5, 6, 7, 10, 11, 15, 16, 63, 64, 65, 66, 67, 68, 129};
    for (MatMulKernels vector : VECTOR) {
      for (int m : edges) {
        for (int n : edges) {
          check(op, vector, new ScalarMatMul(), m, 257, n, rnd);
        }
      }
    }
  }

  private static void checkAllSizes(Op op, MatMulKernels impl, MatMulKernels reference) {
    SplittableRandom rnd = new SplittableRandom(op.ordinal());
    for (int m : SIZES) {
      for (int k : SIZES) {
        for (int n : SIZES) {
          check(op, impl, reference, m, k, n, rnd);
        }
      }
    }
  }

  /**
   * Runs impl with accumulate false and true and compares each C with the reference (a
   * double-precision product when reference is null), element by element, within RELATIVE
   * of sum_p |A[i][p] B[p][j]|. Padding around C must survive untouched.
   */
  private static void check(Op op, MatMulKernels impl, MatMulKernels reference, int m, int k,
      int n, SplittableRandom rnd) {
    int aOff = rnd.nextInt(5);
    int bOff = rnd.nextInt(5);
    int cOff = 1 + rnd.nextInt(5);
    float[] a = Operands.padded(rnd, aOff, op.aLength(m, k), 0.3, Float.NaN);
    float[] b = Operands.padded(rnd, bOff, op.bLength(k, n), 0.0, Float.NaN);
    float[] start = Operands.padded(rnd, cOff, m * n, 0.0, Operands.SENTINEL);
    double[] exact = Operands.product(op, a, aOff, b, bOff, m, k, n);
    double[] scale = Operands.absProduct(op, a, aOff, b, bOff, m, k, n);
    for (boolean accumulate : new boolean[] {false, true}) {
      float[] c = start.clone();
      if (!accumulate) {
        Arrays.fill(c, cOff, cOff + m * n, Float.NaN);
      }
      op.run(impl, a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
      String where = String.format("%s %s m=%d k=%d n=%d accumulate=%b", impl.name(), op, m, k,
          n, accumulate);
      float[] expected = new float[m * n];
      if (reference != null) {
        float[] r = start.clone();
        op.run(reference, a, aOff, b, bOff, r, cOff, m, k, n, accumulate);
        System.arraycopy(r, cOff, expected, 0, m * n);
      }
      for (int e = 0; e < m * n; e++) {
        double base = accumulate ? start[cOff + e] : 0.0;
        double want = reference != null ? expected[e] : base + exact[e];
        double tol = RELATIVE * (scale[e] + Math.abs(base)) + 1e-30;
        float got = c[cOff + e];
        if (!(Math.abs(got - want) <= tol)) {
          fail(where + ": C[" + e / n + "][" + e % n + "] = " + got + ", expected " + want
              + " within " + tol);
        }
      }
      for (int e = 0; e < cOff; e++) {
        assertEquals(Operands.SENTINEL, c[e], where + ": wrote before C at " + e);
      }
      for (int e = cOff + m * n; e < c.length; e++) {
        assertEquals(Operands.SENTINEL, c[e], where + ": wrote after C at " + e);
      }
    }
  }

  /** The same call twice gives bitwise the same C, on a size that uses every code path. */
  @ParameterizedTest
  @EnumSource(Op.class)
  void vectorIsDeterministic(Op op) {
    SplittableRandom rnd = new SplittableRandom(3);
    int m = 103;
    int k = 300;
    int n = 77;
    float[] a = Operands.padded(rnd, 2, op.aLength(m, k), 0.8, Float.NaN);
    float[] b = Operands.padded(rnd, 1, op.bLength(k, n), 0.0, Float.NaN);
    float[] c1 = new float[m * n];
    float[] c2 = new float[m * n];
    op.run(VECTOR[0], a, 2, b, 1, c1, 0, m, k, n, false);
    op.run(VECTOR[0], a, 2, b, 1, c2, 0, m, k, n, false);
    assertArrayEquals(c1, c2);
    op.run(VECTOR[1], a, 2, b, 1, c2, 0, m, k, n, false);
    assertArrayEquals(c1, c2, "two-vector and four-vector blocks");
  }

  /**
   * The vector kernels give every element of C its terms in increasing p, one fused
   * multiply-add each, whatever the blocking, the padding of the last columns and the choice to
   * skip zeros: so a trained model's bits do not depend on the path a product took. Zero
   * fractions from dense to 95% in A and half that in B, where the kernels list the nonzeros
   * (of B when a narrow gemmTN runs as its transpose, and over B packed where 600 rows read it
   * often), k-blocks of unequal length (k = 1025),
   * and A zero in runs of 24 floats with
   * negative zeros among them, as an image's borders are (the list builders pass over such runs
   * whole); shapes of LeNet-5's convolutions in small (25 patch values to 20 filters, a
   * 50-filter layer).
   */
  @ParameterizedTest
  @EnumSource(Op.class)
  void vectorSumsEachElementInOrderWithFusedMultiplyAdds(Op op) {
    SplittableRandom rnd = new SplittableRandom(11);
    int[][] shapes = {{5, 257, 20}, {67, 300, 50}, {130, 40, 300}, {64, 700, 7}, {25, 3000, 20},
        {13, 1025, 37}, {600, 64, 100}, {130, 1100, 20}};
    for (double zeros : new double[] {0, 0.5, 0.95, RUNS}) {
      for (int[] shape : shapes) {
        int m = shape[0];
        int k = shape[1];
        int n = shape[2];
        float[] a = zeros == RUNS ? Operands.zeroRuns(rnd, 1, op.aLength(m, k), 24)
            : Operands.padded(rnd, 1, op.aLength(m, k), zeros, Float.NaN);
        float[] b = Operands.padded(rnd, 2, op.bLength(k, n), Math.max(0, zeros / 2),
            Float.NaN);
        for (boolean accumulate : new boolean[] {false, true}) {
          float[] c = Operands.padded(rnd, 3, m * n, 0.0, Operands.SENTINEL);
          float[] want = c.clone();
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              float sum = accumulate ? c[3 + i * n + j] : 0f;
              for (int p = 0; p < k; p++) {
                sum = Math.fma((float) op.aAt(a, 1, m, k, i, p), (float) op.bAt(b, 2, k, n, p, j),
                    sum);
              }
              want[3 + i * n + j] = sum;
            }
          }
          for (MatMulKernels vector : VECTOR) {
            float[] got = c.clone();
            op.run(vector, a, 1, b, 2, got, 3, m, k, n, accumulate);
            for (int e = 0; e < c.length; e++) {
              if (Float.floatToRawIntBits(want[e]) != Float.floatToRawIntBits(got[e])) {
                fail(String.format("%s %s m=%d k=%d n=%d zeros=%.2f accumulate=%b: C at %d is "
                    + "%s, the in-order fused sum %s", vector.name(), op, m, k, n, zeros,
                    accumulate, e - 3, got[e], want[e]));
              }
            }
          }
        }
      }
    }
  }

  /**
   * The two products of an input gradient in one pass give every element of C the bits of the
   * in-order fused sums they replace: the first sum, times f X, then the second continuing from
   * it, up to the sign of a zero (a skipped zero term leaves a -0 where adding +0 gives +0).
   * The scalar kernels, which define the result as two gemmNT calls and a scaling pass, agree
   * with the same formula in double precision. Shapes around the six- and four-row units and a
   * last partial block of columns (LeNet-5's conv2 is 6,400 x 50 x 500), with A1 and A2 dense,
   * half zero and 90% zero (where the kernels list nonzeros); nothing is written past C.
   */
  @Test
  void scaledPairSumsEachElementInOrder() {
    SplittableRandom rnd = new SplittableRandom(13);
    int[][] shapes = {{1, 1, 1}, {7, 50, 65}, {13, 3, 64}, {67, 50, 500}, {100, 100, 300},
        {6, 0, 20}, {12, 17, 129}, {5, 9, 16}, {66, 50, 500}};
    float f = 2f;
    double[] zeroFractions = {0, 0.5, 0.9};
    for (int run = 0; run < zeroFractions.length * shapes.length; run++) {
      double zeros = zeroFractions[run / shapes.length];
      int[] shape = shapes[run % shapes.length];
      int m = shape[0];
      int k = shape[1];
      int n = shape[2];
      float[] a1 = Operands.padded(rnd, 0, m * k, zeros, Float.NaN);
      float[] a2 = Operands.padded(rnd, 0, m * k, zeros, Float.NaN);
      float[] b1 = Operands.padded(rnd, 0, n * k, 0.0, Float.NaN);
      float[] b2 = Operands.padded(rnd, 0, n * k, 0.0, Float.NaN);
      float[] x = Operands.padded(rnd, 0, m * n, 0.2, Float.NaN);
      for (MatMulKernels impl : new MatMulKernels[] {VECTOR[0], VECTOR[1], new ScalarMatMul()}) {
        float[] c = Operands.padded(rnd, 0, m * n, 0.0, Operands.SENTINEL);
        impl.gemmNTScaledPlusNT(a1, b1, x, f, a2, b2, c, m, k, n);
        String where = String.format("%s m=%d k=%d n=%d zeros=%.1f", impl.name(), m, k, n,
            zeros);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            float fused = 0f;
            double exact = 0;
            double scale = 0;
            for (int p = 0; p < k; p++) {
              fused = Math.fma(a1[i * k + p], b1[j * k + p], fused);
              exact += (double) a1[i * k + p] * b1[j * k + p];
              scale += Math.abs((double) a1[i * k + p] * b1[j * k + p]);
            }
            fused *= f * x[i * n + j];
            exact *= f * x[i * n + j];
            scale *= Math.abs(f * x[i * n + j]);
            for (int p = 0; p < k; p++) {
              fused = Math.fma(a2[i * k + p], b2[j * k + p], fused);
              exact += (double) a2[i * k + p] * b2[j * k + p];
              scale += Math.abs((double) a2[i * k + p] * b2[j * k + p]);
            }
            float got = c[i * n + j];
            String at = where + ": C[" + i + "][" + j + "] = " + got;
            if (impl instanceof VectorMatMul) {
              if (!(got == 0f && fused == 0f)) {
                assertEquals(Float.floatToRawIntBits(fused), Float.floatToRawIntBits(got),
                    at + ", the in-order fused sum " + fused);
              }
            } else if (!(Math.abs(got - exact) <= RELATIVE * scale + 1e-30)) {
              fail(at + ", expected " + exact);
            }
          }
        }
        for (int e = m * n; e < c.length; e++) {
          assertEquals(Operands.SENTINEL, c[e], where + ": wrote after C at " + e);
        }
      }
    }
  }
}
