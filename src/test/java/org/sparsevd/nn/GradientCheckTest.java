package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Analytic gradients of (sum CE + klWeight KL) against central finite differences of the
 * double-precision reference, with the noise fixed by its coordinates. Log alphas are spread
 * over five bands away from the kinks at -8, the threshold 3 and 8, so every branch
 * (clipped below, free, pruned by train clip, clipped above) is exercised.
 */
class GradientCheckTest {
  private static final double[] LOG_ALPHA_BANDS = {-10, -4, 0, 5, 10};

  @ParameterizedTest(name = "{0}, {1}, trainClip={2}")
  @CsvSource({
      "vd(5) | relu | vd(4) | relu | vd(3), LOG_SIGMA2, true",
      "vd(5) | relu | vd(4) | relu | vd(3), LOG_SIGMA2, false",
      "vd(5) | relu | vd(4) | relu | vd(3), LOG_ALPHA, true",
      "vd(5) | relu | vd(4) | relu | vd(3), LOG_ALPHA, false",
      "vd(3), LOG_SIGMA2, true",
      "vd(3), LOG_ALPHA, true",
      "dense(5) | relu | vd(3), LOG_SIGMA2, true",
      "dense(5) | gdrop(0.3) | relu | dense(3), LOG_SIGMA2, true",
      "vd(6) | gdrop(0.5) | relu | vd(4) | relu | dense(3), LOG_ALPHA, false"
  })
  void analyticGradientMatchesFiniteDifferences(String spec, Parameterization param,
                                                boolean trainClip) {
    VdSettings settings = VdSettings.DEFAULTS.withParameterization(param).withTrainClip(trainClip);
    Network net = NetworkSpec.parse(spec, 7, settings);
    SplittableRandom rnd = new SplittableRandom(11);
    float[] params = spreadParams(net, rnd);
    int rows = 5;
    float[] x = new float[rows * 7];
    for (int k = 0; k < x.length; k++) {
      x[k] = k % 5 == 0 ? 0f : (float) rnd.nextGaussian();
    }
    check(spec, net, params, x, null);
  }

  /** Per-example weights of the cross-entropy, one of them 0 (the example is left out). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"vd(5) | relu | vd(4) | relu | vd(3)", "dense(5) | relu | vd(3)"})
  void weightedExamples(String spec) {
    Network net = NetworkSpec.parse(spec, 7, VdSettings.DEFAULTS);
    SplittableRandom rnd = new SplittableRandom(13);
    float[] params = spreadParams(net, rnd);
    float[] x = new float[5 * 7];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) rnd.nextGaussian();
    }
    check(spec, net, params, x, new float[] {0.5f, 3f, 0f, 1f, 1.25f});
  }

  /**
   * Inputs that are zero in every row: the forward pass skips their weight rows, which must
   * still get exact gradients, and (second case) a layer before must still get the input
   * gradient of such an input (a dense unit whose weights and bias are zero outputs 0).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"vd(5) | relu | vd(3)", "dense(5) | vd(4) | relu | vd(3)"})
  void inputsThatAreZeroInEveryRow(String spec) {
    Network net = NetworkSpec.parse(spec, 7, VdSettings.DEFAULTS);
    SplittableRandom rnd = new SplittableRandom(12);
    float[] params = spreadParams(net, rnd);
    float[] x = new float[5 * 7];
    for (int k = 0; k < x.length; k++) {
      int col = k % 7;
      x[k] = col == 2 || col == 6 ? 0f : (float) rnd.nextGaussian();
    }
    if (net.layers().get(0) instanceof Dense) {
      for (int i = 0; i < 7; i++) {
        params[i * 5 + 2] = 0f;
      }
      params[7 * 5 + 2] = 0f;
      // Keep the weights fed by that unit (log alpha -4), so its input gradient is not zero.
      int off = net.offset(1);
      for (int k = 2 * 4; k < 3 * 4; k++) {
        float theta = params[off + k];
        params[off + 20 + k] = (float) (-4 + Math.log(theta * theta + 1e-8));
      }
    }
    check(spec, net, params, x, null);
  }

  static void check(String spec, Network net, float[] params, float[] x, float[] weights) {
    int rows = 5;
    int[] labels = {0, 2, 1, 2, 0};
    long[] ids = {3, 17, 4, 1000, 99};
    double klWeight = 0.7;

    float[] grad = new float[net.paramCount()];
    double nll = net.nllGradient(params, x, labels, weights, ids, rows, 5L, 9L, grad,
        net.newWorkspace(8));
    net.addKlGradient(params, (float) klWeight, grad);

    ReferenceNet ref = new ReferenceNet(net);
    double[] p = new double[params.length];
    for (int k = 0; k < p.length; k++) {
      p[k] = params[k];
    }
    double refLoss = ref.loss(p, x, labels, weights, ids, rows, 5L, 9L, klWeight);
    assertEquals(refLoss, nll + klWeight * net.kl(params), 1e-4 * Math.abs(refLoss),
        "float engine loss vs double reference");

    double[] fd = new double[p.length];
    double scale = 0;
    for (int k = 0; k < p.length; k++) {
      double h = 1e-5 * Math.max(1, Math.abs(p[k]));
      double saved = p[k];
      p[k] = saved + h;
      double up = ref.loss(p, x, labels, weights, ids, rows, 5L, 9L, klWeight);
      p[k] = saved - h;
      double down = ref.loss(p, x, labels, weights, ids, rows, 5L, 9L, klWeight);
      p[k] = saved;
      fd[k] = (up - down) / (2 * h);
      scale = Math.max(scale, Math.abs(fd[k]));
    }
    assertTrue(scale > 0.1, "the check must see gradients, max |fd| = " + scale);
    for (int k = 0; k < p.length; k++) {
      double tol = 1e-4 * scale + 2e-3 * Math.abs(fd[k]);
      assertEquals(fd[k], grad[k], tol, "parameter " + k + " of " + spec);
    }
  }

  /** theta ~ N(0, 0.5); each weight's log alpha in one of the bands, +-0.8. */
  static float[] spreadParams(Network net, SplittableRandom rnd) {
    float[] params = net.initParams(1);
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      int n = LayerWeights.count(layer);
      for (int k = 0; k < layer.paramCount(); k++) {
        params[off + k] = (float) (0.5 * rnd.nextGaussian());
      }
      if (!(layer instanceof Variational v) || v.logAlphas(params, off) == null) {
        continue;
      }
      boolean perFilter = layer instanceof Conv2d conv && conv.kind() == Conv2d.Kind.PER_FILTER;
      int units = perFilter ? ((Conv2d) layer).filters() : n;
      for (int k = 0; k < units; k++) {
        float theta = params[off + k];
        double target = LOG_ALPHA_BANDS[rnd.nextInt(LOG_ALPHA_BANDS.length)]
            + rnd.nextDouble(-0.8, 0.8);
        params[off + n + k] = (float) (!perFilter && v.settings().parameterization()
            == Parameterization.LOG_SIGMA2 ? target + Math.log(theta * theta + 1e-8) : target);
      }
    }
    return params;
  }
}
