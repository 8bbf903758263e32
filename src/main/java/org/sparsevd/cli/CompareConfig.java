package org.sparsevd.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.sparsevd.sparse.Quantization;

/**
 * Settings of the method comparison job: a properties file of the keys below, then
 * {@code --key value} overrides. Any other {@code --key value} on the command line goes to
 * the train config (e.g. {@code --epochs 2}), which checks it; an unknown key in the file is an
 * error.
 *
 * @param trainConfig the train job config every method is trained with (data, batch size,
 *     epochs, schedules, seed); its {@code layers} is replaced by each method's
 * @param methods the methods in table order
 * @param mcSamples Monte-Carlo samples of the predictive distribution of stochastic methods
 * @param quantBits see {@link Quantization.Bits#parse}
 * @param testRows test images (and out-of-distribution images of each kind) to evaluate on;
 *     0: all
 * @param output output directory (any Hadoop path)
 * @param trainOverrides {@code --key value} pairs for the train config
 */
record CompareConfig(String trainConfig, List<Method> methods, int mcSamples,
                     Quantization.Bits quantBits, int testRows, String output,
                     List<String> trainOverrides) {
  /** A method: its name in the table and its layers. */
  record Method(String name, String layers) {}

  /** Every key with its default ("" = required) and meaning, in one place. */
  static final List<JobConfig.Key> KEYS = List.of(
      new JobConfig.Key("train_config", "", "the train job config of every method; required"),
      new JobConfig.Key("methods", "", "NAME: LAYERS entries separated by ';'; required"),
      new JobConfig.Key("mc_samples", "20", "Monte-Carlo samples of stochastic methods' "
          + "predictions (>= 1)"),
      new JobConfig.Key("quant_bits", "5", "quantisation after pruning: B bits per layer, or "
          + "posterior(B): variational layers from their posterior, others B"),
      new JobConfig.Key("test_rows", "0", "test images (and of each out-of-distribution kind) "
          + "to evaluate on; 0: all"),
      new JobConfig.Key("output", "", "output directory; required"));

  CompareConfig {
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("methods: no method given");
    }
    if (mcSamples < 1) {
      throw new IllegalArgumentException("mc_samples = " + mcSamples + ": must be >= 1");
    }
    if (testRows < 0) {
      throw new IllegalArgumentException("test_rows = " + testRows + ": must be >= 0");
    }
  }

  /**
   * The comparison's command line: its keys in the file; on the command line also the train
   * config's keys (but those named like one of the comparison's), which go to every method's
   * training.
   */
  static final JobCommand COMMAND = JobCommand.withConfig(
      "jobs/compare.sh CONFIG [--key value ...] [--overwrite] [--skip-invalid]", KEYS,
      java.util.stream.Stream.concat(KEYS.stream(), Train.KEYS.stream()
          .filter(k -> KEYS.stream().noneMatch(c -> c.name().equals(k.name())))).toList(),
      OutputDir.OVERWRITE, JobConfig.SKIP_INVALID);

  /** Parses {@code CONFIG [--key value ...] [--overwrite] [--skip-invalid]}. */
  static CompareConfig parse(String[] args) throws IOException {
    return of(COMMAND.parse(args));
  }

  /** The settings from the parsed command line. */
  static CompareConfig of(JobConfig c) {
    List<String> overrides = new ArrayList<>();
    c.commandLine().forEach((k, v) -> {
      if (KEYS.stream().noneMatch(own -> own.name().equals(k))) {
        overrides.add("--" + k);
        overrides.add(v);
      }
    });
    if (c.flag(OutputDir.OVERWRITE.name())) {
      overrides.add("--" + OutputDir.OVERWRITE.name());
    }
    return new CompareConfig(c.require("train_config"), methods(c.require("methods")),
        c.getInt("mc_samples"), Quantization.Bits.parse(c.get("quant_bits")),
        c.getInt("test_rows"), c.require("output"), overrides);
  }

  /** {@code NAME: LAYERS; NAME: LAYERS ...} */
  static List<Method> methods(String text) {
    List<Method> out = new ArrayList<>();
    for (String entry : text.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      String name = colon < 0 ? "" : entry.substring(0, colon).trim();
      if (!name.matches("[A-Za-z0-9_-]+") || entry.substring(colon + 1).isBlank()) {
        throw new IllegalArgumentException("methods entry '" + entry.trim()
            + "': expected NAME: LAYERS with NAME of letters, digits, _ or -");
      }
      if (out.stream().anyMatch(m -> m.name().equals(name))) {
        throw new IllegalArgumentException("methods: '" + name + "' appears twice");
      }
      out.add(new Method(name, entry.substring(colon + 1).trim()));
    }
    return out;
  }
}
