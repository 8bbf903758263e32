package org.sparsevd.train;

import org.sparsevd.nn.Sparsity;

/**
 * What one epoch did. Losses are per training example: {@code nll} is the mean cross-entropy
 * over the epoch's batches, {@code kl} the KL term at the end of the epoch divided by N, and
 * {@code loss = nll + klWeight * kl}, the objective divided by N.
 *
 * @param evaluation null in epochs without evaluation
 */
public record EpochReport(int epoch, long step, double loss, double nll, double kl,
                          double klWeight, double lr, Sparsity sparsity, double seconds,
                          double examplesPerSecond, Evaluation evaluation) {
  /** Held-out metrics of the deterministic (pruned) network. */
  public record Evaluation(long examples, double accuracy, double nll) {}
}
