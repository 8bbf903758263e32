package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparsevd.math.ReferenceNormal;

class StructuredBayesianPruningTest {
  private static final double A = StructuredBayesianPruning.A;
  private static final double B = StructuredBayesianPruning.B;
  /** (mu, log sigma): narrow and wide, inside the range, near A, and above B. */
  private static final double[][] POSTERIORS = {{0, -5}, {-1, -1}, {-2, 0.5}, {-5, 1.5},
      {-18, 0}, {-10, 3}, {0.3, -2}, {0.02, -4}, {-0.5, 4.5}};

  /** E[theta^k] of the truncated log-normal by Simpson's rule on log theta. */
  private static double moment(double mu, double sigma, int k) {
    return integrate(mu, sigma, v -> Math.exp(k * v)) / integrate(mu, sigma, v -> 1);
  }

  /** The entropy of the truncated normal of log theta, by Simpson's rule. */
  private static double entropy(double mu, double sigma) {
    double z = integrate(mu, sigma, v -> 1);
    return integrate(mu, sigma, v -> {
      double q = ReferenceNormal.pdf((v - mu) / sigma) / sigma / z;
      return -Math.log(q);
    }) / z;
  }

  /** The integral of f(v) N(v; mu, sigma^2) over [A, B] within 14 sigma of mu. */
  private static double integrate(double mu, double sigma,
                                  java.util.function.DoubleUnaryOperator f) {
    double lo = Math.max(A, mu - 14 * sigma);
    double hi = Math.min(B, mu + 14 * sigma);
    int n = 200_000;
    double h = (hi - lo) / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double v = lo + i * h;
      double w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
      sum += w * f.applyAsDouble(v) * ReferenceNormal.pdf((v - mu) / sigma) / sigma;
    }
    return sum * h / 3;
  }

  @Test
  void momentsAndKlEqualNumericalIntegration() {
    for (double[] q : POSTERIORS) {
      double sigma = Math.exp(q[1]);
      var post = StructuredBayesianPruning.Posterior.of((float) q[0], (float) q[1]);
      String at = "mu " + q[0] + ", log sigma " + q[1];
      double m1 = moment(q[0], sigma, 1);
      double m2 = moment(q[0], sigma, 2);
      assertEquals(m1, post.moment(1), 1e-6 * m1, "E theta at " + at);
      assertEquals(m2, post.moment(2), 1e-6 * m2, "E theta^2 at " + at);
      double kl = Math.log(B - A) - entropy(q[0], sigma);
      assertEquals(kl, post.kl(), 1e-5 * Math.max(1, Math.abs(kl)), "KL at " + at);
      double snr = m1 / Math.sqrt(m2 - m1 * m1);
      assertEquals(snr > 1, !post.pruned(), "pruned at " + at + ", SNR " + snr);
    }
  }

  @Test
  void drawsFollowTheTruncatedNormalAndEvaluationUsesTheMean() {
    int rows = 20_000;
    Network net = NetworkSpec.parse("dense(2) | sbp | dense(2)", 1, VdSettings.DEFAULTS);
    StructuredBayesianPruning sbp = (StructuredBayesianPruning) net.layers().get(1);
    float[] params = new float[sbp.paramCount()];
    // Channel 0: mu -1, sigma e^-0.5 = 0.61, truncated at B; kept (signal-to-noise ratio 1.7).
    // Channel 1: mu -12, sigma e^2.2 = 9, truncated hard at both ends; pruned.
    params[0] = -1f;
    params[1] = -12f;
    params[2] = -0.5f;
    params[3] = 2.2f;
    long[] ids = new long[rows];
    float[] x = new float[rows * 2];
    for (int r = 0; r < rows; r++) {
      ids[r] = r;
      x[2 * r] = 1;
      x[2 * r + 1] = 1;
    }
    float[] y = new float[rows * 2];
    sbp.forward(params, 0, x, y, rows, Mode.TRAIN, new Noise(3, 7, ids), 1,
        sbp.newScratch(rows));
    for (int c = 0; c < 2; c++) {
      double mu = params[c];
      double sigma = Math.exp(params[2 + c]);
      double[] v = new double[rows];
      for (int r = 0; r < rows; r++) {
        v[r] = Math.log(y[2 * r + c]);
        assertTrue(v[r] >= A && v[r] <= B, "draw " + v[r] + " outside [A, B]");
      }
      Arrays.sort(v);
      double pa = ReferenceNormal.cdf((A - mu) / sigma);
      double z = ReferenceNormal.cdf((B - mu) / sigma) - pa;
      double worst = 0;
      for (int r = 0; r < rows; r++) {
        double cdf = (ReferenceNormal.cdf((v[r] - mu) / sigma) - pa) / z;
        worst = Math.max(worst, Math.abs(cdf - (r + 0.5) / rows));
      }
      // Kolmogorov-Smirnov at 20,000 draws: 0.0115 is the 99.9% point.
      assertTrue(worst < 0.0115, "channel " + c + ": KS distance " + worst);
    }
    sbp.forward(params, 0, x, y, 1, Mode.EVAL, null, 1, sbp.newScratch(1));
    var q0 = StructuredBayesianPruning.Posterior.of(params[0], params[2]);
    assertFalse(q0.pruned());
    assertEquals(q0.moment(1), y[0], 1e-6);
    assertTrue(StructuredBayesianPruning.Posterior.of(params[1], params[3]).pruned());
    assertEquals(0f, y[1]);
  }

  @Test
  void aPrunedChannelFoldsIntoAZeroFilterAndBias() {
    Network net = NetworkSpec.parse("image(5, 5, 1) | conv(3, 3) | sbp | relu | flatten "
        + "| dense(2)", 25, VdSettings.DEFAULTS);
    float[] params = net.initParams(4);
    int conv = net.offset(1);
    int off = net.offset(2);
    Arrays.fill(params, conv + 9 * 3, conv + 9 * 3 + 3, 0.25f);
    params[off + 3 + 1] = 2.5f;
    StructuredBayesianPruning sbp = (StructuredBayesianPruning) net.layers().get(2);
    assertEquals(2, sbp.kept(params, off));
    EvalForm.Linear bank = net.evalForms(params).get(1).weighted();
    double mean0 = StructuredBayesianPruning.Posterior.of(params[off], params[off + 3]).moment(1);
    for (int i = 0; i < 9; i++) {
      assertEquals(0, bank.weights()[i * 3 + 1], 0, "pruned filter's weight " + i);
      assertEquals(params[conv + i * 3] * mean0, bank.weights()[i * 3], 1e-6);
    }
    assertEquals(0, bank.bias()[1], 0);
    Sparsity.LayerCount count = net.sparsity(params).layers().get(0);
    assertEquals(3, count.outputs());
    assertEquals(2, count.outputsKept(), "filters kept, as the train job's summary reports them");
    assertEquals(0.25 * mean0, bank.bias()[0], 1e-6);
  }

  @Test
  void klPerWeightCountsTheWeightsIntoEachChannel() {
    Network net = NetworkSpec.parse("image(6, 6, 2) | conv(3, 3) | sbp(kl=weights) | relu "
        + "| flatten | dense(4) | sbp(kl=weights) | dense(2) | sbp", 72, VdSettings.DEFAULTS);
    float[] params = net.initParams(1);
    int[] counts = {3 * 3 * 2, 4 * 4 * 3, 1};
    int[] at = {2, 6, 8};
    for (int k = 0; k < 3; k++) {
      StructuredBayesianPruning sbp = (StructuredBayesianPruning) net.layers().get(at[k]);
      double perChannel = StructuredBayesianPruning.Posterior.of(
          StructuredBayesianPruning.MU_INIT, StructuredBayesianPruning.LOG_SIGMA_INIT).kl();
      assertEquals(counts[k] * sbp.channels() * perChannel, sbp.kl(params, net.offset(at[k])),
          1e-9 * counts[k] * sbp.channels() * perChannel, sbp.spec());
    }
    assertEquals("sbp(kl=weights)", net.layers().get(2).spec());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse("dense(4) | sbp(kl=units)", 3, VdSettings.DEFAULTS));
    assertEquals("network spec layer 2 'sbp(kl=units)': expected sbp or sbp(kl=weights)",
        e.getMessage());
  }

  @Test
  void everythingStaysFiniteOverTheWholeParameterRange() {
    int channels = 400;
    int rows = 50;
    StructuredBayesianPruning sbp = new StructuredBayesianPruning(new FeatureShape(1, 1,
        channels), 1);
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
    float[] params = new float[2 * channels];
    for (int c = 0; c < channels; c++) {
      // Past every clip: mu from below A to above MU_MAX, log sigma beyond both ends.
      params[c] = (float) rnd.nextDouble(-25, 7);
      params[channels + c] = (float) rnd.nextDouble(-22, 7);
    }
    long[] ids = new long[rows];
    float[] x = new float[rows * channels];
    float[] dy = new float[rows * channels];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) rnd.nextGaussian();
      dy[k] = (float) rnd.nextGaussian();
    }
    for (int r = 0; r < rows; r++) {
      ids[r] = r;
    }
    for (Mode mode : Mode.values()) {
      float[] y = new float[x.length];
      Layer.Scratch s = sbp.newScratch(rows);
      sbp.forward(params, 0, x, y, rows, mode, new Noise(1, 2, ids), 0, s);
      float[] grad = new float[params.length];
      float[] dx = new float[x.length];
      if (mode == Mode.TRAIN) {
        sbp.backward(params, 0, x, dy, dx, grad, rows, s);
      }
      sbp.addKlGradient(params, 0, 1f, grad);
      for (int k = 0; k < y.length; k++) {
        assertTrue(Float.isFinite(y[k]) && Float.isFinite(dx[k]), mode + " output " + k);
      }
      for (int k = 0; k < grad.length; k++) {
        int c = k % channels;
        assertTrue(Float.isFinite(grad[k]), mode + " gradient " + k + " at mu "
            + params[c] + ", log sigma " + params[channels + c]);
      }
    }
    assertTrue(Double.isFinite(sbp.kl(params, 0)));
  }

  @Test
  void itFollowsALayerItFoldsInto() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.parse("dense(4) | relu | sbp | dense(2)", 3, VdSettings.DEFAULTS));
    assertEquals("network spec layer 3 'sbp': sbp must follow conv, vdconv, dense or vd, into "
        + "which it folds for inference", e.getMessage());
  }
}
