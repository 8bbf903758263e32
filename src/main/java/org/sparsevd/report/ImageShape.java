package org.sparsevd.report;

import java.util.Optional;
import org.sparsevd.data.ImageSize;

/**
 * The height, width and channels of image inputs, for plots that lay per-input values out as a
 * picture of height x width (the channels of a pixel, last in each input row, summed).
 */
public record ImageShape(int height, int width, int channels) {
  /** MNIST's 28x28, assumed for 784 inputs when no shape is configured. */
  public static final ImageShape MNIST = new ImageShape(28, 28);

  public ImageShape {
    if (height <= 0 || width <= 0 || channels <= 0) {
      throw new IllegalArgumentException("image shape " + height + "x" + width + "x" + channels
          + ": every side must be > 0");
    }
  }

  /** One channel. */
  public ImageShape(int height, int width) {
    this(height, width, 1);
  }

  public int pixels() {
    return height * width;
  }

  /** Network inputs the shape covers: pixels x channels. */
  public int inputs() {
    return pixels() * channels;
  }

  /**
   * The shape of a network's inputs: {@code configured} ("HEIGHTxWIDTH", e.g. "28x28", or
   * "HEIGHTxWIDTHxCHANNELS") when given, which must then cover every input; else 28x28 for 784
   * inputs; else none.
   *
   * @param key the setting's name, for error messages
   */
  public static Optional<ImageShape> of(String configured, int inputs, String key) {
    if (configured == null || configured.isBlank()) {
      return inputs == MNIST.pixels() ? Optional.of(MNIST) : Optional.empty();
    }
    ImageShape shape;
    try {
      ImageSize s = ImageSize.parse(configured);
      shape = new ImageShape(s.height(), s.width(), s.channels());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " = " + e.getMessage(), e);
    }
    if (shape.inputs() != inputs) {
      throw new IllegalArgumentException(key + " = '" + configured + "' has " + shape.inputs()
          + " values, the data " + inputs + " features");
    }
    return Optional.of(shape);
  }

  @Override
  public String toString() {
    return height + "x" + width + (channels == 1 ? "" : "x" + channels);
  }
}
