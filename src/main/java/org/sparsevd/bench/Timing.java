package org.sparsevd.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** Median wall time of repeated runs, and a flat JSON writer for the results. */
final class Timing {
  private Timing() {}

  /** Runs {@code warmup} times untimed, then returns the median of {@code runs} timed runs. */
  static double medianMillis(Runnable r, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) {
      r.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  }

  /** One JSON object; numbers as numbers, everything else as strings. */
  static String toJson(Map<String, Object> values) {
    return values.entrySet().stream()
        .map(e -> "  \"" + e.getKey() + "\": " + (e.getValue() instanceof Number n
            ? (n instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4g", d) : n.toString())
            : "\"" + e.getValue() + "\""))
        .collect(Collectors.joining(",\n", "{\n", "\n}\n"));
  }
}
