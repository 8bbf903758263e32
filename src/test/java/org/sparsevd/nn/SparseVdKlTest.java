package org.sparsevd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparseVdKlTest {
  /** (Euler's gamma + ln 2) / 2: the limit of 0.5 log alpha - E log|eps| as alpha grows. */
  private static final double LIMIT = (0.5772156649015329 + Math.log(2)) / 2;

  /**
   * -KL(q || log-uniform) = 0.5 log alpha - E_{z ~ N(0,1)} log|1 + sqrt(alpha) z| - C, with C
   * fixed so that it vanishes as alpha grows (Molchanov et al. 2017, eq. 13-14).
   */
  static double trueNegKl(double logAlpha) {
    double s = Math.exp(0.5 * logAlpha);
    return 0.5 * logAlpha - expectedLogAbs(s) - LIMIT;
  }

  /**
   * E log|1 + s z| by composite Simpson on [-14, 14]. The log singularity at z0 = -1/s is
   * removed by z = z0 -+ t^3 on each side, which makes the integrand t^2 log t (smooth
   * enough for Simpson).
   */
  static double expectedLogAbs(double s) {
    double z0 = -1 / s;
    double lo = -14;
    double hi = 14;
    if (z0 <= lo || z0 >= hi) {
      return simpson(z -> Math.log(Math.abs(1 + s * z)) * phi(z), lo, hi, 200_000);
    }
    double left = simpson(t -> {
      double z = z0 - t * t * t;
      return Math.log(s * t * t * t) * phi(z) * 3 * t * t;
    }, 0, Math.cbrt(z0 - lo), 200_000);
    double right = simpson(t -> {
      double z = z0 + t * t * t;
      return Math.log(s * t * t * t) * phi(z) * 3 * t * t;
    }, 0, Math.cbrt(hi - z0), 200_000);
    return left + right;
  }

  private static double phi(double z) {
    return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }

  private static double simpson(java.util.function.DoubleUnaryOperator f, double a, double b,
                                int n) {
    double h = (b - a) / n;
    double sum = safe(f, a) + safe(f, b);
    for (int i = 1; i < n; i++) {
      sum += (i % 2 == 1 ? 4 : 2) * safe(f, a + i * h);
    }
    return sum * h / 3;
  }

  /** The t = 0 endpoint evaluates 0 * log 0; its limit is 0. */
  private static double safe(java.util.function.DoubleUnaryOperator f, double x) {
    double v = f.applyAsDouble(x);
    return Double.isNaN(v) ? 0 : v;
  }

  @Test
  void approximationMatchesNumericalIntegrationOfTheTrueKl() {
    // The published fit of eq. 14 has a maximum error of about 0.01 nats.
    for (double la = -8; la <= 8; la += 1) {
      double approx = -SparseVdKl.kl(la);
      double exact = trueNegKl(la);
      assertEquals(exact, approx, 0.012, "log alpha " + la);
    }
  }

  @Test
  void integratorReproducesAKnownExpectation() {
    // For s -> infinity, E log|1 + s z| - log s -> E log|z| = -(gamma + ln 2) / 2.
    double s = 1e6;
    assertEquals(-LIMIT, expectedLogAbs(s) - Math.log(s), 1e-4);
  }

  @Test
  void klIsPositiveAndFallsToZero() {
    double previous = Double.POSITIVE_INFINITY;
    for (double la = -10; la <= 12; la += 0.5) {
      double kl = SparseVdKl.kl(la);
      assertTrue(kl > 0, "KL at " + la + " = " + kl);
      assertTrue(kl < previous, "KL must decrease in log alpha, at " + la);
      previous = kl;
    }
    assertEquals(0, SparseVdKl.kl(30), 1e-6);
  }

  @Test
  void derivativeMatchesFiniteDifferences() {
    for (double la = -9; la <= 9; la += 0.75) {
      double h = 1e-6;
      double fd = (SparseVdKl.kl(la + h) - SparseVdKl.kl(la - h)) / (2 * h);
      assertEquals(fd, SparseVdKl.dKlDLogAlpha(la), 1e-7, "log alpha " + la);
    }
  }
}
