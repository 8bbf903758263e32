package org.sparsevd.sparse;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means on real numbers, deterministic for a given seed: k-means++ seeding (Arthur
 * and Vassilvitskii 2007) from a {@link SplittableRandom} of the seed, then assignment to the
 * nearest centre (the centres sorted, so the nearest is found by bisection of the midpoints)
 * and centre updates until no assignment changes.
 */
final class KMeans1d {
  static final int MAX_ITERATIONS = 200;

  private KMeans1d() {}

  /**
   * The sorted centres of at most {@code k} clusters of {@code values} (fewer when there are
   * fewer distinct values).
   *
   * @param values not modified
   */
  static float[] centres(float[] values, int k, long seed) {
    if (values.length == 0) {
      return new float[0];
    }
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    int distinct = 1;
    for (int i = 1; i < sorted.length; i++) {
      distinct += sorted[i] != sorted[i - 1] ? 1 : 0;
    }
    int clusters = Math.min(k, distinct);
    double[] c = seedCentres(sorted, clusters, new SplittableRandom(seed));
    int[] assign = new int[sorted.length];
    Arrays.fill(assign, -1);
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      Arrays.sort(c);
      boolean changed = false;
      double[] sum = new double[clusters];
      int[] count = new int[clusters];
      for (int i = 0; i < sorted.length; i++) {
        int a = nearest(c, sorted[i]);
        changed |= a != assign[i];
        assign[i] = a;
        sum[a] += sorted[i];
        count[a]++;
      }
      if (!changed) {
        break;
      }
      for (int j = 0; j < clusters; j++) {
        if (count[j] > 0) {
          c[j] = sum[j] / count[j];
        }
      }
    }
    float[] out = new float[clusters];
    for (int j = 0; j < clusters; j++) {
      out[j] = (float) c[j];
    }
    Arrays.sort(out);
    return out;
  }

  /** Index of the centre nearest to v among sorted centres (the lower one on a tie). */
  static int nearest(double[] sortedCentres, double v) {
    int lo = 0;
    int hi = sortedCentres.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (v - sortedCentres[mid] <= sortedCentres[mid + 1] - v) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** k-means++: each next centre drawn with probability proportional to D(x)^2. */
  private static double[] seedCentres(float[] sorted, int k, SplittableRandom rnd) {
    double[] c = new double[k];
    double[] d2 = new double[sorted.length];
    c[0] = sorted[rnd.nextInt(sorted.length)];
    Arrays.fill(d2, Double.POSITIVE_INFINITY);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (int i = 0; i < sorted.length; i++) {
        double d = sorted[i] - c[j - 1];
        d2[i] = Math.min(d2[i], d * d);
        total += d2[i];
      }
      double r = rnd.nextDouble() * total;
      int pick = sorted.length - 1;
      for (int i = 0; i < sorted.length; i++) {
        r -= d2[i];
        if (r < 0) {
          pick = i;
          break;
        }
      }
      c[j] = sorted[pick];
    }
    return c;
  }
}
