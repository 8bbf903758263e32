package org.sparsevd.optim;

/**
 * A first-order optimiser over a flat parameter array. Order of calls:
 * {@code newState(n)} once, then {@code step(state, params, grad, lr)} per minibatch. The
 * optimiser itself is immutable configuration; everything that changes lives in
 * {@link OptimizerState}, which a checkpoint saves.
 */
public interface Optimizer {
  /** Fresh state for {@code n} parameters. */
  OptimizerState newState(int n);

  /**
   * Updates {@code params} in place from {@code grad}; advances {@code state}.
   *
   * @param params modified
   * @param grad not modified
   * @param state modified
   */
  void step(OptimizerState state, float[] params, float[] grad, double lr);

  /** Parses {@code adam}, {@code adam(b1, b2, eps)}, {@code sgd(momentum)}. */
  static Optimizer parse(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
    double[] args = Schedules.args(t, s);
    if (t.startsWith("adam")) {
      if (args.length == 0) {
        return Adam.DEFAULT;
      }
      if (args.length == 3) {
        return new Adam(args[0], args[1], args[2]);
      }
    } else if (t.startsWith("sgd") && args.length <= 1) {
      return new SgdMomentum(args.length == 0 ? 0.0 : args[0]);
    }
    throw new IllegalArgumentException(
        "optimiser '" + s + "': expected adam, adam(B1, B2, EPS) or sgd(MOMENTUM)");
  }
}
