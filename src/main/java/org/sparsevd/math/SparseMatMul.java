package org.sparsevd.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A sparse matrix in compressed sparse rows times a dense batch held feature-major, the
 * kernel of sparse inference:
 *
 * <pre>y[j * stride + r] = bias[j] + sum_k values[k] * x[colIdx[k] * stride + r]</pre>
 *
 * for each sparse row j, k in [rowPtr[j], rowPtr[j + 1]) and batch column r in [0, stride).
 * Each kept weight costs one broadcast and a vector multiply-add over the batch, accumulated
 * in registers. Both implementations add in the same order with fused multiply-adds, so they
 * agree bitwise; the choice follows {@link MatMul}'s.
 */
public final class SparseMatMul {
  private static final boolean VECTOR = MatMul.isVectorized();

  private SparseMatMul() {}

  /**
   * @param x [max column index + 1 x stride]; not modified
   * @param y [rows x stride]; overwritten
   */
  public static void csrTimesBatch(int[] rowPtr, int[] colIdx, float[] values, float[] bias,
                                   int rows, float[] x, float[] y, int stride) {
    if (rowPtr.length < rows + 1 || bias.length < rows || y.length < (long) rows * stride) {
      throw new IllegalArgumentException("csr x batch: " + rows + " rows need rowPtr of "
          + (rows + 1) + " (have " + rowPtr.length + "), " + rows + " biases (have "
          + bias.length + "), y of " + (long) rows * stride + " (have " + y.length + ")");
    }
    rowsTimesBatch(rowPtr, colIdx, values, bias, rows, x, 0, y, 0, stride);
  }

  /**
   * A sparse convolution over a feature-major batch: for each output position p, the sparse
   * filter bank (row f = filter f, column indices = each tap's offset from the window's corner,
   * in features) applied at feature {@code corners[p]}:
   *
   * <pre>y[(p * filters + f) * stride + r] = bias[f]
   *     + sum_k values[k] x[(corners[p] + taps[k]) * stride + r]</pre>
   *
   * A filter with no kept weight costs nothing but its bias.
   *
   * @param x [features x stride], every corner + tap inside it; not modified
   * @param y [corners.length * filters x stride]; overwritten
   */
  public static void sparseConvBatch(int[] rowPtr, int[] taps, float[] values, float[] bias,
                                     int filters, int[] corners, float[] x, float[] y,
                                     int stride) {
    for (int p = 0; p < corners.length; p++) {
      rowsTimesBatch(rowPtr, taps, values, bias, filters, x, corners[p] * stride, y,
          p * filters * stride, stride);
    }
  }

  private static void rowsTimesBatch(int[] rowPtr, int[] colIdx, float[] values, float[] bias,
                                     int rows, float[] x, int xOff, float[] y, int yOff,
                                     int stride) {
    int r0 = VECTOR
        ? Lanes.rowsTimesBatch(rowPtr, colIdx, values, bias, rows, x, xOff, y, yOff, stride) : 0;
    for (int j = 0; j < rows; j++) {
      for (int r = r0; r < stride; r++) {
        float acc = bias[j];
        for (int k = rowPtr[j]; k < rowPtr[j + 1]; k++) {
          acc = Math.fma(values[k], x[xOff + colIdx[k] * stride + r], acc);
        }
        y[yOff + j * stride + r] = acc;
      }
    }
  }

  /**
   * Transposes selected columns of a row-major batch into feature-major rows:
   * {@code dst[c * stride + r] = src[srcOff + r * cols + selected[c]]} for r in [0, rows), and 0 for r
   * in [rows, stride) (padding, so the product above never reads garbage).
   *
   * @param src [rows x cols]; not modified
   * @param dst [selected.length x stride]; overwritten
   */
  public static void gatherColumns(float[] src, int srcOff, int rows, int cols, int[] selected,
                                   float[] dst, int stride) {
    if (rows > stride || srcOff < 0 || src.length < srcOff + (long) rows * cols
        || dst.length < (long) selected.length * stride) {
      throw new IllegalArgumentException("gather " + selected.length + " of " + cols
          + " columns from " + rows + " rows into stride " + stride + ": src " + src.length
          + ", dst " + dst.length + " floats");
    }
    int r0 = VECTOR ? Lanes.gatherColumns(src, srcOff, rows, cols, selected, dst, stride) : 0;
    for (int c = 0; c < selected.length; c++) {
      int col = selected[c];
      for (int r = r0; r < rows; r++) {
        dst[c * stride + r] = src[srcOff + r * cols + col];
      }
      java.util.Arrays.fill(dst, c * stride + rows, (c + 1) * stride, 0f);
    }
  }

  /** Vector body over the batch columns that fill whole vectors; returns the first column left. */
  private static final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    static int rowsTimesBatch(int[] rowPtr, int[] colIdx, float[] values, float[] bias,
                              int rows, float[] x, int xOff, float[] y, int yOff, int stride) {
      int lanes = F.length();
      int full = F.loopBound(stride);
      for (int j = 0; j < rows; j++) {
        int start = rowPtr[j];
        int end = rowPtr[j + 1];
        int r = 0;
        // Four vectors of accumulators at a time, then single vectors.
        for (; r + 4 * lanes <= full; r += 4 * lanes) {
          FloatVector a0 = FloatVector.broadcast(F, bias[j]);
          FloatVector a1 = a0;
          FloatVector a2 = a0;
          FloatVector a3 = a0;
          for (int k = start; k < end; k++) {
            FloatVector w = FloatVector.broadcast(F, values[k]);
            int xo = xOff + colIdx[k] * stride + r;
            a0 = w.fma(FloatVector.fromArray(F, x, xo), a0);
            a1 = w.fma(FloatVector.fromArray(F, x, xo + lanes), a1);
            a2 = w.fma(FloatVector.fromArray(F, x, xo + 2 * lanes), a2);
            a3 = w.fma(FloatVector.fromArray(F, x, xo + 3 * lanes), a3);
          }
          int yo = yOff + j * stride + r;
          a0.intoArray(y, yo);
          a1.intoArray(y, yo + lanes);
          a2.intoArray(y, yo + 2 * lanes);
          a3.intoArray(y, yo + 3 * lanes);
        }
        for (; r < full; r += lanes) {
          FloatVector a = FloatVector.broadcast(F, bias[j]);
          for (int k = start; k < end; k++) {
            a = FloatVector.broadcast(F, values[k])
                .fma(FloatVector.fromArray(F, x, xOff + colIdx[k] * stride + r), a);
          }
          a.intoArray(y, yOff + j * stride + r);
        }
      }
      return full;
    }

    /** Gathers 16 examples' value of one column per instruction; returns the rows done. */
    static int gatherColumns(float[] src, int srcOff, int rows, int cols, int[] selected,
                             float[] dst, int stride) {
      int lanes = F.length();
      int[] offsets = new int[lanes];
      for (int l = 0; l < lanes; l++) {
        offsets[l] = l * cols;
      }
      int full = F.loopBound(rows);
      for (int r0 = 0; r0 < full; r0 += lanes) {
        for (int c = 0; c < selected.length; c++) {
          FloatVector.fromArray(F, src, srcOff + r0 * cols + selected[c], offsets, 0)
              .intoArray(dst, c * stride + r0);
        }
      }
      return full;
    }
  }
}
