package org.sparsevd.optim;

import java.util.Locale;

/**
 * An optimiser as written in a config ({@code adam}, {@code adam(B1, B2, EPS)},
 * {@code sgd(MOMENTUM)}), parsed once; {@link #toString} is the text exactly as given, which is
 * what a training config prints (and fingerprints).
 *
 * @param text the text as given
 * @param optimizer the optimiser it names
 */
public record OptimizerSpec(String text, Optimizer optimizer) {
  public OptimizerSpec {
    if (text == null || optimizer == null) {
      throw new IllegalArgumentException("optimiser spec needs its text and its optimiser");
    }
  }

  /** Parses {@code adam}, {@code adam(b1, b2, eps)}, {@code sgd(momentum)}. */
  public static OptimizerSpec parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace(" ", "");
    double[] args = Schedules.args(t, text);
    // The whole name, so that "adamw" is not taken for Adam.
    String name = t.indexOf('(') < 0 ? t : t.substring(0, t.indexOf('('));
    if (name.equals("adam")) {
      if (args.length == 0) {
        return new OptimizerSpec(text, Adam.DEFAULT);
      }
      if (args.length == 3) {
        return new OptimizerSpec(text, new Adam(args[0], args[1], args[2]));
      }
    } else if (name.equals("sgd") && args.length <= 1) {
      return new OptimizerSpec(text, new SgdMomentum(args.length == 0 ? 0.0 : args[0]));
    }
    throw new IllegalArgumentException(
        "optimiser '" + text + "': expected adam, adam(B1, B2, EPS) or sgd(MOMENTUM)");
  }

  @Override
  public String toString() {
    return text;
  }
}
