package org.sparsevd.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SparseMatMulTest {
  /** The kernel against the formula evaluated with the same fused multiply-adds, bitwise. */
  @Test
  void csrTimesBatchMatchesTheFormulaBitwise() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (int stride : new int[] {1, 7, 16, 17, 48, 64, 100, 112, 130}) {
      int rows = 9;
      int inputs = 13;
      int[] rowPtr = new int[rows + 1];
      int nnz = 0;
      int[] colIdx = new int[rows * inputs];
      float[] values = new float[rows * inputs];
      for (int j = 0; j < rows; j++) {
        for (int i = 0; i < inputs; i++) {
          if (rnd.nextDouble() < 0.3) {
            colIdx[nnz] = i;
            values[nnz++] = (float) rnd.nextGaussian();
          }
        }
        rowPtr[j + 1] = nnz;
      }
      float[] bias = new float[rows];
      for (int j = 0; j < rows; j++) {
        bias[j] = (float) rnd.nextGaussian();
      }
      float[] x = new float[inputs * stride];
      for (int k = 0; k < x.length; k++) {
        x[k] = (float) rnd.nextGaussian();
      }
      float[] y = new float[rows * stride];
      java.util.Arrays.fill(y, Float.NaN);
      SparseMatMul.csrTimesBatch(rowPtr, colIdx, values, bias, rows, x, y, stride);
      for (int j = 0; j < rows; j++) {
        for (int r = 0; r < stride; r++) {
          float acc = bias[j];
          for (int k = rowPtr[j]; k < rowPtr[j + 1]; k++) {
            acc = Math.fma(values[k], x[colIdx[k] * stride + r], acc);
          }
          assertEquals(Float.floatToRawIntBits(acc), Float.floatToRawIntBits(y[j * stride + r]),
              "stride " + stride + " row " + j + " column " + r);
        }
      }
    }
  }

  /** Narrow batches, and wide ones with whole 16 x 16 tiles plus a ragged edge of columns. */
  @Test
  void gatherColumnsTransposesAndPads() {
    for (int rows : new int[] {1, 5, 16, 17, 40})
    for (int cols : new int[] {11, 37}) {
      int stride = (rows + 15) / 16 * 16;
      float[] src = new float[3 + rows * cols];
      for (int k = 0; k < src.length; k++) {
        src[k] = k;
      }
      int[] selected = cols == 11 ? new int[] {0, 4, 10} : new int[] {0, 5, 15, 16, 17, 31, 32, 36};
      float[] dst = new float[selected.length * stride];
      java.util.Arrays.fill(dst, Float.NaN);
      SparseMatMul.gatherColumns(src, 3, rows, cols, selected, dst, stride);
      for (int c = 0; c < selected.length; c++) {
        for (int r = 0; r < stride; r++) {
          float expected = r < rows ? src[3 + r * cols + selected[c]] : 0f;
          assertEquals(expected, dst[c * stride + r],
              "rows " + rows + " cols " + cols + " c " + c + " r " + r);
        }
      }
    }
  }

  @Test
  void badSizesAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparseMatMul.csrTimesBatch(new int[] {0, 0}, new int[0], new float[0],
            new float[1], 1, new float[4], new float[3], 4));
    assertEquals("csr x batch: 1 rows need rowPtr of 2 (have 2), 1 biases (have 1), y of 4 "
        + "(have 3)", e.getMessage());
  }
}
