package org.sparsevd.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.cli.JobConfig;
import org.sparsevd.data.MnistDownloader;

/** Median wall time of repeated runs, and a flat JSON writer for the results. */
final class Timing {
  static final JobConfig.Key MNIST_DIR = new JobConfig.Key("MNIST_DIR",
      MnistDownloader.DEFAULT_SHARED_DIR.toString(), "folder of the MNIST files");
  static final JobConfig.Key MODEL_DIR = new JobConfig.Key("MODEL_DIR", "", "a trained model "
      + "to time inference on, on MNIST test images; empty: none");

  private Timing() {}

  /** A benchmark's command line: {@code jobs/bench.sh KIND [OUT.json] [MORE ...]}. */
  static JobCommand command(String kind, String defaultOut, JobConfig.Key... more) {
    return command(kind, defaultOut, List.of(), more);
  }

  /** As {@link #command(String, String, JobConfig.Key...)}, with {@code --key value} options. */
  static JobCommand command(String kind, String defaultOut, List<JobConfig.Key> options,
                            JobConfig.Key... more) {
    List<JobConfig.Key> args = new java.util.ArrayList<>(List.of(new JobConfig.Key("OUT",
        defaultOut, "where the results go as JSON")));
    args.addAll(List.of(more));
    StringBuilder usage = new StringBuilder("jobs/bench.sh " + kind);
    args.forEach(k -> usage.append(" [").append(k.name()).append(']'));
    options.forEach(k -> usage.append(" [--").append(k.name()).append(' ')
        .append(k.name().toUpperCase(java.util.Locale.ROOT)).append(']'));
    return JobCommand.positional(usage.toString(), 0, args, options);
  }

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
    return median(ms);
  }

  /** Medians of a and b run alternately, after {@code warmup} untimed rounds: {a, b}. */
  static double[] interleavedMedianMillis(Runnable a, Runnable b, int warmup, int runs) {
    for (int i = 0; i < warmup; i++) {
      a.run();
      b.run();
    }
    double[] ta = new double[runs];
    double[] tb = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      a.run();
      long u = System.nanoTime();
      b.run();
      ta[i] = (u - t) / 1e6;
      tb[i] = (System.nanoTime() - u) / 1e6;
    }
    return new double[] {median(ta), median(tb)};
  }

  static double median(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Writes the results as JSON to {@code out} and prints them, then the table's lines. */
  static void report(java.nio.file.Path out, Map<String, Object> json,
                     java.util.List<String> table) throws java.io.IOException {
    String text = toJson(json);
    java.nio.file.Files.createDirectories(out.toAbsolutePath().getParent());
    java.nio.file.Files.writeString(out, text);
    System.out.println(text);
    if (!table.isEmpty()) {
      System.out.println(String.join("\n", table));
    }
  }

  /** One JSON object; numbers as numbers, everything else as strings. */
  private static String toJson(Map<String, Object> values) {
    return values.entrySet().stream()
        .map(e -> "  \"" + e.getKey() + "\": " + (e.getValue() instanceof Number n
            ? (n instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4g", d) : n.toString())
            : "\"" + e.getValue() + "\""))
        .collect(Collectors.joining(",\n", "{\n", "\n}\n"));
  }
}
