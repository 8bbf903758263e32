package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gradients of the dropout layers of the method comparison (per-neuron VD, Bernoulli,
 * Concrete and information dropout) against central finite differences of a double-precision
 * transcription of each layer's formula. The loss is sum(c * y) + klWeight * KL for a fixed
 * random c, so the backward pass gets dy = c; the noise is drawn from the same coordinates as
 * the layer's. Both the parameter gradient (with the KL or regulariser gradient) and the input
 * gradient are checked.
 */
class MethodLayerGradientTest {
  private static final int ROWS = 4;
  private static final long SEED = 5;
  private static final long STEP = 9;
  private static final long[] IDS = {3, 17, 4, 1000};
  private static final int STREAM = 2;
  private static final double KL_WEIGHT = 0.7;

  /** A layer's loss in double: sum c y + klWeight KL (+ any per-example cost). */
  @FunctionalInterface
  interface Reference {
    double loss(double[] p, double[] x, double[] c);
  }

  @Test
  void neuronVdWithTrainClip() {
    neuronVd(true);
  }

  @Test
  void neuronVdWithoutTrainClip() {
    neuronVd(false);
  }

  private void neuronVd(boolean trainClip) {
    int size = 10;
    VdSettings s = VdSettings.DEFAULTS.withTrainClip(trainClip);
    NeuronVd layer = new NeuronVd(size, s);
    // Log alphas in every band: clipped below, free, pruned, clipped above.
    float[] p = {-10f, -4.2f, -1.5f, 0.3f, 2.1f, 4.4f, 6.5f, 9.5f, -6f, 1f};
    float[] eps = new float[ROWS * size];
    new Noise(SEED, STEP, IDS).fill(STREAM, ROWS, size, eps);
    check(layer, p, gaussianInput(size, 1), (q, x, c) -> {
      double loss = 0;
      for (int i = 0; i < size; i++) {
        double la = Math.max(s.logAlphaMin(), Math.min(s.logAlphaMax(), q[i]));
        double m = trainClip && la >= s.threshold() ? 0 : 1;
        for (int r = 0; r < ROWS; r++) {
          int k = r * size + i;
          loss += c[k] * x[k] * (m + Math.exp(la / 2) * eps[k]);
        }
        loss += KL_WEIGHT * SparseVdKl.kl(la);
      }
      return loss;
    });
  }

  @Test
  void bernoulliDropout() {
    int size = 12;
    double rate = 0.4;
    BernoulliDropout layer = new BernoulliDropout(size, rate);
    float[] u = new float[ROWS * size];
    new Noise(SEED, STEP, IDS).fillUniform(STREAM, ROWS, size, u);
    int dropped = 0;
    for (float v : u) {
      dropped += v < rate ? 1 : 0;
    }
    assertTrue(dropped > 5 && dropped < ROWS * size - 5, dropped + " of 48 dropped");
    check(layer, new float[0], gaussianInput(size, 2), (q, x, c) -> {
      double loss = 0;
      for (int k = 0; k < x.length; k++) {
        loss += c[k] * x[k] * (u[k] < rate ? 0 : 1 / (1 - rate));
      }
      return loss;
    });
  }

  @Test
  void concreteDense() {
    int in = 6;
    int out = 3;
    ConcreteDense layer = new ConcreteDense(in, out, 0.01f);
    SplittableRandom rnd = new SplittableRandom(21);
    float[] p = new float[layer.paramCount()];
    for (int k = 0; k < p.length - 1; k++) {
      p[k] = (float) (0.5 * rnd.nextGaussian());
    }
    p[p.length - 1] = -0.4f;
    float[] u = new float[ROWS * in];
    new Noise(SEED, STEP, IDS).fillUniform(STREAM, ROWS, in, u);
    double t = 0.1;
    check(layer, p, gaussianInput(in, 3), (q, x, c) -> {
      double logit = q[in * out + out];
      double rate = 1 / (1 + Math.exp(-logit));
      double loss = 0;
      for (int r = 0; r < ROWS; r++) {
        for (int j = 0; j < out; j++) {
          double y = q[in * out + j];
          for (int i = 0; i < in; i++) {
            double ui = u[r * in + i];
            double z = 1 / (1 + Math.exp(-(logit + Math.log(ui) - Math.log(1 - ui)) / t));
            y += x[r * in + i] * (1 - z) / (1 - rate) * q[i * out + j];
          }
          loss += c[r * out + j] * y;
        }
      }
      return loss + KL_WEIGHT * concreteRegulariser(q, in, out);
    });
  }

  /** The paper's regulariser times N, with l = 1e-4 and tau = 1. */
  private static double concreteRegulariser(double[] q, int in, int out) {
    double rate = 1 / (1 + Math.exp(-q[in * out + out]));
    double w2 = 0;
    for (int k = 0; k < in * out; k++) {
      w2 += q[k] * q[k];
    }
    return 1e-8 * w2 / (1 - rate)
        + 2.0 * in * (rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
  }

  /**
   * The weight part of the regulariser (l^2 = 1e-8) is far below the tolerance of the whole
   * loss: check the regulariser on its own, each entry to its own scale.
   */
  @Test
  void concreteRegulariserAndItsGradient() {
    int in = 5;
    int out = 2;
    ConcreteDense layer = new ConcreteDense(in, out, 0.01f);
    SplittableRandom rnd = new SplittableRandom(22);
    float[] p = new float[layer.paramCount()];
    for (int k = 0; k < p.length; k++) {
      p[k] = (float) rnd.nextGaussian();
    }
    double[] q = toDouble(p);
    assertEquals(concreteRegulariser(q, in, out), layer.kl(p, 0),
        1e-6 * Math.abs(concreteRegulariser(q, in, out)));
    float[] grad = new float[p.length];
    layer.addKlGradient(p, 0, 1f, grad);
    for (int k = 0; k < p.length; k++) {
      double rate = 1 / (1 + Math.exp(-q[in * out + out]));
      double expected = k < in * out ? 2e-8 * q[k] / (1 - rate)
          : k < in * out + out ? 0 : fd(q, k, v -> concreteRegulariser(v, in, out));
      assertEquals(expected, grad[k], 1e-5 * Math.abs(expected) + 1e-30, "entry " + k);
    }
    assertEquals(0.1, new ConcreteDense(3, 2, 0.01f).dropRate(
        initialised(new ConcreteDense(3, 2, 0.01f)), 0), 1e-6, "initial drop rate");
  }

  @Test
  void informationDropout() {
    int size = 8;
    double beta = 0.3;
    InformationDropout layer = new InformationDropout(size, beta);
    float[] p = {-3f, -1f, 0f, 0.5f, 1.5f, 2.5f, -2f, 4f};
    float[] eps = new float[ROWS * size];
    new Noise(SEED, STEP, IDS).fill(STREAM, ROWS, size, eps);
    float[] x = gaussianInput(size, 4);
    for (int k = 0; k < x.length; k++) {
      x[k] = Math.abs(x[k]);
    }
    check(layer, p, x, (q, in, c) -> {
      double loss = 0;
      for (int i = 0; i < size; i++) {
        double a = 0.7 / (1 + Math.exp(-q[i]));
        for (int r = 0; r < ROWS; r++) {
          int k = r * size + i;
          loss += c[k] * in[k] * Math.exp(a * eps[k] - a * a / 2);
        }
        loss += beta * ROWS * -Math.log(a / 0.7);
      }
      return loss;
    });
  }

  private static float[] initialised(Layer layer) {
    float[] p = new float[layer.paramCount()];
    layer.init(p, 0, 1, 0);
    return p;
  }

  private static float[] gaussianInput(int width, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[ROWS * width];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) rnd.nextGaussian();
    }
    return x;
  }

  private static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int k = 0; k < a.length; k++) {
      d[k] = a[k];
    }
    return d;
  }

  private static double fd(double[] v, int k, java.util.function.ToDoubleFunction<double[]> f) {
    double h = 1e-5 * Math.max(1, Math.abs(v[k]));
    double saved = v[k];
    v[k] = saved + h;
    double up = f.applyAsDouble(v);
    v[k] = saved - h;
    double down = f.applyAsDouble(v);
    v[k] = saved;
    return (up - down) / (2 * h);
  }

  private static void check(Layer layer, float[] params, float[] x, Reference ref) {
    int in = layer.inputSize();
    int out = layer.outputSize();
    SplittableRandom rnd = new SplittableRandom(31);
    float[] c = new float[ROWS * out];
    double[] cd = new double[c.length];
    for (int k = 0; k < c.length; k++) {
      c[k] = (float) rnd.nextGaussian();
      cd[k] = c[k];
    }
    Layer.Scratch scratch = layer.newScratch(ROWS);
    float[] y = new float[ROWS * out];
    layer.forward(params, 0, x, y, ROWS, Mode.TRAIN, new Noise(SEED, STEP, IDS), STREAM,
        scratch);
    float[] grad = new float[params.length];
    float[] dx = new float[ROWS * in];
    java.util.Arrays.fill(dx, Float.NaN);
    layer.backward(params, 0, x, c, dx, grad, ROWS, scratch);
    layer.addKlGradient(params, 0, (float) KL_WEIGHT, grad);

    double[] p = toDouble(params);
    double[] xd = toDouble(x);
    double engine = layer.kl(params, 0) * KL_WEIGHT;
    for (int k = 0; k < y.length; k++) {
      engine += (double) c[k] * y[k];
    }
    double refLoss = ref.loss(p, xd, cd);
    if (!(layer instanceof InformationDropout)) {
      assertEquals(refLoss, engine, 1e-4 * Math.max(1, Math.abs(refLoss)),
          "float engine loss vs double reference");
    }
    double scale = 0;
    double[] fdP = new double[p.length];
    double[] fdX = new double[xd.length];
    for (int k = 0; k < p.length; k++) {
      fdP[k] = fd(p, k, v -> ref.loss(v, xd, cd));
      scale = Math.max(scale, Math.abs(fdP[k]));
    }
    for (int k = 0; k < xd.length; k++) {
      fdX[k] = fd(xd, k, v -> ref.loss(p, v, cd));
      scale = Math.max(scale, Math.abs(fdX[k]));
    }
    assertTrue(scale > 0.1, "the check must see gradients, max |fd| = " + scale);
    for (int k = 0; k < p.length; k++) {
      assertEquals(fdP[k], grad[k], 1e-4 * scale + 2e-3 * Math.abs(fdP[k]),
          "parameter " + k + " of " + layer.spec());
    }
    for (int k = 0; k < xd.length; k++) {
      assertEquals(fdX[k], dx[k], 1e-4 * scale + 2e-3 * Math.abs(fdX[k]),
          "input " + k + " of " + layer.spec());
    }
  }
}
