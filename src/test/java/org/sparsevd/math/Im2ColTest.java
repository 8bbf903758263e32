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
  /** Images [h x w x c], windows k x k moved by stride with zero padding pad. */
  private record Shape(int h, int w, int c, int k, int stride, int pad, int rows) {
    int oh() { return Im2Col.outputSize(h, k, stride, pad); }
    int ow() { return Im2Col.outputSize(w, k, stride, pad); }
    int inputs() { return rows * h * w * c; }
    int patchValues() { return rows * oh() * ow() * k * k * c; }

    void patches(float[] x, float[] out) {
      Im2Col.patches(x, rows, h, w, c, k, stride, pad, out);
    }
  }

  private static final Shape[] SHAPES = {
      new Shape(28, 28, 1, 5, 1, 0, 3), new Shape(12, 12, 20, 5, 1, 0, 2),
      new Shape(9, 7, 3, 3, 2, 1, 2), new Shape(8, 8, 1, 3, 1, 1, 2),
      new Shape(6, 5, 17, 2, 1, 0, 1), new Shape(5, 5, 1, 5, 1, 0, 1)};

  @Test
  void patchesAreTheWindowsWithZerosOutside() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (Shape s : SHAPES) {
      float[] x = random(rnd, s.inputs());
      int used = s.patchValues();
      float[] patches = new float[used + 40];
      Arrays.fill(patches, Float.NaN);
      Arrays.fill(patches, used, patches.length, -7f);
      s.patches(x, patches);
      int e = 0;
      for (int r = 0; r < s.rows(); r++) {
        for (int oy = 0; oy < s.oh(); oy++) {
          for (int ox = 0; ox < s.ow(); ox++) {
            for (int ky = 0; ky < s.k(); ky++) {
              for (int kx = 0; kx < s.k(); kx++) {
                for (int ch = 0; ch < s.c(); ch++, e++) {
                  int iy = oy * s.stride() - s.pad() + ky;
                  int ix = ox * s.stride() - s.pad() + kx;
                  boolean in = iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w();
                  float want = in ? x[((r * s.h() + iy) * s.w() + ix) * s.c() + ch] : 0f;
                  if (Float.compare(want, patches[e]) != 0) {
                    fail(s + ": patch entry " + e + " is " + patches[e] + ", expected " + want);
                  }
                }
              }
            }
          }
        }
      }
      for (int i = used; i < patches.length; i++) {
        assertEquals(-7f, patches[i], s + ": wrote past the patches at " + i);
      }
    }
  }

  /** accumulate is the adjoint: <patches(x), g> = <x, accumulate(g)>. */
  @Test
  void accumulateIsTheAdjointOfPatches() {
    SplittableRandom rnd = new SplittableRandom(4);
    for (Shape s : SHAPES) {
      float[] x = random(rnd, s.inputs());
      int used = s.patchValues();
      float[] g = random(rnd, used);
      float[] patches = new float[used];
      s.patches(x, patches);
      float[] dx = new float[x.length];
      Im2Col.accumulate(g, s.rows(), s.h(), s.w(), s.c(), s.k(), s.stride(), s.pad(), dx);
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
      assertEquals(left, right, 1e-5 * scale, s.toString());
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
