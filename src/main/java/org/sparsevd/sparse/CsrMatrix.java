package org.sparsevd.sparse;

import org.sparsevd.math.ArrayMath;

/**
 * A weight matrix W[in x out] in compressed sparse rows, one row per input: the non-zeros of
 * row i are {@code values[rowPtr[i], rowPtr[i + 1])} at output columns {@code cols[...]}.
 * Rows by input let the product skip every zero input (most MNIST pixels) as well as every
 * pruned weight.
 */
public record CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
  public CsrMatrix {
    if (rowPtr.length != rows + 1 || rowPtr[0] != 0 || rowPtr[rows] != values.length
        || colIdx.length != values.length) {
      throw new IllegalArgumentException("csr " + rows + "x" + cols + ": rowPtr length "
          + rowPtr.length + ", " + colIdx.length + " column indices, " + values.length
          + " values are inconsistent");
    }
    for (int i = 0; i < rows; i++) {
      if (rowPtr[i] > rowPtr[i + 1]) {
        throw new IllegalArgumentException("csr row " + i + ": rowPtr decreases");
      }
    }
    for (int k = 0; k < colIdx.length; k++) {
      if (colIdx[k] < 0 || colIdx[k] >= cols) {
        throw new IllegalArgumentException("csr entry " + k + ": column " + colIdx[k]
            + " outside [0, " + cols + ")");
      }
    }
  }

  /** Keeps the non-zeros of a dense row-major [rows x cols] matrix. */
  public static CsrMatrix fromDense(float[] dense, int rows, int cols) {
    int nnz = 0;
    for (int k = 0; k < rows * cols; k++) {
      if (dense[k] != 0f) {
        nnz++;
      }
    }
    int[] rowPtr = new int[rows + 1];
    int[] colIdx = new int[nnz];
    float[] values = new float[nnz];
    int at = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        float v = dense[i * cols + j];
        if (v != 0f) {
          colIdx[at] = j;
          values[at++] = v;
        }
      }
      rowPtr[i + 1] = at;
    }
    return new CsrMatrix(rows, cols, rowPtr, colIdx, values);
  }

  public int nonZeros() {
    return values.length;
  }

  /**
   * Y = X W + bias for a batch held feature-major: {@code xT[i * batch + r]} is input i of
   * example r, and {@code yT[j * batch + r]} receives output j. Each kept weight then costs
   * one contiguous vector multiply-add over the batch instead of a
   * scattered update per example.
   *
   * @param xT [rows x batch]; not modified
   * @param yT [cols x batch]; overwritten
   */
  public void multiplyBatch(float[] xT, float[] bias, float[] yT, int batch) {
    for (int j = 0; j < cols; j++) {
      java.util.Arrays.fill(yT, j * batch, (j + 1) * batch, bias[j]);
    }
    for (int i = 0; i < rows; i++) {
      int xo = i * batch;
      for (int k = rowPtr[i], end = rowPtr[i + 1]; k < end; k++) {
        ArrayMath.axpy(values[k], xT, xo, yT, colIdx[k] * batch, batch);
      }
    }
  }
}
