package org.sparsevd.train;

import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.Optimizer;
import org.sparsevd.optim.Schedules;

/**
 * What to train and how; immutable, validated on construction. Defaults live in
 * {@link #DEFAULTS} and nowhere else.
 *
 * @param layers network spec, e.g. {@code vd(300) | relu | vd(100) | relu | vd(10)}
 * @param vd settings of the variational layers
 * @param batchSize global minibatch size (split across partitions)
 * @param epochs number of passes over the training set
 * @param learningRate base learning rate
 * @param lrSchedule see {@link Schedules#learningRate}
 * @param klSchedule see {@link Schedules#klWeight}
 * @param optimizer see {@link Optimizer#parse}
 * @param seed the one seed of initialisation, batches and noise
 * @param evalEvery evaluate every k epochs (and after the last)
 */
public record TrainConfig(String layers, VdSettings vd, int batchSize, int epochs,
                          double learningRate, String lrSchedule, String klSchedule,
                          String optimizer, long seed, int evalEvery) {
  public static final TrainConfig DEFAULTS = new TrainConfig(
      "vd(300) | relu | vd(100) | relu | vd(10)", VdSettings.DEFAULTS, 100, 200, 1e-3,
      "linear(100)", "linear(5, 15)", "adam", 1, 1);

  public TrainConfig {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be >= 1");
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs " + epochs + " must be >= 1");
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate " + learningRate + " must be > 0");
    }
    if (evalEvery < 1) {
      throw new IllegalArgumentException("eval every " + evalEvery + " must be >= 1");
    }
    // Parse once here so that a typo fails before any data is read.
    Schedules.learningRate(lrSchedule, learningRate, epochs);
    Schedules.klWeight(klSchedule);
    Optimizer.parse(optimizer);
  }

  public Schedules.Schedule lr() {
    return Schedules.learningRate(lrSchedule, learningRate, epochs);
  }

  public Schedules.Schedule klWeight() {
    return Schedules.klWeight(klSchedule);
  }

  public Optimizer newOptimizer() {
    return Optimizer.parse(optimizer);
  }
}
