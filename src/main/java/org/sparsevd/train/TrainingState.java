package org.sparsevd.train;

import org.sparsevd.optim.OptimizerState;

/**
 * Everything that changes during training and that a checkpoint must save to resume
 * bit-identically: the parameters, the optimiser's state, and the position (epochs done,
 * global step). Schedules and batches are functions of the position, so nothing else is
 * needed.
 */
public final class TrainingState {
  private final float[] params;
  private final OptimizerState optimizer;
  private int epochsDone;
  private long step;

  public TrainingState(float[] params, OptimizerState optimizer, int epochsDone, long step) {
    this.params = params;
    this.optimizer = optimizer;
    this.epochsDone = epochsDone;
    this.step = step;
  }

  /** Live array; modified by training. */
  public float[] params() { return params; }
  public OptimizerState optimizer() { return optimizer; }
  public int epochsDone() { return epochsDone; }
  public long step() { return step; }

  void advanceStep() {
    step++;
  }

  void finishEpoch() {
    epochsDone++;
  }
}
