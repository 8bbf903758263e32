package org.sparsevd.train;

import org.sparsevd.data.Scaling;
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Workspace;

/**
 * The engine and its buffers for one thread, computing the gradient of the batch rows that
 * fall in one contiguous shard of the training set (the whole set in one JVM, or one Spark
 * partition's block). Not thread-safe; one per thread, reused across steps.
 *
 * <p>Shards hold rows as read; the worker scales each batch row as it copies it in. A cached
 * training set is then written in the same pass that fits its scaling, instead of a fitting pass
 * before the scaled copy is written, and a row costs the same float operations whichever side
 * scales it.
 */
public final class ShardWorker {
  private final Network net;
  private final Scaling scaling;
  private final Workspace ws;
  private final float[] x;
  private final int[] y = new int[Workspace.CHUNK_ROWS];
  private final long[] ids = new long[Workspace.CHUNK_ROWS];
  private final float[] w = new float[Workspace.CHUNK_ROWS];

  /** @param scaling applied to every row copied from a shard ({@link Scaling#none()} for none) */
  public ShardWorker(Network net, Scaling scaling) {
    this.net = net;
    this.scaling = scaling;
    this.ws = net.newWorkspace(Workspace.CHUNK_ROWS);
    this.x = new float[Workspace.CHUNK_ROWS * net.inputSize()];
  }

  public Network network() {
    return net;
  }

  /**
   * Adds into {@code grad} the gradient of the per-example terms of {@code batch[from, to)}
   * (cross-entropy, and the per-example KL times {@code klWeight}), global
   * example indices that all lie in the shard {@code [firstIndex, firstIndex + labels.length)}.
   *
   * @param features the shard's rows [labels.length x inputSize], not yet scaled; not modified
   * @param weights the shard's example weights, or null for all 1
   * @return the summed (weighted) cross-entropy and per-example KL of those rows
   */
  public BatchLoss accumulate(float[] params, float[] features, int[] labels, float[] weights,
                              long firstIndex, int[] batch, int from, int to, long seed,
                              long step, float klWeight, float[] grad) {
    int cols = net.inputSize();
    if (features.length != (long) labels.length * cols) {
      throw new IllegalArgumentException("shard at row " + firstIndex + ": "
          + features.length / Math.max(1, labels.length) + " features per row, the network takes "
          + cols);
    }
    BatchLoss loss = BatchLoss.ZERO;
    for (int start = from; start < to; start += Workspace.CHUNK_ROWS) {
      int n = Math.min(Workspace.CHUNK_ROWS, to - start);
      for (int r = 0; r < n; r++) {
        int local = (int) (batch[start + r] - firstIndex);
        System.arraycopy(features, local * cols, x, r * cols, cols);
        y[r] = labels[local];
        ids[r] = batch[start + r];
        if (weights != null) {
          w[r] = weights[local];
        }
      }
      scaling.applyToRows(x, n, cols);
      loss = loss.plus(net.nllGradient(params, x, y, weights == null ? null : w, ids, n, seed,
          step, klWeight, grad, ws));
    }
    return loss;
  }
}
