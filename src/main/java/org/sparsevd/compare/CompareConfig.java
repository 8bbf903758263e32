package org.sparsevd.compare;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.sparse.Quantization;

/**
 * Settings of the method comparison, as the compare job reads them from its command line
 * ({@code org.sparsevd.cli.Compare}).
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
public record CompareConfig(String trainConfig, List<Method> methods, int mcSamples,
                            Quantization.Bits quantBits, int testRows, String output,
                            List<String> trainOverrides) {
  /** A method: its name in the table and its layers. */
  public record Method(String name, String layers) {}

  public CompareConfig {
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

  /** {@code NAME: LAYERS; NAME: LAYERS ...} */
  public static List<Method> methods(String text) {
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
