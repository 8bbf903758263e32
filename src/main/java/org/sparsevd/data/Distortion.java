package org.sparsevd.data;

import org.sparsevd.rand.CounterRng;

/**
 * Random affine distortions of square images, the augmentation that makes "MNIST-like"
 * examples out of MNIST (Simard, Steinkraus and Platt, "Best practices for convolutional
 * neural networks applied to visual document analysis", ICDAR 2003, used affine and elastic
 * distortions the same way): a rotation of up to {@value #MAX_DEGREES} degrees, a scale in
 * [1 - {@value #MAX_SCALE_CHANGE}, 1 + {@value #MAX_SCALE_CHANGE}] and a shift of up to
 * {@value #MAX_SHIFT} pixels on each axis, about the image centre, sampled bilinearly.
 *
 * <p>Example {@code i} of a seed is a function of (seed, i) only: which source image, and the
 * four transform parameters, come from the counter-based RNG, so any partition of a data set
 * can be (re)generated anywhere, in any order.
 */
public final class Distortion {
  public static final double MAX_DEGREES = 15;
  public static final double MAX_SCALE_CHANGE = 0.1;
  public static final double MAX_SHIFT = 2;

  private Distortion() {}

  /** The source image and transform of example {@code example}. */
  public record Transform(int source, double radians, double scale, double dx, double dy) {}

  /** Draws example {@code example}'s transform; sources are {@code [0, sources)}. */
  public static Transform sample(long seed, long example, int sources) {
    double u0 = CounterRng.uniform(seed, 0, example, CounterRng.STREAM_DISTORT, 0);
    double u1 = CounterRng.uniform(seed, 0, example, CounterRng.STREAM_DISTORT, 1);
    double u2 = CounterRng.uniform(seed, 0, example, CounterRng.STREAM_DISTORT, 2);
    double u3 = CounterRng.uniform(seed, 0, example, CounterRng.STREAM_DISTORT, 3);
    double u4 = CounterRng.uniform(seed, 0, example, CounterRng.STREAM_DISTORT, 4);
    return new Transform((int) (u0 * sources), Math.toRadians(MAX_DEGREES * (2 * u1 - 1)),
        1 + MAX_SCALE_CHANGE * (2 * u2 - 1), MAX_SHIFT * (2 * u3 - 1), MAX_SHIFT * (2 * u4 - 1));
  }

  /**
   * Warps one {@code side x side} image: each output pixel is the bilinear interpolation of
   * the source at the inverse transform of its position; outside the source counts as 0.
   *
   * @param src the source image, row-major; not modified
   * @param dst receives the warped image, row-major; overwritten
   */
  public static void warp(float[] src, int srcOff, int side, Transform t, float[] dst,
                          int dstOff) {
    double c = (side - 1) / 2.0;
    // Inverse map: output (x, y) comes from R(-angle) ((x, y) - centre - shift) / scale.
    double cos = Math.cos(t.radians()) / t.scale();
    double sin = Math.sin(t.radians()) / t.scale();
    for (int y = 0; y < side; y++) {
      double oy = y - c - t.dy();
      for (int x = 0; x < side; x++) {
        double ox = x - c - t.dx();
        double sx = cos * ox + sin * oy + c;
        double sy = -sin * ox + cos * oy + c;
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        float fx = (float) (sx - x0);
        float fy = (float) (sy - y0);
        float top = (1 - fx) * pixel(src, srcOff, side, x0, y0)
            + fx * pixel(src, srcOff, side, x0 + 1, y0);
        float bottom = (1 - fx) * pixel(src, srcOff, side, x0, y0 + 1)
            + fx * pixel(src, srcOff, side, x0 + 1, y0 + 1);
        dst[dstOff + y * side + x] = (1 - fy) * top + fy * bottom;
      }
    }
  }

  private static float pixel(float[] src, int off, int side, int x, int y) {
    return x < 0 || y < 0 || x >= side || y >= side ? 0f : src[off + y * side + x];
  }
}
