package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The forward pass picks, bit for bit, the value and the winner that a scalar walk of each
 * window picks (the first strictly larger input wins, so ties keep the earliest and a NaN never
 * wins over a number nor loses its place): channel counts below, at and between the lane
 * counts, values drawn from a few to force ties, NaN and -0.
 */
class MaxPool2dTest {

  @Test
  void forwardPicksTheScalarWalksWinners() {
    SplittableRandom rnd = new SplittableRandom(9);
    float[] pool = {-1f, -0f, 0f, 0.5f, 1f, Float.NaN};
    for (int channels : new int[] {1, 3, 16, 20, 50}) {
      for (int size : new int[] {2, 3}) {
        FeatureShape in = new FeatureShape(7, 8, channels);
        MaxPool2d layer = new MaxPool2d(in, size);
        int rows = 3;
        float[] x = new float[rows * in.size()];
        for (int i = 0; i < x.length; i++) {
          x[i] = pool[rnd.nextInt(pool.length)];
        }
        float[] y = new float[rows * layer.outputSize()];
        Layer.Scratch scratch = layer.newScratch(rows);
        layer.forward(new float[0], 0, x, y, rows, Mode.TRAIN, null, 0, scratch);
        float[] dy = new float[y.length];
        for (int o = 0; o < dy.length; o++) {
          dy[o] = o + 1;
        }
        float[] dx = new float[x.length];
        layer.backward(new float[0], 0, x, dy, dx, null, rows, scratch);

        FeatureShape out = layer.outputShape();
        int o = 0;
        for (int r = 0; r < rows; r++) {
          for (int oy = 0; oy < out.height(); oy++) {
            for (int ox = 0; ox < out.width(); ox++) {
              for (int ch = 0; ch < channels; ch++, o++) {
                int corner = r * in.size() + (oy * size * in.width() + ox * size) * channels;
                int best = corner + ch;
                for (int ky = 0; ky < size; ky++) {
                  for (int kx = 0; kx < size; kx++) {
                    int i = corner + (ky * in.width() + kx) * channels + ch;
                    if (x[i] > x[best]) {
                      best = i;
                    }
                  }
                }
                String at = "channels=" + channels + " size=" + size + " output " + o;
                assertEquals(Float.floatToRawIntBits(x[best]), Float.floatToRawIntBits(y[o]),
                    at);
                assertEquals(o + 1f, dx[best], "the gradient of " + at + " reaches its winner");
              }
            }
          }
        }
      }
    }
  }
}
