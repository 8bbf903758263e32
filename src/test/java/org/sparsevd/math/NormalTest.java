package org.sparsevd.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NormalTest {
  @Test
  void erfcMatchesKnownValuesToTheFitsRelativeError() {
    double[][] known = {{0, 1}, {0.5, 0.4795001221869535}, {1, 0.15729920705028513},
        {2, 0.004677734981047266}, {3, 2.209049699858544e-05}, {5, 1.5374597944280349e-12},
        {10, 2.088487583762545e-45}, {-1, 1.8427007929497148}};
    for (double[] k : known) {
      assertEquals(k[1], Normal.erfc(k[0]), 1.2e-7 * k[1], "erfc(" + k[0] + ")");
    }
  }

  @Test
  void tailsKeepTheirRelativeAccuracyAgainstTheReference() {
    for (double x = -30; x <= 30; x += 0.37) {
      double lower = ReferenceNormal.cdf(x);
      assertEquals(lower, Normal.cdf(x), 2e-7 * lower, "cdf(" + x + ")");
      double upper = ReferenceNormal.cdf(-x);
      assertEquals(upper, Normal.upperTail(x), 2e-7 * upper, "upper tail at " + x);
      assertEquals(ReferenceNormal.pdf(x), Normal.pdf(x), 1e-15 * ReferenceNormal.pdf(x));
    }
  }

  @Test
  void expTimesUpperTailStaysFiniteWhereItsFactorsDoNot() {
    // e^800 overflows and P(X > 45) underflows; the product is about
    // e^(800 - 45^2 / 2) / (45 sqrt(2 pi)) (1 - 1 / 45^2), the tail's asymptotic series.
    double v = Normal.expTimesUpperTail(800, 45);
    double expected = Math.exp(800 - 45 * 45 / 2.0) * ReferenceNormal.pdf(0) / 45
        * (1 - 1 / 2025.0);
    assertEquals(expected, v, 1e-3 * expected);
    assertEquals(Math.exp(2) * ReferenceNormal.cdf(1.5), Normal.expTimesUpperTail(2, -1.5),
        1e-6);
  }

  @Test
  void inverseIsTheQuantileOfTheCdfIntoTheTails() {
    double[] ps = {1e-300, 1e-30, 1e-10, 6e-8, 1e-3, 0.02, 0.3, 0.5, 0.77, 0.999, 1 - 1e-9};
    for (double p : ps) {
      double x = Normal.inverseCdf(p);
      double ref = ReferenceNormal.inverseCdf(p);
      assertEquals(ref, x, 2e-7 * Math.max(1, Math.abs(ref)), "quantile of " + p);
      double back = p > 0.5 ? 1 - Normal.upperTail(x) : Normal.cdf(x);
      assertEquals(p, back, 1e-12 * p + (p > 0.5 ? 1e-15 : 0), "cdf of the quantile of " + p);
    }
    assertEquals(0, Normal.inverseCdf(0.5), 1e-7);
    assertThrows(IllegalArgumentException.class, () -> Normal.inverseCdf(0));
    assertThrows(IllegalArgumentException.class, () -> Normal.inverseCdf(1));
  }
}
