package org.sparsevd.train;

import java.util.Arrays;
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.nn.Network;
import org.sparsevd.optim.Optimizer;

/**
 * The training loop of every trainer in this project. Per step it takes the next minibatch of
 * the epoch's order ({@link BatchOrder}: a function of seed and epoch only), asks the {@link
 * GradientSource} for the summed cross-entropy gradient, scales it to the full data set
 * (N / B), adds the KL gradient once, checks it is finite and runs the optimiser.
 *
 * <p>Each epoch uses floor(N / B) full batches; the few examples past the last full batch
 * wait for the next epoch's permutation. A state saved within an epoch (its step past the
 * epochs done) continues that epoch at its next step, to the bits of an uninterrupted run; the
 * epoch's reported training loss then covers the steps run since.
 */
public final class TrainingLoop {
  /** Called after each epoch, e.g. to log metrics and write checkpoints. */
  @FunctionalInterface
  public interface Listener {
    void epochDone(EpochReport report, TrainingState state) throws java.io.IOException;

    /**
     * Called before each step, e.g. to show progress within an epoch.
     *
     * @param epoch counts from 0
     * @param step counts from 0 within the epoch
     * @param steps steps per epoch
     */
    default void stepStarting(int epoch, int step, int steps) {}

    /**
     * Called after each step but an epoch's last (then {@link #epochDone} follows), e.g. to
     * write a checkpoint within a long epoch.
     *
     * @param stepsDone steps done in the current epoch, 1 to steps - 1
     */
    default void stepDone(TrainingState state, int stepsDone, int steps)
        throws java.io.IOException {}
  }

  /** Held-out evaluation of the deterministic pruned network. */
  @FunctionalInterface
  public interface Evaluator {
    EpochReport.Evaluation evaluate(float[] params);
  }

  private TrainingLoop() {}

  /** The state before the first step: initial parameters, fresh optimiser. */
  public static TrainingState initialState(Network net, TrainConfig config) {
    float[] params = net.initParams(config.seed());
    return new TrainingState(params, config.optimizer().optimizer().newState(params.length), 0, 0);
  }

  /**
   * Runs the epochs from {@code state.epochsDone()} to {@code config.epochs()}, each in the
   * order {@link BatchOrder#GLOBAL}.
   */
  public static void run(Network net, TrainConfig config, TrainingState state,
                         GradientSource source, Evaluator evaluator, Listener listener)
      throws java.io.IOException {
    run(net, config, state, source, BatchOrder.GLOBAL, evaluator, listener);
  }

  /** Runs the epochs from {@code state.epochsDone()} to {@code config.epochs()}. */
  public static void run(Network net, TrainConfig config, TrainingState state,
                         GradientSource source, BatchOrder order, Evaluator evaluator,
                         Listener listener) throws java.io.IOException {
    long size = source.size();
    if (size < 1 || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("training set of " + size + " examples");
    }
    int n = (int) size;
    int batchSize = Math.min(config.batchSize(), n);
    int steps = n / batchSize;
    Optimizer optimizer = config.optimizer().optimizer();
    float[] params = state.params();
    float[] grad = new float[params.length];
    float scale = (float) ((double) n / batchSize);
    long into = state.step() - (long) state.epochsDone() * steps;
    if (into < 0 || into >= steps) {
      throw new IllegalArgumentException("state at step " + state.step() + " after "
          + state.epochsDone() + " epochs of " + steps + " steps: not within the next epoch");
    }
    int resumedEpoch = state.epochsDone();
    for (int epoch = resumedEpoch; epoch < config.epochs(); epoch++) {
      long start = System.nanoTime();
      double lr = config.lr().at(epoch);
      double klWeight = config.klWeight().at(epoch);
      int[] perm = order.epoch(config.seed(), epoch, n);
      double nllSum = 0;
      double exampleKlSum = 0;
      int first = epoch == resumedEpoch ? (int) into : 0;
      for (int s = first; s < steps; s++) {
        int[] batch = Arrays.copyOfRange(perm, s * batchSize, (s + 1) * batchSize);
        Arrays.sort(batch);
        listener.stepStarting(epoch, s, steps);
        BatchLoss loss = source.gradient(params, batch, state.step(), (float) klWeight, grad);
        net.updateStatistics(params, grad, batch.length);
        for (int k = 0; k < grad.length; k++) {
          grad[k] *= scale;
        }
        if (klWeight > 0) {
          net.addKlGradient(params, (float) klWeight, grad);
        }
        if (!loss.isFinite()) {
          throw new Network.NonFiniteException("step " + state.step() + ": batch loss " + loss);
        }
        net.requireFinite(grad, "gradient", state.step());
        optimizer.step(state.optimizer(), params, grad, lr);
        state.advanceStep();
        nllSum += loss.nll();
        exampleKlSum += loss.exampleKl();
        if (s + 1 < steps) {
          listener.stepDone(state, s + 1, steps);
        }
      }
      state.finishEpoch();
      double seconds = (System.nanoTime() - start) / 1e9;
      double seen = (double) (steps - first) * batchSize;
      double nll = nllSum / seen;
      double kl = net.kl(params) / n + exampleKlSum / seen;
      boolean evaluate = state.epochsDone() % config.evalEvery() == 0
          || state.epochsDone() == config.epochs();
      EpochReport.Evaluation eval =
          evaluate && evaluator != null ? evaluator.evaluate(params) : null;
      listener.epochDone(new EpochReport(epoch, state.step(), nll + klWeight * kl, nll, kl,
          klWeight, lr, net.sparsity(params), seconds, (steps - first) * batchSize / seconds,
          eval), state);
    }
  }
}
