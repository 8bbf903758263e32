package org.sparsevd.optim;

/**
 * What an optimiser carries between steps: a step count and up to two moment arrays the size
 * of the parameters (Adam: first and second moments; SGD: velocity and an empty second).
 */
public final class OptimizerState {
  private long steps;
  private final float[] first;
  private final float[] second;

  public OptimizerState(long steps, float[] first, float[] second) {
    if (steps < 0) {
      throw new IllegalArgumentException("optimiser step count " + steps + " < 0");
    }
    this.steps = steps;
    this.first = first;
    this.second = second;
  }

  public long steps() { return steps; }
  /** Live array; modified by the optimiser. */
  public float[] first() { return first; }
  /** Live array; modified by the optimiser. */
  public float[] second() { return second; }

  void advance() {
    steps++;
  }
}
