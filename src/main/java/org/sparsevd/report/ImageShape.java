package org.sparsevd.report;

import java.util.Optional;

/** The height and width of image inputs, for plots that lay per-input values out as a picture. */
public record ImageShape(int height, int width) {
  /** MNIST's 28x28, assumed for 784 inputs when no shape is configured. */
  public static final ImageShape MNIST = new ImageShape(28, 28);

  public ImageShape {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("image shape " + height + "x" + width
          + ": both sides must be > 0");
    }
  }

  public int pixels() {
    return height * width;
  }

  /**
   * The shape of a network's inputs: {@code configured} ("HEIGHTxWIDTH", e.g. "28x28") when
   * given, which must then cover every input; else 28x28 for 784 inputs; else none.
   *
   * @param key the setting's name, for error messages
   */
  public static Optional<ImageShape> of(String configured, int inputs, String key) {
    if (configured == null || configured.isBlank()) {
      return inputs == MNIST.pixels() ? Optional.of(MNIST) : Optional.empty();
    }
    String[] parts = configured.trim().toLowerCase(java.util.Locale.ROOT).split("x");
    ImageShape shape;
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      shape = new ImageShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + configured
          + "': expected HEIGHTxWIDTH, e.g. 28x28", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " = '" + configured + "': " + e.getMessage(), e);
    }
    if (shape.pixels() != inputs) {
      throw new IllegalArgumentException(key + " = '" + configured + "' has " + shape.pixels()
          + " pixels, the data " + inputs + " features");
    }
    return Optional.of(shape);
  }

  @Override
  public String toString() {
    return height + "x" + width;
  }
}
