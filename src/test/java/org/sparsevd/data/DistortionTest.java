package org.sparsevd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DistortionTest {
  private static final int SIDE = 5;

  /** A 5x5 image whose pixel (x, y) is 10 y + x + 1: every pixel different, none 0. */
  private static float[] ramp() {
    float[] a = new float[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        a[y * SIDE + x] = 10 * y + x + 1;
      }
    }
    return a;
  }

  private static float[] warp(Distortion.Transform t) {
    float[] out = new float[SIDE * SIDE];
    java.util.Arrays.fill(out, Float.NaN);
    Distortion.warp(ramp(), 0, SIDE, t, out, 0);
    return out;
  }

  @Test
  void identityCopies() {
    assertArrayEquals(ramp(), warp(new Distortion.Transform(0, 0, 1, 0, 0)));
  }

  @Test
  void wholePixelShiftMovesTheImageAndFillsZeros() {
    float[] out = warp(new Distortion.Transform(0, 0, 1, 1, 0));
    for (int y = 0; y < SIDE; y++) {
      assertEquals(0f, out[y * SIDE]);
      for (int x = 1; x < SIDE; x++) {
        assertEquals(10 * y + x, out[y * SIDE + x], "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void halfPixelShiftAveragesNeighbours() {
    float[] out = warp(new Distortion.Transform(0, 0, 1, 0, 0.5));
    // Output row y samples source row y - 0.5: the mean of rows y - 1 and y.
    assertEquals((1 + 11) / 2f, out[SIDE], 1e-5);
    assertEquals(1 / 2f, out[0], 1e-5);
  }

  @Test
  void quarterTurnRotatesAboutTheCentre() {
    float[] out = warp(new Distortion.Transform(0, Math.PI / 2, 1, 0, 0));
    float[] src = ramp();
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        // Output (x, y) comes from source (y, SIDE - 1 - x).
        assertEquals(src[(SIDE - 1 - x) * SIDE + y], out[y * SIDE + x], 1e-4,
            "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void doublingScaleSamplesHalfwayToTheCentre() {
    float[] out = warp(new Distortion.Transform(0, 0, 2, 0, 0));
    // Output corner (0, 0) comes from source (1, 1); the centre stays.
    assertEquals(ramp()[SIDE + 1], out[0], 1e-5);
    assertEquals(ramp()[2 * SIDE + 2], out[2 * SIDE + 2], 1e-5);
  }

  @Test
  void samplesAreAFunctionOfSeedAndExampleWithinTheirBounds() {
    Set<Integer> sources = new HashSet<>();
    for (long i = 0; i < 2000; i++) {
      Distortion.Transform t = Distortion.sample(7, i, 100);
      assertEquals(t, Distortion.sample(7, i, 100));
      assertTrue(t.source() >= 0 && t.source() < 100, t.toString());
      assertTrue(Math.abs(Math.toDegrees(t.radians())) <= Distortion.MAX_DEGREES, t.toString());
      assertTrue(Math.abs(t.scale() - 1) <= Distortion.MAX_SCALE_CHANGE, t.toString());
      assertTrue(Math.abs(t.dx()) <= Distortion.MAX_SHIFT
          && Math.abs(t.dy()) <= Distortion.MAX_SHIFT, t.toString());
      sources.add(t.source());
    }
    assertEquals(100, sources.size(), "2000 draws should reach every one of 100 sources");
    assertNotEquals(Distortion.sample(7, 3, 100), Distortion.sample(8, 3, 100));
  }
}
