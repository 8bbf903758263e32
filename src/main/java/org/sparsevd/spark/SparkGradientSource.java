package org.sparsevd.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.spark.data.DataBlock;
import org.sparsevd.train.GradientSource;
import org.sparsevd.train.ShardWorker;

/**
 * The distributed gradient step. Per step: broadcast the flat parameters; every partition
 * takes the rows of the batch that fall in its block, runs the engine on them and returns its
 * partial gradient; the driver sums the partials in partition order (Spark hands results back
 * in completion order, which would make the float sum, and so the model, vary from run to
 * run); the step's broadcast is destroyed as soon as its job ends.
 *
 * <p>Partials travel back with {@code collect}: one job, no shuffle. On 2 partitions this is
 * about half the cost of a depth-2 treeAggregate, whose extra stage only pays with many
 * partitions (see the README's overhead table). In local mode, where executors are threads
 * of the driver, parameters and partials are handed over by reference instead ({@link
 * LocalHandoff}).
 *
 * <p>A source made {@link #blockwise} runs each step's job only on the partitions that hold
 * rows of the batch, and its tasks keep the blocks they read ({@link HeldBlocks}): with the
 * epoch order {@link org.sparsevd.train.BatchOrder#blocks}, data that does not fit in memory is
 * then read block by block, once per epoch, instead of in full at every step. The partials,
 * and so the gradient, are the same bits either way.
 */
public final class SparkGradientSource implements GradientSource {
  private final JavaSparkContext sc;
  private final JavaRDD<DataBlock> blocks;
  private final NetworkDef def;
  private final long size;
  private final long seed;
  private final boolean handOff;
  /** Block p holds rows [starts[p], starts[p + 1]); null: every step runs on every partition. */
  private final long[] starts;
  private final String id = java.util.UUID.randomUUID().toString();
  private float[] scratch = new float[0];
  private volatile String stepLabel;

  /**
   * @param blocks persisted training blocks with contiguous global indices from 0
   */
  public SparkGradientSource(JavaSparkContext sc, JavaRDD<DataBlock> blocks, long size,
                             NetworkDef def, long seed) {
    this(sc, blocks, size, def, seed, sc.isLocal(), null);
  }

  /**
   * A source whose steps run only on the partitions holding batch rows.
   *
   * @param starts partition p's block holds the rows [starts[p], starts[p + 1]); the last entry
   *     is the number of examples
   */
  public static SparkGradientSource blockwise(JavaSparkContext sc, JavaRDD<DataBlock> blocks,
                                              long[] starts, NetworkDef def, long seed) {
    if (starts.length != blocks.getNumPartitions() + 1) {
      throw new IllegalArgumentException(starts.length + " block starts for "
          + blocks.getNumPartitions() + " partitions");
    }
    return new SparkGradientSource(sc, blocks, starts[starts.length - 1], def, seed,
        sc.isLocal(), starts.clone());
  }

  /**
   * @param handOff pass parameters and partial gradients by reference ({@link LocalHandoff});
   *     only valid when
   *     every executor runs in this JVM
   */
  SparkGradientSource(JavaSparkContext sc, JavaRDD<DataBlock> blocks, long size,
                      NetworkDef def, long seed, boolean handOff, long[] starts) {
    if (handOff && !sc.isLocal()) {
      throw new IllegalArgumentException("parameters and partial gradients can be handed over "
          + "by reference only in local mode, master is " + sc.master());
    }
    this.sc = sc;
    this.blocks = blocks;
    this.size = size;
    this.def = def;
    this.seed = seed;
    this.handOff = handOff;
    this.starts = starts;
  }

  /**
   * Names the Spark jobs of the following steps in the Spark UI, e.g. "epoch 3/150 step
   * 41/120"; null (the default) names them by the global step number.
   */
  public void setStepLabel(String label) {
    this.stepLabel = label;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public double gradient(float[] params, int[] batch, long step, float[] grad) {
    // In local mode the tasks read the parameters in place: the job ends before the optimiser
    // touches them. Elsewhere they go out as a broadcast of bytes.
    Broadcast<byte[]> b = null;
    if (handOff) {
      LocalHandoff.publishParams(id, step, params);
    } else {
      b = sc.broadcast(FloatBytes.encode(params));
    }
    String label = stepLabel;
    sc.setJobDescription("sparsevd: " + (label != null ? label : "step " + step) + " ("
        + batch.length + " examples)");
    List<Partial> parts;
    try {
      JavaRDD<Partial> partials = blocks.mapPartitionsWithIndex(new StepTask(b, def, batch,
          step, seed, handOff ? id : null, starts == null ? null : id), true);
      parts = starts == null ? partials.collect()
          : Arrays.stream(partials.collectPartitions(partitionsOf(batch)))
              .flatMap(List::stream).toList();
    } catch (RuntimeException e) {
      LocalHandoff.dropStep(id, step);
      throw e;
    } finally {
      // The job is over: no task reads these parameters again.
      LocalHandoff.withdrawParams(id, step);
      if (b != null) {
        b.destroy();
      }
    }
    Partial[] ordered = parts.toArray(new Partial[0]);
    Arrays.sort(ordered, (x, y) -> Integer.compare(x.partition, y.partition));
    Arrays.fill(grad, 0f);
    if (scratch.length != grad.length) {
      scratch = new float[grad.length];
    }
    double loss = 0;
    long rows = 0;
    for (Partial p : ordered) {
      rows += p.rows;
      loss += p.loss;
      if (p.handedOff) {
        float[] g = LocalHandoff.take(LocalHandoff.key(id, step, p.partition));
        for (int k = 0; k < grad.length; k++) {
          grad[k] += g[k];
        }
      } else if (p.grad != null) {
        FloatBytes.addInto(p.grad, grad, scratch);
      }
    }
    if (rows != batch.length) {
      throw new IllegalStateException("step " + step + ": partitions covered " + rows + " of "
          + batch.length + " batch rows");
    }
    return loss;
  }

  /**
   * One partition's share of a step: its gradient as bytes, or left in {@link LocalHandoff}
   * ({@code handedOff}), or neither when none of the batch fell in the partition.
   */
  record Partial(int partition, long rows, double loss, byte[] grad, boolean handedOff)
      implements Serializable {}

  /** The per-partition work of a step; a static class so the closure carries only its fields. */
  private static final class StepTask
      implements Function2<Integer, Iterator<DataBlock>, Iterator<Partial>> {
    private final Broadcast<byte[]> params;
    private final NetworkDef def;
    private final int[] batch;
    private final long step;
    private final long seed;
    /** The source's id when partials are handed over in memory, else null. */
    private final String handOffSource;
    /** The source's id when tasks keep their blocks ({@link HeldBlocks}), else null. */
    private final String holdingSource;

    StepTask(Broadcast<byte[]> params, NetworkDef def, int[] batch, long step, long seed,
             String handOffSource, String holdingSource) {
      this.params = params;
      this.def = def;
      this.batch = batch;
      this.step = step;
      this.seed = seed;
      this.handOffSource = handOffSource;
      this.holdingSource = holdingSource;
    }

    @Override
    public Iterator<Partial> call(Integer partition, Iterator<DataBlock> blocks) {
      Iterator<DataBlock> it = holdingSource == null ? blocks
          : List.of(HeldBlocks.get(holdingSource, partition, blocks)).iterator();
      ShardWorker w = Workers.get(def);
      float[] grad = null;
      double loss = 0;
      long rows = 0;
      while (it.hasNext()) {
        DataBlock block = it.next();
        int from = lowerBound(batch, block.firstIndex());
        int to = lowerBound(batch, block.firstIndex() + block.rows());
        if (from == to) {
          continue;
        }
        if (grad == null) {
          grad = new float[w.network().paramCount()];
        }
        float[] values = handOffSource != null
            ? LocalHandoff.params(handOffSource, step) : Workers.params(params);
        loss += w.accumulate(values, block.features(), block.labels(), block.weights(),
            block.firstIndex(), batch, from, to, seed, step, grad);
        rows += to - from;
      }
      if (grad != null && handOffSource != null) {
        LocalHandoff.put(LocalHandoff.key(handOffSource, step, partition), grad);
        return List.of(new Partial(partition, rows, loss, null, true)).iterator();
      }
      return List.of(new Partial(partition, rows, loss,
          grad == null ? null : FloatBytes.encode(grad), false)).iterator();
    }
  }

  /** The partitions holding rows of the ascending {@code batch}, ascending. */
  int[] partitionsOf(int[] batch) {
    int[] found = new int[starts.length - 1];
    int count = 0;
    int i = 0;
    while (i < batch.length) {
      int p = Arrays.binarySearch(starts, batch[i]);
      // A hit may be the start of empty blocks before it: the row lies in the last of them.
      p = p >= 0 ? lastStartingAt(p) : -p - 2;
      if (p < 0 || p >= found.length) {
        throw new IllegalArgumentException("batch row " + batch[i] + " outside the "
            + size + " examples");
      }
      found[count++] = p;
      i = lowerBound(batch, starts[p + 1]);
    }
    return Arrays.copyOf(found, count);
  }

  private int lastStartingAt(int p) {
    while (p + 2 < starts.length && starts[p + 1] == starts[p]) {
      p++;
    }
    return p;
  }

  /** First position in the ascending {@code a} whose value is >= key. */
  static int lowerBound(int[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Per executor thread: one {@link ShardWorker} per network, reused by every step, and the
   * parameters of the latest broadcast, decoded once.
   */
  private static final class Workers {
    private static final ThreadLocal<Map<NetworkDef, ShardWorker>> CACHE =
        ThreadLocal.withInitial(ConcurrentHashMap::new);
    private static final ThreadLocal<Decoded> PARAMS = new ThreadLocal<>();

    private record Decoded(long broadcastId, float[] values) {}

    static ShardWorker get(NetworkDef def) {
      return CACHE.get().computeIfAbsent(def, d -> new ShardWorker(d.build()));
    }

    static float[] params(Broadcast<byte[]> b) {
      Decoded d = PARAMS.get();
      if (d == null || d.broadcastId() != b.id()) {
        d = new Decoded(b.id(), FloatBytes.decode(b.value()));
        PARAMS.set(d);
      }
      return d.values();
    }
  }
}
