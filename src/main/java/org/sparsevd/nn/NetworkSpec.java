package org.sparsevd.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a network from a layer list that fits in a config file or on a command line:
 * {@code vd(300) | relu | vd(100) | relu | vd(10)}. Layers: {@code vd(N)} variational dense,
 * {@code dense(N)} plain dense, {@code relu}, {@code gdrop(P)} Gaussian dropout with the
 * variance of Bernoulli dropout at rate P, {@code drop(P)} Bernoulli dropout at rate P,
 * {@code nvd} per-neuron variational dropout on its inputs, {@code cdense(N)} dense with
 * Concrete dropout on its inputs, {@code idrop(B)} information dropout with KL weight B.
 */
public final class NetworkSpec {
  private static final Pattern LAYER = Pattern.compile("([a-z_]+)\\s*(?:\\(\\s*([^)]*)\\s*\\))?");

  private NetworkSpec() {}

  /** The paper's LeNet-300-100. */
  public static final String LENET_300_100 = "vd(300) | relu | vd(100) | relu | vd(10)";

  public static Network parse(String spec, int inputSize, VdSettings settings) {
    if (inputSize <= 0) {
      throw new IllegalArgumentException("input size " + inputSize + " must be > 0");
    }
    List<Layer> layers = new ArrayList<>();
    int width = inputSize;
    String[] parts = spec.split("\\|");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
      Matcher m = LAYER.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + parts[i].trim()
            + "': expected vd(N), dense(N), relu, gdrop(P), drop(P), nvd, cdense(N) or idrop(B)");
      }
      String arg = m.group(2);
      Layer layer = switch (m.group(1)) {
        case "vd" -> new VariationalDense(width, positive(arg, i, part), settings);
        case "dense" -> new Dense(width, positive(arg, i, part), settings.thetaInitStd());
        case "relu" -> new Relu(width);
        case "gdrop" -> new GaussianDropout(width,
            GaussianDropout.alphaFromDropRate(number(arg, i, part)));
        case "drop" -> new BernoulliDropout(width, number(arg, i, part));
        case "nvd" -> new NeuronVd(width, settings);
        case "cdense" -> new ConcreteDense(width, positive(arg, i, part), settings.thetaInitStd());
        case "idrop" -> new InformationDropout(width, number(arg, i, part));
        default -> throw new IllegalArgumentException("network spec layer " + (i + 1) + " '"
            + part + "': unknown layer '" + m.group(1) + "'");
      };
      layers.add(layer);
      width = layer.outputSize();
    }
    return new Network(inputSize, layers);
  }

  private static int positive(String arg, int i, String part) {
    double v = number(arg, i, part);
    if (v != Math.rint(v) || v < 1 || v > 1 << 24) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': size must be a positive integer");
    }
    return (int) v;
  }

  private static double number(String arg, int i, String part) {
    try {
      return Double.parseDouble(arg == null ? "" : arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("network spec layer " + (i + 1) + " '" + part
          + "': '" + arg + "' is not a number", e);
    }
  }
}
