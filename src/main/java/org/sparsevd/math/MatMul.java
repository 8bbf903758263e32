package org.sparsevd.math;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dense single-precision matrix products on flat row-major {@code float[]} arrays.
 *
 * <p>Every matrix is a block of {@code rows * cols} consecutive floats starting at its
 * offset; element (r, c) of an {@code R x C} matrix sits at {@code off + r * C + c}. With
 * {@code accumulate == false} the output is overwritten (whatever it held, NaN included, is
 * ignored); with {@code accumulate == true} the product is added to it.
 *
 * <p>Elements of A that are exactly zero may be skipped in {@link #gemm} and {@link #gemmTN}
 * (inputs and ReLU activations are mostly zeros; the vector kernels skip them where that pays).
 * For finite B a skipped term is zero anyway, so the choice changes no result but the sign of
 * a zero. An infinity or NaN of B met only by zeros of A may or may not reach C: the result
 * may or may not include {@code 0 * B[p][j]}.
 *
 * <p>The kernels are single-threaded and allocate their scratch arrays once per call, never
 * inside their loops; the same inputs give bitwise the same outputs on every call. The
 * implementation is chosen once per JVM: the {@code jdk.incubator.vector} one when that
 * module is present and passes a self-check, the scalar one otherwise or when
 * {@code -Dsparsevd.kernels=scalar} is set.
 */
public final class MatMul {

  /** System property that forces the scalar kernels when set to {@code scalar}. */
  public static final String KERNELS_PROPERTY = "sparsevd.kernels";

  private MatMul() {
  }

  /**
   * Whether the vector implementation was chosen; {@link ArrayMath} follows the same choice so
   * that one JVM never mixes the two.
   */
  public static boolean isVectorized() {
    return !(Holder.IMPL instanceof ScalarMatMul);
  }

  /** Name of the implementation in use, e.g. {@code "vector(512-bit, 4-vector blocks)"} or {@code "scalar"}. */
  public static String implementationName() {
    return Holder.IMPL.name();
  }

  /**
   * C = A * B, or C += A * B: {@code C[i][j] (+)= sum_p A[i][p] * B[p][j]}.
   *
   * @param a A, m x k; not modified
   * @param aOff offset of A[0][0] in {@code a}
   * @param b B, k x n; not modified
   * @param bOff offset of B[0][0] in {@code b}
   * @param c C, m x n; modified
   * @param cOff offset of C[0][0] in {@code c}
   * @param m rows of A and C
   * @param k columns of A, rows of B
   * @param n columns of B and C
   * @param accumulate add to C instead of overwriting it
   * @throws IllegalArgumentException if a dimension is negative, an array is too short for
   *     its matrix, or C overlaps A or B
   */
  public static void gemm(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    check(m, k, n, "a", a, aOff, m, k, "b", b, bOff, k, n, c, cOff);
    Holder.IMPL.gemm(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
  }

  /**
   * C = A^T * B, or C += A^T * B: {@code C[i][j] (+)= sum_p A[p][i] * B[p][j]}. Used for
   * weight gradients, X^T * dY, without materialising the transpose.
   *
   * @param a A, stored k x m; not modified
   * @param aOff offset of A[0][0] in {@code a}
   * @param b B, k x n; not modified
   * @param bOff offset of B[0][0] in {@code b}
   * @param c C, m x n; modified
   * @param cOff offset of C[0][0] in {@code c}
   * @param m columns of the stored A, rows of C
   * @param k rows of the stored A and of B
   * @param n columns of B and C
   * @param accumulate add to C instead of overwriting it
   * @throws IllegalArgumentException if a dimension is negative, an array is too short for
   *     its matrix, or C overlaps A or B
   */
  public static void gemmTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    check(m, k, n, "a", a, aOff, k, m, "b", b, bOff, k, n, c, cOff);
    Holder.IMPL.gemmTN(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
  }

  /**
   * C = A * B^T, or C += A * B^T: {@code C[i][j] (+)= sum_p A[i][p] * B[j][p]}. Used for
   * input gradients, dY * W^T, with W stored n x k.
   *
   * @param a A, m x k; not modified
   * @param aOff offset of A[0][0] in {@code a}
   * @param b B, stored n x k; not modified
   * @param bOff offset of B[0][0] in {@code b}
   * @param c C, m x n; modified
   * @param cOff offset of C[0][0] in {@code c}
   * @param m rows of A and C
   * @param k columns of A and of the stored B
   * @param n rows of the stored B, columns of C
   * @param accumulate add to C instead of overwriting it
   * @throws IllegalArgumentException if a dimension is negative, an array is too short for
   *     its matrix, or C overlaps A or B
   */
  public static void gemmNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      int m, int k, int n, boolean accumulate) {
    check(m, k, n, "a", a, aOff, m, k, "b", b, bOff, n, k, c, cOff);
    Holder.IMPL.gemmNT(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
  }

  /**
   * Two products of the same shape with an elementwise scale between them, in one pass over C:
   * {@code C[i][j] = f X[i][j] sum_p A1[i][p] B1[j][p] + sum_p A2[i][p] B2[j][p]}, the second
   * sum continuing from the scaled first. This is the input gradient of the local
   * reparameterisation trick, dy theta^T + 2 x (dvar var^T). The result is that of
   * {@code gemmNT(A1, B1)} into C, then {@code C[e] *= f * X[e]}, then {@code gemmNT(A2, B2)}
   * added to C: every sum in increasing p, zeros of A1 and A2 skipped or not as in the
   * products above (see the class comment). Every matrix starts at index 0 of its array.
   *
   * @param a1 A1, m x k; not modified
   * @param b1 B1, stored n x k; not modified
   * @param x X, m x n; not modified
   * @param a2 A2, m x k; not modified
   * @param b2 B2, stored n x k; not modified
   * @param c C, m x n; overwritten
   * @throws IllegalArgumentException if a dimension is negative, an array is too short for
   *     its matrix, or C overlaps another operand
   */
  public static void gemmNTScaledPlusNT(float[] a1, float[] b1, float[] x, float f, float[] a2,
      float[] b2, float[] c, int m, int k, int n) {
    check(m, k, n, "a1", a1, 0, m, k, "b1", b1, 0, n, k, c, 0);
    check(m, k, n, "a2", a2, 0, m, k, "b2", b2, 0, n, k, c, 0);
    checkDisjoint("x", x, 0, checkRange("x", x, 0, m, n), c, 0, (long) m * n);
    Holder.IMPL.gemmNTScaledPlusNT(a1, b1, x, f, a2, b2, c, m, k, n);
  }

  /** Checks dimensions first so that the range messages below never show negative sizes. */
  private static void check(int m, int k, int n, String aName, float[] a, int aOff, int aRows,
      int aCols, String bName, float[] b, int bOff, int bRows, int bCols, float[] c, int cOff) {
    if (m < 0 || k < 0 || n < 0) {
      throw new IllegalArgumentException(String.format(
          "dimensions must be non-negative, got m=%d, k=%d, n=%d", m, k, n));
    }
    long aLen = checkRange(aName, a, aOff, aRows, aCols);
    long bLen = checkRange(bName, b, bOff, bRows, bCols);
    long cLen = checkRange("c", c, cOff, m, n);
    checkDisjoint(aName, a, aOff, aLen, c, cOff, cLen);
    checkDisjoint(bName, b, bOff, bLen, c, cOff, cLen);
  }

  private static long checkRange(String name, float[] x, int off, int rows, int cols) {
    if (x == null) {
      throw new IllegalArgumentException(name + ": array is null");
    }
    long need = (long) rows * cols;
    if (off < 0 || off > x.length) {
      throw new IllegalArgumentException(String.format(
          "%s: offset %d is outside an array of length %d", name, off, x.length));
    }
    if (need > x.length - off) {
      throw new IllegalArgumentException(String.format(
          "%s: need %d floats from offset %d for %dx%d, have %d",
          name, need, off, rows, cols, x.length - off));
    }
    return need;
  }

  /** Writing C while reading an overlapping A or B would read partly updated values. */
  private static void checkDisjoint(String name, float[] x, int xOff, long xLen,
      float[] c, int cOff, long cLen) {
    if (x == c && xLen > 0 && cLen > 0 && xOff < cOff + cLen && cOff < xOff + xLen) {
      throw new IllegalArgumentException(String.format(
          "c [%d, %d) overlaps %s [%d, %d) in the same array", cOff, cOff + cLen, name, xOff,
          xOff + xLen));
    }
  }

  /** Chooses the implementation on first use; the class loader makes this happen once. */
  private static final class Holder {
    static final MatMulKernels IMPL = select();

    private static MatMulKernels select() {
      Logger log = Logger.getLogger(MatMul.class.getName());
      MatMulKernels scalar = new ScalarMatMul();
      if ("scalar".equals(System.getProperty(KERNELS_PROPERTY))) {
        log.info("Using scalar matmul kernels: -D" + KERNELS_PROPERTY + "=scalar is set");
        return scalar;
      }
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        log.warning("Using scalar matmul kernels: module jdk.incubator.vector is not present; "
            + "start the JVM with --add-modules jdk.incubator.vector for the fast ones");
        return scalar;
      }
      MatMulKernels vector;
      try {
        // Loaded by name so that this class never links against the incubator module.
        vector = (MatMulKernels) Class.forName("org.sparsevd.math.VectorMatMul")
            .getDeclaredMethod("forThisMachine").invoke(null);
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        log.log(Level.WARNING, "Using scalar matmul kernels: vector kernels failed to load", e);
        return scalar;
      }
      String problem = selfCheck(vector, scalar);
      if (problem != null) {
        log.warning("Using scalar matmul kernels: vector kernels failed a self-check: " + problem);
        return scalar;
      }
      return vector;
    }

    /** Compares the two implementations on one small product with ragged sizes. */
    private static String selfCheck(MatMulKernels vector, MatMulKernels scalar) {
      int m = 5;
      int k = 7;
      int n = 37;
      float[] a = new float[m * k];
      float[] b = new float[k * n];
      for (int i = 0; i < a.length; i++) {
        a[i] = i % 3 == 0 ? 0f : (i % 7) - 3f;
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (i % 11) - 5f;
      }
      float[] expected = new float[m * n];
      float[] actual = new float[m * n];
      scalar.gemm(a, 0, b, 0, expected, 0, m, k, n, false);
      vector.gemm(a, 0, b, 0, actual, 0, m, k, n, false);
      // Small integers: every partial sum is exact, so the results must match exactly.
      for (int i = 0; i < expected.length; i++) {
        if (expected[i] != actual[i]) {
          return "element " + i + " is " + actual[i] + ", expected " + expected[i];
        }
      }
      return null;
    }
  }
}
