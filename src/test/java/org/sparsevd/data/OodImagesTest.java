package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OodImagesTest {
  /**
   * 2x3 image   1 2 3    rotated counter-clockwise   3 6
   *             4 5 6                                2 5
   *                                                  1 4
   */
  @Test
  void rotatesCounterClockwise() {
    float[] img = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
    assertArrayEquals(new float[] {3, 6, 2, 5, 1, 4, 30, 60, 20, 50, 10, 40},
        OodImages.rotate90(img, 2, 2, 3));
  }

  @Test
  void fourQuarterTurnsAreTheIdentity() {
    float[] img = OodImages.uniformNoise(3, 28 * 28, 255, 7);
    float[] r = img;
    for (int k = 0; k < 4; k++) {
      r = OodImages.rotate90(r, 3, 28, 28);
    }
    assertArrayEquals(img, r);
    assertThrows(IllegalArgumentException.class, () -> OodImages.rotate90(img, 2, 28, 28));
  }

  @Test
  void noiseStaysInRangeAndDependsOnTheSeed() {
    float[] a = OodImages.uniformNoise(10, 50, 255, 1);
    for (float v : a) {
      assertTrue(v >= 0 && v < 255, "pixel " + v);
    }
    assertArrayEquals(a, OodImages.uniformNoise(10, 50, 255, 1));
    assertTrue(a[0] != OodImages.uniformNoise(10, 50, 255, 2)[0]);
  }
}
