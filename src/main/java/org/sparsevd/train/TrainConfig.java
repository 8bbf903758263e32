package org.sparsevd.train;

import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.OptimizerSpec;
import org.sparsevd.optim.Schedules;

/**
 * What to train and how; immutable, validated on construction. Defaults live in
 * {@link #DEFAULTS} and nowhere else. Schedules and the optimiser come parsed (where the config
 * is read, so that an error names the setting as the user wrote it) and keep their text.
 *
 * @param layers network spec, e.g. {@link NetworkSpec#LENET_300_100}
 * @param vd settings of the variational layers
 * @param batchSize global minibatch size (split across partitions)
 * @param epochs number of passes over the training set
 * @param learningRate base learning rate
 * @param lr the learning rate per epoch: {@link Schedules#learningRate} of its spec,
 *     {@code learningRate} and {@code epochs}
 * @param klWeight the KL weight per epoch, see {@link Schedules#klWeight}
 * @param optimizer see {@link OptimizerSpec#parse}
 * @param seed the one seed of initialisation, batches and noise
 * @param evalEvery evaluate every k epochs (and after the last)
 */
public record TrainConfig(String layers, VdSettings vd, int batchSize, int epochs,
                          double learningRate, Schedules.Schedule lr,
                          Schedules.Schedule klWeight, OptimizerSpec optimizer, long seed,
                          int evalEvery) {
  public static final TrainConfig DEFAULTS = defaults();

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
    if (lr == null || klWeight == null || optimizer == null) {
      throw new IllegalArgumentException("learning rate schedule, KL weight schedule and "
          + "optimiser must be set");
    }
  }

  private static TrainConfig defaults() {
    double lr = 1e-3;
    int epochs = 200;
    return new TrainConfig(NetworkSpec.LENET_300_100, VdSettings.DEFAULTS, 100, epochs, lr,
        Schedules.learningRate("linear(50%)", lr, epochs), Schedules.klWeight("linear(5, 15)"),
        OptimizerSpec.parse("adam"), 1, 1);
  }

  /** The same training with other layers (the method comparison's runs). */
  public TrainConfig withLayers(String otherLayers) {
    return new TrainConfig(otherLayers, vd, batchSize, epochs, learningRate, lr, klWeight,
        optimizer, seed, evalEvery);
  }

  /**
   * The settings as text. The checkpoint fingerprint and the models' provenance are made from
   * it, so it must stay the same text for the same settings (schedules and optimiser print the
   * spec they were parsed from).
   */
  @Override
  public String toString() {
    return "TrainConfig[layers=" + layers + ", vd=" + vd + ", batchSize=" + batchSize
        + ", epochs=" + epochs + ", learningRate=" + learningRate + ", lrSchedule=" + lr
        + ", klSchedule=" + klWeight + ", optimizer=" + optimizer + ", seed=" + seed
        + ", evalEvery=" + evalEvery + "]";
  }
}
