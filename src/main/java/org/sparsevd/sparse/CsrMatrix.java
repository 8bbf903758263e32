package org.sparsevd.sparse;

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
   * y = x W + bias for one example.
   *
   * @param x [rows] from xOff; not modified
   * @param y [cols] from yOff; overwritten
   */
  public void multiply(float[] x, int xOff, float[] bias, float[] y, int yOff) {
    System.arraycopy(bias, 0, y, yOff, cols);
    for (int i = 0; i < rows; i++) {
      float xi = x[xOff + i];
      if (xi == 0f) {
        continue;
      }
      for (int k = rowPtr[i], end = rowPtr[i + 1]; k < end; k++) {
        y[yOff + colIdx[k]] += xi * values[k];
      }
    }
  }
}
