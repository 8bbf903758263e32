package org.sparsevd.spark.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.sparsevd.data.ImageSize;

/**
 * Runs in the executors: decodes one image file's bytes with {@code javax.imageio} into
 * channels-last floats, pixel values 0..255 as they are stored (scaling is the job of {@code
 * data.scaling}). Grey images give one channel, every other image three (R, G, B; an alpha
 * channel is dropped, a palette looked up). GIFs give their first frame.
 *
 * <p>A reader's warning fails the image: Java's JPEG reader only warns on a truncated file
 * ("Truncated File - Missing EOI marker", libjpeg's "Premature end of JPEG file") and fills the
 * missing part with grey.
 */
final class ImageDecoder {
  private ImageDecoder() {}

  /** A file that is not a usable image; stackless because skipping may throw it often. */
  static final class BadImage extends Exception {
    private static final long serialVersionUID = 1L;

    BadImage(String message) {
      super(message, null, false, false);
    }
  }

  /** A decoded image: its size and its {@code size.features()} values, channels last. */
  record Pixels(ImageSize size, float[] values) {}

  /** @throws BadImage if no reader recognises the bytes, or the reader fails or warns */
  static Pixels decode(byte[] bytes) throws BadImage {
    BufferedImage image;
    // Read from memory: ImageIO.createImageInputStream would cache in temporary files.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadImage("not an image: no image reader recognises its " + bytes.length
            + " bytes");
      }
      image = read(readers.next(), in);
    } catch (IOException e) {
      throw new BadImage("cannot be read: " + e.getMessage());
    }
    return pixels(image);
  }

  private static BufferedImage read(ImageReader reader, ImageInputStream in) throws BadImage {
    String format = "";
    List<String> warnings = new ArrayList<>();
    try {
      format = reader.getFormatName();
      reader.setInput(in, true, true);
      // Collected, not thrown: the JPEG reader calls listeners from its native decoder.
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      BufferedImage image = reader.read(0);
      if (!warnings.isEmpty()) {
        throw new BadImage("the " + format + " reader warns '" + warnings.get(0)
            + "' (a truncated or corrupt file)");
      }
      if (image == null) {
        throw new BadImage("the " + format + " reader returned no image");
      }
      return image;
    } catch (IOException | RuntimeException e) {
      // Readers throw unchecked exceptions too on bytes they do not expect.
      throw new BadImage("cannot be decoded as " + format + ": " + e.getMessage() + " ("
          + e.getClass().getSimpleName() + ")");
    } finally {
      reader.dispose();
    }
  }

  /** The image's values, channels last; see the class comment. */
  static Pixels pixels(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ColorModel cm = image.getColorModel();
    if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
      // The samples as stored: getRGB would convert Java's linear grey to sRGB, changing them.
      float[] v = image.getRaster().getSamples(0, 0, w, h, 0, new float[w * h]);
      int bits = cm.getComponentSize(0);
      if (bits != 8) {
        float scale = 255f / ((1L << bits) - 1);
        for (int i = 0; i < v.length; i++) {
          v[i] *= scale;
        }
      }
      return new Pixels(new ImageSize(h, w, 1), v);
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    float[] v = new float[3 * argb.length];
    for (int i = 0; i < argb.length; i++) {
      v[3 * i] = (argb[i] >> 16) & 0xff;
      v[3 * i + 1] = (argb[i] >> 8) & 0xff;
      v[3 * i + 2] = argb[i] & 0xff;
    }
    return new Pixels(new ImageSize(h, w, 3), v);
  }
}
