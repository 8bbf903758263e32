package org.sparsevd.optim;

import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * Per-epoch schedules of the learning rate and of the KL weight, parsed from strings that fit
 * a config file. Epochs count from 0; a schedule is a pure function of the epoch, so a
 * resumed run continues exactly where it stopped.
 */
public final class Schedules {
  private Schedules() {}

  /**
   * A value per epoch, parsed once from its spec; {@link #toString} is the spec exactly as
   * given, which is what a training config prints (and fingerprints).
   */
  public static final class Schedule {
    private final String spec;
    private final IntToDoubleFunction value;

    private Schedule(String spec, IntToDoubleFunction value) {
      this.spec = spec;
      this.value = value;
    }

    public double at(int epoch) {
      return value.applyAsDouble(epoch);
    }

    /** The text this schedule was parsed from, as given. */
    public String spec() {
      return spec;
    }

    @Override
    public String toString() {
      return spec;
    }
  }

  /**
   * Learning rate schedules, {@code base} scaled by:
   * <ul>
   *   <li>{@code constant};</li>
   *   <li>{@code linear(S)}: 1 until epoch S, then linearly to 0 at epoch {@code epochs}
   *       (the authors' LeNet-300-100 recipe is {@code linear(100)} of 200 epochs;
   *       {@code linear(0)} decays from the start); {@code linear(P%)} starts at P percent of
   *       {@code epochs}, so it fits any number of epochs ({@code linear(50%)} of 200 is
   *       {@code linear(100)});</li>
   *   <li>{@code step(K, G)}: multiplied by G every K epochs.</li>
   * </ul>
   */
  public static Schedule learningRate(String spec, double base, int epochs) {
    String t = spec.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    boolean percent = t.startsWith("linear(") && t.endsWith("%)");
    double[] a = args(percent ? t.replace("%", "") : t, spec);
    if (t.equals("constant")) {
      return new Schedule(spec, e -> base);
    }
    if (percent && a.length == 1 && !(a[0] >= 0 && a[0] < 100)) {
      throw new IllegalArgumentException("learning rate schedule '" + spec
          + "': decay start must be in [0%, 100%)");
    }
    if (t.startsWith("linear(") && a.length == 1) {
      double start = percent ? a[0] / 100 * epochs : a[0];
      if (start < 0 || start >= epochs) {
        throw new IllegalArgumentException("learning rate schedule '" + spec
            + "': decay start must be in [0, " + epochs + ") for " + epochs + " epochs (or a "
            + "percentage of the epochs, e.g. linear(50%))");
      }
      return new Schedule(spec,
          e -> base * Math.min(1.0, Math.max(0.0, (epochs - e) / (epochs - start))));
    }
    if (t.startsWith("step(") && a.length == 2) {
      if (a[0] < 1 || a[1] <= 0) {
        throw new IllegalArgumentException("learning rate schedule '" + spec
            + "': need step(every >= 1, factor > 0)");
      }
      return new Schedule(spec, e -> base * Math.pow(a[1], Math.floor(e / a[0])));
    }
    throw new IllegalArgumentException("learning rate schedule '" + spec
        + "': expected constant, linear(START), linear(PERCENT%) or step(EVERY, FACTOR)");
  }

  /**
   * KL weight (warm-up) schedules:
   * <ul>
   *   <li>{@code constant(W)};</li>
   *   <li>{@code linear(D, E)}: 0 until epoch D, then (epoch - D) / E up to 1 (the authors'
   *       LeNet recipe is {@code linear(5, 15)});</li>
   *   <li>{@code increment(W0, DELTA)}: W0 + DELTA * epoch up to 1.</li>
   * </ul>
   */
  public static Schedule klWeight(String spec) {
    String t = spec.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    double[] a = args(t, spec);
    if (t.startsWith("constant(") && a.length == 1 && a[0] >= 0) {
      return new Schedule(spec, e -> a[0]);
    }
    if (t.startsWith("linear(") && a.length == 2 && a[0] >= 0 && a[1] > 0) {
      return new Schedule(spec, e -> Math.min(1.0, Math.max(0.0, (e - a[0]) / a[1])));
    }
    if (t.startsWith("increment(") && a.length == 2 && a[0] >= 0 && a[1] >= 0) {
      return new Schedule(spec, e -> Math.min(1.0, a[0] + a[1] * e));
    }
    throw new IllegalArgumentException("kl weight schedule '" + spec
        + "': expected constant(W), linear(DELAY, EPOCHS) or increment(START, DELTA)");
  }

  /** The numbers between parentheses of {@code name(a, b, ...)}; none without parentheses. */
  static double[] args(String t, String original) {
    int open = t.indexOf('(');
    if (open < 0) {
      return new double[0];
    }
    if (!t.endsWith(")")) {
      throw new IllegalArgumentException("'" + original + "': missing ')'");
    }
    String inner = t.substring(open + 1, t.length() - 1);
    if (inner.isEmpty()) {
      return new double[0];
    }
    String[] parts = inner.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + original + "': '" + parts[i]
            + "' is not a number", e);
      }
      if (!Double.isFinite(out[i])) {
        throw new IllegalArgumentException("'" + original + "': " + parts[i] + " is not finite");
      }
    }
    return out;
  }
}
