package org.sparsevd.sparse;

import org.sparsevd.math.SparseMatMul;

/**
 * The kept weights of a layer W[in x out] in compressed sparse rows of its transpose: row j
 * lists the inputs that feed output j, {@code values[rowPtr[j], rowPtr[j + 1])} at input
 * indices {@code colIdx[...]}. So {@code rows} is the layer's output count and {@code cols}
 * its input count.
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

  /** Keeps the non-zeros of a layer's dense row-major weights [in x out]. */
  public static CsrMatrix fromWeights(float[] dense, int in, int out) {
    int rows = out;
    int cols = in;
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
    for (int j = 0; j < out; j++) {
      for (int i = 0; i < in; i++) {
        float v = dense[i * out + j];
        if (v != 0f) {
          colIdx[at] = i;
          values[at++] = v;
        }
      }
      rowPtr[j + 1] = at;
    }
    return new CsrMatrix(rows, cols, rowPtr, colIdx, values);
  }

  public int nonZeros() {
    return values.length;
  }

  /**
   * Y = X W + bias for a batch held feature-major: {@code xT[i * stride + r]} is input i of
   * example r, and {@code yT[j * stride + r]} receives output j.
   *
   * @param xT [in x stride]; not modified
   * @param yT [out x stride]; overwritten
   */
  public void multiplyBatch(float[] xT, float[] bias, float[] yT, int stride) {
    SparseMatMul.csrTimesBatch(rowPtr, colIdx, values, bias, rows, xT, yT, stride);
  }
}
