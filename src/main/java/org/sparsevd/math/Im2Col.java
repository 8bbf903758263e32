package org.sparsevd.math;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The patch transforms that turn a 2-D convolution into one matrix product. Images are
 * channels-last (NHWC): pixel (y, x) channel c of example r is at
 * {@code ((r * h + y) * w + x) * c + ch}. A patch row holds the kernel window of one output
 * position, ordered (ky, kx, ch), so that a filter bank theta[k * k * c x filters] turns the
 * patches [rows * oh * ow x k * k * c] into the output [rows * oh * ow x filters], which is the
 * next layer's NHWC image with no transpose.
 *
 * <p>A window row inside the image is k * c consecutive values: it is copied whole, with
 * {@code System.arraycopy} (a copy loop here stayed scalar: 2.0 against 0.35 ms for conv2's
 * patches at batch 100), or as one vector store when it fits in one (conv1's 5 values: 1.37
 * against 0.82 ms); the adjoint adds such rows in vector lanes.
 */
public final class Im2Col {
  private static final boolean VECTOR = MatMul.isVectorized();

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
    int span = k * c;
    int end = rows * oh * ow * row;
    // A window row shorter than a vector is stored as a whole vector where its extra lanes
    // stay inside the patches written here: they land on entries written after it.
    boolean oneVector = VECTOR && span <= Lanes.L;
    int lastVector = oneVector ? end - Lanes.L : -1;
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
              int src = img + (iy * w + ix0) * c;
              if (oneVector && q <= lastVector && src + Lanes.L <= x.length) {
                Lanes.copy(x, src, patches, q);
              } else {
                System.arraycopy(x, src, patches, q, span);
              }
              q += span;
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
    int span = k * c;
    Arrays.fill(dx, 0, rows * h * w * c, 0f);
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
              // Each pixel of a window row gets one term, so adding the row in lanes keeps
              // every pixel's terms in the loops' order.
              add(dPatches, q, dx, img + (iy * w + ix0) * c, span);
              q += span;
              continue;
            }
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

  /** dx[d, d + n) += g[q, q + n). */
  private static void add(float[] g, int q, float[] dx, int d, int n) {
    int t = VECTOR ? Lanes.add(g, q, dx, d, n) : 0;
    for (; t < n; t++) {
      dx[d + t] += g[q + t];
    }
  }

  /** The vector bodies of {@link #patches} and {@link #add}. */
  private static final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    /** patches[q, q + L) = x[src, src + L). */
    static void copy(float[] x, int src, float[] patches, int q) {
      FloatVector.fromArray(F, x, src).intoArray(patches, q);
    }

    /** The whole vectors of {@link Im2Col#add}; returns where it stopped. */
    static int add(float[] g, int q, float[] dx, int d, int n) {
      int t = 0;
      for (; t <= n - L; t += L) {
        FloatVector.fromArray(F, dx, d + t).add(FloatVector.fromArray(F, g, q + t))
            .intoArray(dx, d + t);
      }
      return t;
    }
  }
}
