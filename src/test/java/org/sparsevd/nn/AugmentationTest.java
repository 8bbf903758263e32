package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * crop(P[, p=Q]) and flip: what each draw does to an image, that every shift in [-P, P]^2 and both
 * flips are drawn about equally often, that an example's draw depends only on (seed, step,
 * example id), and that evaluation leaves images alone. The gradients are checked in {@link
 * LayerContractTest}.
 */
class AugmentationTest {
  private static final FeatureShape SHAPE = new FeatureShape(5, 6, 2);
  private static final int ROWS = 2000;

  /** Row r holds 1 + its (y, x, ch) index: every value tells where it came from. */
  private static float[] images() {
    float[] x = new float[ROWS * SHAPE.size()];
    for (int r = 0; r < ROWS; r++) {
      for (int k = 0; k < SHAPE.size(); k++) {
        x[r * SHAPE.size() + k] = 1 + k;
      }
    }
    return x;
  }

  private static long[] ids(long first) {
    long[] ids = new long[ROWS];
    for (int r = 0; r < ROWS; r++) {
      ids[r] = first + r;
    }
    return ids;
  }

  @Test
  void cropShiftsByEveryOffsetInThePaddingUniformly() {
    int pad = 2;
    RandomCrop crop = new RandomCrop(SHAPE, pad, 1);
    float[] x = images();
    float[] y = new float[x.length];
    crop.forward(null, 0, x, y, ROWS, Mode.TRAIN, new Noise(7, 3, ids(0)), 0,
        crop.newScratch(ROWS));
    int[][] seen = new int[2 * pad + 1][2 * pad + 1];
    int w = SHAPE.width();
    int c = SHAPE.channels();
    for (int r = 0; r < ROWS; r++) {
      int[] shift = null;
      for (int sy = -pad; sy <= pad && shift == null; sy++) {
        for (int sx = -pad; sx <= pad && shift == null; sx++) {
          boolean match = true;
          for (int i = 0; i < SHAPE.height() && match; i++) {
            for (int j = 0; j < w && match; j++) {
              for (int ch = 0; ch < c; ch++) {
                boolean inside = i + sy >= 0 && i + sy < SHAPE.height() && j + sx >= 0
                    && j + sx < w;
                float want = inside ? 1 + ((i + sy) * w + j + sx) * c + ch : 0;
                match &= y[r * SHAPE.size() + (i * w + j) * c + ch] == want;
              }
            }
          }
          if (match) {
            shift = new int[] {sy, sx};
          }
        }
      }
      assertTrue(shift != null, "row " + r + " is no shifted copy of its image");
      seen[shift[0] + pad][shift[1] + pad]++;
    }
    double expected = ROWS / 25.0;
    for (int[] row : seen) {
      for (int n : row) {
        assertEquals(expected, n, 5 * Math.sqrt(expected), "counts " + Arrays.deepToString(seen));
      }
    }
  }

  /**
   * crop(2, p=0.3) leaves a row unchanged when it draws no shift (0.7) or the zero shift of
   * the 25 (0.3 / 25), and otherwise shifts it; crop(0) with any probability changes nothing.
   */
  @Test
  void cropWithAProbabilityShiftsThatFractionOfTheExamples() {
    RandomCrop crop = (RandomCrop) NetworkSpec.parse("image(5, 6, 2) | crop(2, p=0.3)",
        SHAPE.size(), VdSettings.DEFAULTS).layers().get(1);
    assertEquals("crop(2, p=0.3)", crop.spec());
    float[] x = images();
    float[] y = new float[x.length];
    crop.forward(null, 0, x, y, ROWS, Mode.TRAIN, new Noise(7, 3, ids(0)), 0,
        crop.newScratch(ROWS));
    int size = SHAPE.size();
    int unchanged = 0;
    for (int r = 0; r < ROWS; r++) {
      unchanged += Arrays.equals(Arrays.copyOfRange(x, r * size, (r + 1) * size),
          Arrays.copyOfRange(y, r * size, (r + 1) * size)) ? 1 : 0;
    }
    double p = 0.7 + 0.3 / 25;
    assertEquals(ROWS * p, unchanged, 5 * Math.sqrt(ROWS * p * (1 - p)));
    RandomCrop none = new RandomCrop(SHAPE, 0, 0.5);
    none.forward(null, 0, x, y, ROWS, Mode.TRAIN, new Noise(7, 3, ids(0)), 0,
        none.newScratch(ROWS));
    assertArrayEquals(x, y);
  }

  @Test
  void flipMirrorsAboutHalfTheImages() {
    RandomFlip flip = new RandomFlip(SHAPE);
    float[] x = images();
    float[] y = new float[x.length];
    flip.forward(null, 0, x, y, ROWS, Mode.TRAIN, new Noise(7, 3, ids(0)), 0,
        flip.newScratch(ROWS));
    int w = SHAPE.width();
    int c = SHAPE.channels();
    int size = SHAPE.size();
    int mirrored = 0;
    for (int r = 0; r < ROWS; r++) {
      float[] row = Arrays.copyOfRange(y, r * size, (r + 1) * size);
      float[] mirror = new float[size];
      for (int i = 0; i < SHAPE.height(); i++) {
        for (int j = 0; j < w; j++) {
          for (int ch = 0; ch < c; ch++) {
            mirror[(i * w + j) * c + ch] = 1 + (i * w + w - 1 - j) * c + ch;
          }
        }
      }
      boolean same = Arrays.equals(row, Arrays.copyOfRange(x, r * size, (r + 1) * size));
      assertTrue(same || Arrays.equals(row, mirror), "row " + r);
      mirrored += same ? 0 : 1;
    }
    assertEquals(ROWS / 2.0, mirrored, 5 * Math.sqrt(ROWS / 4.0));
  }

  /**
   * The draw of an example is a function of (seed, step, example id): the same in any batch
   * and position, so in any partitioning of the data; another step or seed draws anew.
   */
  @Test
  void anExamplesDrawDependsOnlyOnSeedStepAndId() {
    Network net = NetworkSpec.parse("image(5, 6, 2) | crop(3) | flip | flatten | dense(2)",
        SHAPE.size(), VdSettings.DEFAULTS);
    float[] params = net.initParams(1);
    float[] x = images();
    long[] ids = ids(100);
    int size = SHAPE.size();
    float[] all = augmented(net, params, x, ids, ROWS, 4);
    // Rows 1000.. alone, in reverse order.
    int n = 300;
    float[] part = new float[n * size];
    long[] partIds = new long[n];
    for (int r = 0; r < n; r++) {
      System.arraycopy(x, (1000 + r) * size, part, (n - 1 - r) * size, size);
      partIds[n - 1 - r] = ids[1000 + r];
    }
    float[] alone = augmented(net, params, part, partIds, n, 4);
    for (int r = 0; r < n; r++) {
      assertArrayEquals(Arrays.copyOfRange(all, (1000 + r) * size, (1001 + r) * size),
          Arrays.copyOfRange(alone, (n - 1 - r) * size, (n - r) * size), "example " + (1100 + r));
    }
    assertTrue(!Arrays.equals(all, augmented(net, params, x, ids, ROWS, 5)), "another step");
    float[] eval = net.forward(params, x, ROWS, Mode.EVAL, null, net.newWorkspace(ROWS));
    float[] sample = net.forward(params, x, ROWS, Mode.SAMPLE, Noise.forSample(1, 0, ids),
        net.newWorkspace(ROWS));
    assertArrayEquals(eval, sample, "no augmentation outside training");
  }

  /** The flip layer's output in training at the given step. */
  private static float[] augmented(Network net, float[] params, float[] x, long[] ids, int rows,
                                   long step) {
    Workspace ws = net.newWorkspace(rows);
    net.forward(params, x, rows, Mode.TRAIN, new Noise(9, step, ids), ws);
    return Arrays.copyOf(ws.acts[3], rows * SHAPE.size());
  }
}
