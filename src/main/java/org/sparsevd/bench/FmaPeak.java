package org.sparsevd.bench;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The core's float FMA rate with every operand in registers: twelve independent chains of
 * vector FMAs (more than the latency times the issue rate), no loads or stores. What a matrix
 * kernel can reach at best; loaded only where the vector API is present.
 */
final class FmaPeak {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final long ITERATIONS = 20_000_000L;

  private FmaPeak() {}

  /** Median GFLOP/s of 7 timed loops after a warm-up. */
  static double gflops() {
    float sink = 0;
    for (int w = 0; w < 20; w++) {
      sink += chains(1_000_000L);
    }
    double[] rates = new double[7];
    for (int r = 0; r < rates.length; r++) {
      long t = System.nanoTime();
      sink += chains(ITERATIONS);
      rates[r] = ITERATIONS * 12.0 * 2 * S.length() / (System.nanoTime() - t);
    }
    Arrays.sort(rates);
    // Using the sums keeps the compiler from removing the loops.
    return sink == Float.NEGATIVE_INFINITY ? 0 : rates[rates.length / 2];
  }

  private static float chains(long iterations) {
    FloatVector x = FloatVector.broadcast(S, 1.0000001f);
    FloatVector y = FloatVector.broadcast(S, 0.9999999f);
    FloatVector a0 = x, a1 = x.add(1), a2 = x.add(2), a3 = x.add(3), a4 = x.add(4);
    FloatVector a5 = x.add(5), a6 = x.add(6), a7 = x.add(7), a8 = x.add(8), a9 = x.add(9);
    FloatVector a10 = x.add(10), a11 = x.add(11);
    for (long i = 0; i < iterations; i++) {
      a0 = a0.fma(y, x); a1 = a1.fma(y, x); a2 = a2.fma(y, x); a3 = a3.fma(y, x);
      a4 = a4.fma(y, x); a5 = a5.fma(y, x); a6 = a6.fma(y, x); a7 = a7.fma(y, x);
      a8 = a8.fma(y, x); a9 = a9.fma(y, x); a10 = a10.fma(y, x); a11 = a11.fma(y, x);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
        .add(a10).add(a11).reduceLanes(VectorOperators.ADD);
  }
}
