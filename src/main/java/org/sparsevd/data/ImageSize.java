package org.sparsevd.data;

import java.io.Serializable;
import java.util.Locale;

/**
 * The size of image inputs: height, width and channels (1 for grey, 3 for RGB). An image is one
 * row of {@link #features()} values, channels last: pixel (y, x) channel c is feature
 * {@code (y * width + x) * channels + c}.
 */
public record ImageSize(int height, int width, int channels) implements Serializable {
  private static final long serialVersionUID = 1L;

  public ImageSize {
    if (height <= 0 || width <= 0 || channels <= 0
        || (long) height * width * channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("image size " + height + "x" + width + "x" + channels
          + ": every side must be > 0 and the image at most " + Integer.MAX_VALUE + " values");
    }
  }

  /** Values per image: height x width x channels. */
  public int features() {
    return height * width * channels;
  }

  /**
   * Parses "HEIGHTxWIDTH" (one channel, as MNIST's "28x28") or "HEIGHTxWIDTHxCHANNELS" (as
   * CIFAR's "32x32x3"), case-insensitive, spaces allowed around the numbers.
   */
  public static ImageSize parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (parts.length == 2 || parts.length == 3) {
        return new ImageSize(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
            parts.length == 3 ? Integer.parseInt(parts[2].trim()) : 1);
      }
    } catch (NumberFormatException e) {
      // Reported below with the expected form.
    }
    throw new IllegalArgumentException("'" + text + "': expected HEIGHTxWIDTH or "
        + "HEIGHTxWIDTHxCHANNELS, e.g. 28x28 or 32x32x3");
  }

  /** "HxWxC", which {@link #parse} reads back. */
  @Override
  public String toString() {
    return height + "x" + width + "x" + channels;
  }
}
