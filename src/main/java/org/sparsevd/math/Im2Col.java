package org.sparsevd.math;

import java.util.Arrays;

/**
 * The patch transforms that turn a 2-D convolution into one matrix product. Images are
 * channels-last (NHWC): pixel (y, x) channel c of example r is at
 * {@code ((r * h + y) * w + x) * c + ch}. A patch row holds the kernel window of one output
 * position, ordered (ky, kx, ch), so that a filter bank theta[k * k * c x filters] turns the
 * patches [rows * oh * ow x k * k * c] into the output [rows * oh * ow x filters], which is the
 * next layer's NHWC image with no transpose.
 */
public final class Im2Col {
  private Im2Col() {}

  /** Output height or width of a window of size k moved by stride over size + 2 * pad. */
  public static int outputSize(int size, int k, int stride, int pad) {
    return (size + 2 * pad - k) / stride + 1;
  }

  /**
   * Writes the patches of {@code rows} images [h x w x c] into
   * {@code patches[0, rows * oh * ow * k * k * c)}; positions outside the image are 0.
   */
  public static void patches(float[] x, int rows, int h, int w, int c, int k, int stride, int pad,
                             float[] patches) {
    int oh = outputSize(h, k, stride, pad);
    int ow = outputSize(w, k, stride, pad);
    int row = k * k * c;
    int p = 0;
    for (int r = 0; r < rows; r++) {
      int img = r * h * w * c;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++, p += row) {
          int q = p;
          int ix0 = ox * stride - pad;
          boolean inside = ix0 >= 0 && ix0 + k <= w;
          for (int ky = 0; ky < k; ky++) {
            int iy = oy * stride - pad + ky;
            if (inside && iy >= 0 && iy < h) {
              // The window's row is k * c consecutive values of the image row.
              int src = img + (iy * w + ix0) * c;
              for (int t = 0; t < k * c; t++) {
                patches[q + t] = x[src + t];
              }
              q += k * c;
              continue;
            }
            for (int kx = 0; kx < k; kx++, q += c) {
              int ix = ix0 + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                Arrays.fill(patches, q, q + c, 0f);
              } else {
                System.arraycopy(x, img + (iy * w + ix) * c, patches, q, c);
              }
            }
          }
        }
      }
    }
  }

  /**
   * The adjoint of {@link #patches}: overwrites {@code dx[0, rows * h * w * c)} with the sum,
   * over every patch entry, of its gradient at the pixel it was copied from.
   */
  public static void accumulate(float[] dPatches, int rows, int h, int w, int c, int k, int stride,
                                int pad, float[] dx) {
    int oh = outputSize(h, k, stride, pad);
    int ow = outputSize(w, k, stride, pad);
    int row = k * k * c;
    Arrays.fill(dx, 0, rows * h * w * c, 0f);
    int p = 0;
    for (int r = 0; r < rows; r++) {
      int img = r * h * w * c;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++, p += row) {
          int q = p;
          for (int ky = 0; ky < k; ky++) {
            int iy = oy * stride - pad + ky;
            for (int kx = 0; kx < k; kx++, q += c) {
              int ix = ox * stride - pad + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                int d = img + (iy * w + ix) * c;
                for (int ch = 0; ch < c; ch++) {
                  dx[d + ch] += dPatches[q + ch];
                }
              }
            }
          }
        }
      }
    }
  }
}
