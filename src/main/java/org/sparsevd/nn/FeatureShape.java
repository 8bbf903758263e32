package org.sparsevd.nn;

/**
 * The shape of an image or feature map, stored channels-last: element (y, x, ch) of one example
 * is at {@code (y * width + x) * channels + ch}. Written {@code HxWxC} in messages.
 */
public record FeatureShape(int height, int width, int channels) {
  public FeatureShape {
    if (height <= 0 || width <= 0 || channels <= 0) {
      throw new IllegalArgumentException("feature map " + height + "x" + width + "x" + channels
          + ": every dimension must be > 0");
    }
    if ((long) height * width * channels > 1 << 28) {
      throw new IllegalArgumentException("feature map " + height + "x" + width + "x" + channels
          + " is over 2^28 values");
    }
  }

  public int size() {
    return height * width * channels;
  }

  @Override
  public String toString() {
    return height + "x" + width + "x" + channels;
  }
}
