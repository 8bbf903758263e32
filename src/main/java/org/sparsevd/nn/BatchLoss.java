package org.sparsevd.nn;

import java.io.Serializable;

/**
 * The data terms of a batch's objective, each summed over the batch's rows: the (weighted)
 * cross-entropy, and the KL terms that depend on the example ({@link PerExampleKl}), not yet
 * weighted by the KL schedule.
 */
public record BatchLoss(double nll, double exampleKl) implements Serializable {
  public static final BatchLoss ZERO = new BatchLoss(0, 0);

  public BatchLoss plus(BatchLoss o) {
    return new BatchLoss(nll + o.nll, exampleKl + o.exampleKl);
  }

  public boolean isFinite() {
    return Double.isFinite(nll) && Double.isFinite(exampleKl);
  }
}
