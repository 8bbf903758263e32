package org.sparsevd.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2Col} against the definition of a patch entry, on the shapes where its copies
 * differ: a window row shorter than a vector (one channel, stored as a whole vector), longer
 * ones (many channels), stride and zero padding, and a buffer larger than the patches.
 */
class Im2ColTest {
  /** h, w, c, k, stride, pad, rows. */
  private static final int[][] SHAPES = {
      {28, 28, 1, 5, 1, 0, 3}, {12, 12, 20, 5, 1, 0, 2}, {9, 7, 3, 3, 2, 1, 2},
      {8, 8, 1, 3, 1, 1, 2}, {6, 5, 17, 2, 1, 0, 1}, {5, 5, 1, 5, 1, 0, 1}};

  @Test
  void patchesAreTheWindowsWithZerosOutside() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int[] s : SHAPES) {
      int h = s[0], w = s[1], c = s[2], k = s[3], stride = s[4], pad = s[5], rows = s[6];
      float[] x = random(rnd, rows * h * w * c);
      int oh = Im2Col.outputSize(h, k, stride, pad);
      int ow = Im2Col.outputSize(w, k, stride, pad);
      int used = rows * oh * ow * k * k * c;
      float[] patches = new float[used + 40];
      Arrays.fill(patches, Float.NaN);
      Arrays.fill(patches, used, patches.length, -7f);
      Im2Col.patches(x, rows, h, w, c, k, stride, pad, patches);
      int e = 0;
      for (int r = 0; r < rows; r++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                for (int ch = 0; ch < c; ch++, e++) {
                  int iy = oy * stride - pad + ky;
                  int ix = ox * stride - pad + kx;
                  boolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
                  float want = in ? x[((r * h + iy) * w + ix) * c + ch] : 0f;
                  if (Float.compare(want, patches[e]) != 0) {
                    fail(Arrays.toString(s) + ": patch entry " + e + " is " + patches[e]
                        + ", expected " + want);
                  }
                }
              }
            }
          }
        }
      }
      for (int i = used; i < patches.length; i++) {
        assertEquals(-7f, patches[i], Arrays.toString(s) + ": wrote past the patches at " + i);
      }
    }
  }

  /** accumulate is the adjoint: <patches(x), g> = <x, accumulate(g)>. */
  @Test
  void accumulateIsTheAdjointOfPatches() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (int[] s : SHAPES) {
      int h = s[0], w = s[1], c = s[2], k = s[3], stride = s[4], pad = s[5], rows = s[6];
      float[] x = random(rnd, rows * h * w * c);
      int used = rows * Im2Col.outputSize(h, k, stride, pad)
          * Im2Col.outputSize(w, k, stride, pad) * k * k * c;
      float[] g = random(rnd, used);
      float[] patches = new float[used];
      Im2Col.patches(x, rows, h, w, c, k, stride, pad, patches);
      float[] dx = new float[x.length];
      Im2Col.accumulate(g, rows, h, w, c, k, stride, pad, dx);
      double left = 0;
      double right = 0;
      double scale = 0;
      for (int i = 0; i < used; i++) {
        left += (double) patches[i] * g[i];
        scale += Math.abs((double) patches[i] * g[i]);
      }
      for (int i = 0; i < x.length; i++) {
        right += (double) x[i] * dx[i];
      }
      assertEquals(left, right, 1e-5 * scale, Arrays.toString(s));
    }
  }

  private static float[] random(SplittableRandom rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextInt(4) == 0 ? 0f : (float) rnd.nextGaussian();
    }
    return a;
  }
}
