package org.sparsevd.data;

import java.util.SplittableRandom;

/**
 * Out-of-distribution inputs for uncertainty checks, made from raw images (row-major pixels,
 * before scaling): the same images rotated by 90 degrees, and images of uniform noise.
 */
public final class OodImages {
  private OodImages() {}

  /**
   * Each image rotated 90 degrees counter-clockwise: pixel (r, c) of the result is pixel
   * (c, width - 1 - r) of the input, so the result is width rows by height columns.
   *
   * @param images [rows x height * width]; not modified
   * @return a new array
   */
  public static float[] rotate90(float[] images, int rows, int height, int width) {
    int size = height * width;
    if (images.length != (long) rows * size) {
      throw new IllegalArgumentException(images.length + " pixels are not " + rows
          + " images of " + height + "x" + width);
    }
    float[] out = new float[images.length];
    for (int n = 0; n < rows; n++) {
      int o = n * size;
      for (int r = 0; r < width; r++) {
        for (int c = 0; c < height; c++) {
          out[o + r * height + c] = images[o + c * width + (width - 1 - r)];
        }
      }
    }
    return out;
  }

  /** {@code rows} images of {@code cols} pixels uniform in [0, max), from the seed. */
  public static float[] uniformNoise(int rows, int cols, float max, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] out = new float[rows * cols];
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) (rnd.nextDouble() * max);
    }
    return out;
  }
}
