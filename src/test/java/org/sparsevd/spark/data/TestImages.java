package org.sparsevd.spark.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small images with known pixels, written with ImageIO into test folders. */
public final class TestImages {
  private TestImages() {}

  /** The R, G, B values of pixel (y, x) of {@link #rgb}{@code (h, w, base)}. */
  public static float[] rgbAt(int base, int y, int x) {
    return new float[] {base + 10 * y + x, 2 * base + y, 255 - base - x};
  }

  /** An RGB image whose pixels are {@link #rgbAt}: every channel of every pixel differs. */
  public static BufferedImage rgb(int h, int w, int base) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float[] v = rgbAt(base, y, x);
        img.setRGB(x, y, ((int) v[0] << 16) | ((int) v[1] << 8) | (int) v[2]);
      }
    }
    return img;
  }

  /** An RGB image of seeded random pixels. */
  public static BufferedImage noise(int h, int w, long seed) {
    java.util.Random r = new java.util.Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  /** Writes a PNG (lossless: the pixels read back exactly), creating the folders. */
  public static void png(Path file, BufferedImage img) throws IOException {
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer for " + file);
    }
  }

  /** The bytes of a JPEG of {@code img}. */
  public static byte[] jpeg(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(img, "jpg", out)) {
      throw new IOException("no JPEG writer");
    }
    return out.toByteArray();
  }
}
