package org.sparsevd.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.sparsevd.data.Scaling;
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.nn.Network;

/**
 * Gradients computed by a fixed number of threads in this JVM. The batch is cut into one
 * contiguous share per thread; shares are summed in thread order, so the result depends on
 * the thread count but not on scheduling.
 */
public final class LocalGradientSource implements GradientSource {
  private final Network net;
  private final float[] features;
  private final int[] labels;
  private final int rows;
  private final long seed;
  private final ExecutorService pool;
  private final Worker[] workers;

  /**
   * @param features [rows x net.inputSize()] row-major, already scaled; not copied, not modified
   */
  public LocalGradientSource(Network net, float[] features, int[] labels, long seed,
                             int threads) {
    int cols = net.inputSize();
    if (labels.length == 0 || features.length != (long) labels.length * cols) {
      throw new IllegalArgumentException(labels.length + " labels and " + features.length
          + " feature values do not make rows of " + cols + " features");
    }
    this.net = net;
    this.features = features;
    this.labels = labels;
    this.rows = labels.length;
    this.seed = seed;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "sparsevd-gradient");
      t.setDaemon(true);
      return t;
    });
    this.workers = new Worker[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] = new Worker();
    }
  }

  @Override
  public long size() {
    return rows;
  }

  @Override
  public BatchLoss gradient(float[] params, int[] batch, long step, float klWeight,
                            float[] grad) {
    int threads = workers.length;
    List<Future<BatchLoss>> parts = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      int from = (int) ((long) batch.length * t / threads);
      int to = (int) ((long) batch.length * (t + 1) / threads);
      Worker w = workers[t];
      parts.add(pool.submit(() -> w.run(params, batch, from, to, step, klWeight)));
    }
    BatchLoss loss = BatchLoss.ZERO;
    java.util.Arrays.fill(grad, 0f);
    for (int t = 0; t < threads; t++) {
      try {
        loss = loss.plus(parts.get(t).get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while computing a gradient", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re
            : new IllegalStateException(e.getCause());
      }
      float[] g = workers[t].grad;
      for (int k = 0; k < grad.length; k++) {
        grad[k] += g[k];
      }
    }
    return loss;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** One thread's buffers, reused across steps. */
  private final class Worker {
    final ShardWorker shard = new ShardWorker(net, Scaling.none());
    final float[] grad = new float[net.paramCount()];

    BatchLoss run(float[] params, int[] batch, int from, int to, long step, float klWeight) {
      java.util.Arrays.fill(grad, 0f);
      return shard.accumulate(params, features, labels, null, 0, batch, from, to, seed, step,
          klWeight, grad);
    }
  }
}
