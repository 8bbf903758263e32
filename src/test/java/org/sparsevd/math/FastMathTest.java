package org.sparsevd.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastMathTest {
  @Test
  void expIsAccurateToAFewUlp() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 200_000; i++) {
      float x = (float) rnd.nextDouble(-87, 88);
      double exact = Math.exp(x);
      assertEquals(exact, FastMath.exp(x), 4 * Math.ulp((float) exact), "exp(" + x + ")");
    }
    assertEquals(1f, FastMath.exp(0f));
    assertEquals((float) Math.exp(-87), FastMath.exp(-1000f), Math.ulp((float) Math.exp(-87)) * 4);
    assertTrue(Float.isNaN(FastMath.exp(Float.NaN)));
  }

  @Test
  void logIsAccurateToAFewUlp() {
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 200_000; i++) {
      float x = (float) Math.exp(rnd.nextDouble(-80, 80));
      double exact = Math.log(x);
      assertEquals(exact, FastMath.log(x), 4 * Math.ulp((float) Math.max(Math.abs(exact), 1e-3)),
          "log(" + x + ")");
    }
    assertEquals(0f, FastMath.log(1f));
  }

  @Test
  void sinCosOfAFullTurn() {
    float[] sc = new float[2];
    for (int i = 0; i < 100_000; i++) {
      float v = i / 100_000f;
      FastMath.sinCos2Pi(v, sc, 0);
      assertEquals(Math.sin(2 * Math.PI * v), sc[0], 3e-7, "sin at " + v);
      assertEquals(Math.cos(2 * Math.PI * v), sc[1], 3e-7, "cos at " + v);
    }
  }

  /** The vector path must give exactly the scalar bits, on every size and tail. */
  @Test
  void arrayKernelsEqualTheScalarFunctionsBitwise() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int n : new int[] {0, 1, 4, 6, 13, 16, 17, 25, 207, 702, 4099}) {
      float[] src = new float[n + 3];
      for (int i = 0; i < src.length; i++) {
        src[i] = (float) rnd.nextDouble(-30, 30);
      }
      float[] dst = new float[n + 5];
      ArrayMath.exp(src, 3 - 3 + 1, dst, 2, n);
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToRawIntBits(FastMath.exp(src[1 + i])),
            Float.floatToRawIntBits(dst[2 + i]), "exp n=" + n + " i=" + i);
      }
      for (int i = 0; i < src.length; i++) {
        src[i] = (float) Math.exp(src[i]);
      }
      ArrayMath.log(src, 1, dst, 2, n);
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToRawIntBits(FastMath.log(src[1 + i])),
            Float.floatToRawIntBits(dst[2 + i]), "log n=" + n + " i=" + i);
      }
    }
  }

  /**
   * sin and cos of 2 pi v over arrays equal the scalar ones bitwise, on quarter-turn ties and
   * the values just below them, where rounding 4 v decides the reduction.
   */
  @Test
  void arraySinCosEqualsTheScalarBitwise() {
    SplittableRandom rnd = new SplittableRandom(4);
    int n = 4099;
    float[] v = new float[n + 1];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 7 == 0 ? (i / 7 % 8) * 0.125f : i % 7 == 1 ? Math.nextDown((i / 7 % 8) * 0.125f)
          : (float) rnd.nextDouble();
      v[i] = Math.max(0f, v[i]);
    }
    float[] sin = new float[n];
    float[] cos = new float[n];
    ArrayMath.sinCos2Pi(v, 1, sin, cos, n);
    float[] sc = new float[2];
    for (int i = 0; i < n; i++) {
      FastMath.sinCos2Pi(v[1 + i], sc, 0);
      assertEquals(Float.floatToRawIntBits(sc[0]), Float.floatToRawIntBits(sin[i]), "sin " + i);
      assertEquals(Float.floatToRawIntBits(sc[1]), Float.floatToRawIntBits(cos[i]), "cos " + i);
    }
  }

  /** ReLU's selection: the gradient where x > 0, else +0, for -0, NaN and every tail size. */
  @Test
  void wherePositiveSelectsBitwise() {
    SplittableRandom rnd = new SplittableRandom(6);
    for (int n : new int[] {0, 1, 16, 19, 100}) {
      float[] x = new float[n];
      float[] g = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = switch (i % 5) {
          case 0 -> -0f;
          case 1 -> Float.NaN;
          case 2 -> Float.MIN_VALUE;
          default -> (float) rnd.nextDouble(-1, 1);
        };
        g[i] = (float) rnd.nextDouble(-1, 1);
      }
      float[] dst = new float[n];
      ArrayMath.wherePositive(x, g, dst, n);
      for (int i = 0; i < n; i++) {
        assertEquals(Float.floatToRawIntBits(x[i] > 0f ? g[i] : 0f),
            Float.floatToRawIntBits(dst[i]), "n=" + n + " i=" + i + " x=" + x[i]);
      }
    }
  }

  /**
   * A bias added to every row and a bias's gradient summed down the rows give the scalar loops'
   * bits: widths below, at and between the lane counts, offsets, and rows that leave a tail.
   */
  @Test
  void biasKernelsEqualTheScalarLoopsBitwise() {
    SplittableRandom rnd = new SplittableRandom(8);
    for (int cols : new int[] {1, 10, 16, 20, 50, 64, 100}) {
      for (int rows : new int[] {0, 1, 3, 17, 64}) {
        float[] y = new float[rows * cols];
        float[] bias = new float[cols + 2];
        float[] g = new float[cols + 3];
        for (int i = 0; i < y.length; i++) {
          y[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int j = 0; j < bias.length; j++) {
          bias[j] = (float) rnd.nextDouble(-1, 1);
        }
        for (int j = 0; j < g.length; j++) {
          g[j] = (float) rnd.nextDouble(-1, 1);
        }
        float[] wantY = y.clone();
        float[] wantG = g.clone();
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < cols; j++) {
            wantY[r * cols + j] += bias[2 + j];
            wantG[3 + j] += y[r * cols + j];
          }
        }
        ArrayMath.addColumnSums(y, rows, cols, g, 3);
        ArrayMath.addBias(y, rows, bias, 2, cols);
        for (int i = 0; i < y.length; i++) {
          assertEquals(Float.floatToRawIntBits(wantY[i]), Float.floatToRawIntBits(y[i]),
              "bias cols=" + cols + " rows=" + rows + " i=" + i);
        }
        for (int j = 0; j < g.length; j++) {
          assertEquals(Float.floatToRawIntBits(wantG[j]), Float.floatToRawIntBits(g[j]),
              "column sums cols=" + cols + " rows=" + rows + " j=" + j);
        }
      }
    }
  }

  /**
   * The columns with a nonzero: a single nonzero, NaN or infinity in any row marks its column,
   * -0 and 0 do not; widths below, at and between the lane counts, and zero rows.
   */
  @Test
  void nonzeroColumnsMarksAnyNonzeroOfAColumn() {
    SplittableRandom rnd = new SplittableRandom(9);
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -1f};
    for (int cols : new int[] {1, 7, 16, 20, 33, 784}) {
      for (int rows : new int[] {0, 1, 5, 40}) {
        float[] x = new float[rows * cols];
        boolean[] want = new boolean[cols];
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < cols; j++) {
            double u = rnd.nextDouble();
            // Mostly zeros of both signs; a few columns get one special value.
            x[r * cols + j] = u < 0.05 ? specials[rnd.nextInt(specials.length)]
                : u < 0.5 ? -0f : 0f;
            want[j] |= x[r * cols + j] != 0f;
          }
        }
        boolean[] got = new boolean[cols + 1];
        java.util.Arrays.fill(got, true);
        ArrayMath.nonzeroColumns(x, rows, cols, got);
        for (int j = 0; j < cols; j++) {
          assertEquals(want[j], got[j], "cols=" + cols + " rows=" + rows + " j=" + j);
        }
        assertEquals(true, got[cols], "the flag past cols is left alone");
      }
    }
  }
}
