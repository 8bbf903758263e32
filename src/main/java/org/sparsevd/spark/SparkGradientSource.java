package org.sparsevd.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparsevd.data.Scaling;
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.spark.data.DataBlock;
import org.sparsevd.train.GradientSource;
import org.sparsevd.train.ShardWorker;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * The distributed gradient step. Per step: send the flat parameters to the tasks; every
 * partition takes the rows of the batch that fall in its block, runs the engine on them and
 * returns its partial gradient; the driver sums the partials in partition order (Spark hands
 * results back in completion order, which would make the float sum, and so the model, vary from
 * run to run).
 *
 * <p>Three choices shape a step, each a small strategy: how the parameters and partials travel
 * ({@link ParamTransport}: a broadcast of bytes, or by reference in local mode), which
 * partitions run it ({@link StepPartitions}: all, or for a source made {@link #blockwise} only
 * those holding rows of the batch), and how the partials are summed ({@link Aggregation}: on
 * the driver, which receives them from one job with no shuffle ({@link #runOn}), or in a fixed
 * tree for many partitions). The partials are the same bits whatever the choices; the gradient too, but for
 * the tree's grouping of the sum.
 */
public final class SparkGradientSource implements GradientSource {
  private final JavaSparkContext sc;
  private final JavaRDD<DataBlock> blocks;
  private final String scaling;
  private final NetworkDef def;
  private final long size;
  private final long seed;
  private final ParamTransport transport;
  private final StepPartitions partitions;
  private final Aggregation aggregation;
  private volatile String stepLabel;

  /**
   * A source whose steps run on every partition, their partials summed by {@code aggregation}.
   *
   * @param blocks persisted training blocks with contiguous global indices from 0, as read
   * @param scaling applied to each batch row as it is taken from its block
   */
  public SparkGradientSource(JavaSparkContext sc, JavaRDD<DataBlock> blocks, Scaling scaling,
                             long size, NetworkDef def, long seed, Aggregation aggregation) {
    this(sc, blocks, scaling, size, def, seed, aggregation.needsBytes()
        ? ParamTransport.broadcast(sc)
        : ParamTransport.fastest(sc), StepPartitions.every(), aggregation);
  }

  /**
   * A source whose parameters and partials travel as bytes even in local mode, as they do on a
   * cluster: for benchmarks of what a cluster's driver receives.
   */
  public static SparkGradientSource asOnACluster(JavaSparkContext sc, JavaRDD<DataBlock> blocks,
                                                 Scaling scaling, long size, NetworkDef def,
                                                 long seed, Aggregation aggregation) {
    return new SparkGradientSource(sc, blocks, scaling, size, def, seed,
        ParamTransport.broadcast(sc),
        StepPartitions.every(), aggregation);
  }

  /**
   * A source whose steps run only on the partitions holding batch rows.
   *
   * @param starts partition p's block holds the rows [starts[p], starts[p + 1]); the last entry
   *     is the number of examples
   * @param streams G of the epoch's block order (partition p in stream p mod G)
   */
  public static SparkGradientSource blockwise(JavaSparkContext sc, JavaRDD<DataBlock> blocks,
                                              Scaling scaling, long[] starts, int streams,
                                              NetworkDef def, long seed) {
    return new SparkGradientSource(sc, blocks, scaling, starts[starts.length - 1], def, seed,
        ParamTransport.fastest(sc),
        StepPartitions.holding(starts, blocks.getNumPartitions(), streams), Aggregation.COLLECT);
  }

  SparkGradientSource(JavaSparkContext sc, JavaRDD<DataBlock> blocks, Scaling scaling, long size,
                      NetworkDef def, long seed, ParamTransport transport,
                      StepPartitions partitions, Aggregation aggregation) {
    this.sc = sc;
    this.blocks = blocks;
    // As text: it restores the statistics exactly and keeps Scaling free of Java serialisation.
    this.scaling = scaling.serialize();
    this.size = size;
    this.def = def;
    this.seed = seed;
    this.transport = transport;
    this.partitions = partitions;
    this.aggregation = aggregation;
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
  public BatchLoss gradient(float[] params, int[] batch, long step, float klWeight,
                            float[] grad) {
    ParamTransport.Ticket ticket = transport.send(params, step);
    String label = stepLabel;
    sc.setJobDescription("sparsevd: " + (label != null ? label : "step " + step) + " ("
        + batch.length + " examples)");
    List<Partial> parts;
    boolean failed = true;
    try {
      parts = aggregation.run(blocks, new StepTask(ticket, partitions.read(), def, scaling,
          batch, step, seed, klWeight), partitions, batch);
      failed = false;
    } finally {
      transport.finish(step, failed);
    }
    Partial[] ordered = parts.toArray(new Partial[0]);
    Arrays.sort(ordered, (x, y) -> Integer.compare(x.partition, y.partition));
    Arrays.fill(grad, 0f);
    BatchLoss loss = BatchLoss.ZERO;
    long rows = 0;
    for (Partial p : ordered) {
      rows += p.rows;
      loss = loss.plus(p.loss);
      transport.receive(p, step, grad);
    }
    if (rows != batch.length) {
      throw new IllegalStateException("step " + step + ": partitions covered " + rows + " of "
          + batch.length + " batch rows");
    }
    return loss;
  }

  /**
   * One partition's share of a step.
   *
   * @param grad the partial gradient as bytes, or null when it was handed over by reference or
   *     when no row of the batch fell in the partition ({@code rows} 0)
   */
  record Partial(int partition, long rows, BatchLoss loss, byte[] grad) implements Serializable {}

  /**
   * Runs {@code task} on the given partitions of {@code blocks}; their partials in the order of
   * {@code partitions}. A job of {@code SparkContext.runJob} with the task itself as the
   * function: the Java API's {@code mapPartitionsWithIndex} and {@code collect} each wrap theirs
   * in a Scala closure, which Spark's closure cleaner analyses by reading class files at every
   * job (an empty job took 25-28 ms that way in local mode here, 11-14 as this one,
   * docs/performance.md).
   */
  static List<Partial> runOn(JavaRDD<DataBlock> blocks, StepTask task, int[] partitions) {
    Integer[] ids = Arrays.stream(partitions).boxed().toArray(Integer[]::new);
    Object results = blocks.context().runJob(blocks.rdd(), task,
        CollectionConverters.asScala(List.<Object>of((Object[]) ids)).toSeq(),
        ClassTag$.MODULE$.apply(Partial.class));
    return List.of((Partial[]) results);
  }

  /**
   * The per-partition work of a step: a plain class, not a lambda, so that the closure cleaner
   * passes it by and the job carries only its fields.
   */
  static final class StepTask
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<DataBlock>, Partial>
      implements Serializable {
    private final ParamTransport.Ticket params;
    private final StepPartitions.BlockRead read;
    private final NetworkDef def;
    private final String scaling;
    private final int[] batch;
    private final long step;
    private final long seed;
    private final float klWeight;

    StepTask(ParamTransport.Ticket params, StepPartitions.BlockRead read, NetworkDef def,
             String scaling, int[] batch, long step, long seed, float klWeight) {
      this.params = params;
      this.read = read;
      this.def = def;
      this.scaling = scaling;
      this.batch = batch;
      this.step = step;
      this.seed = seed;
      this.klWeight = klWeight;
    }

    @Override
    public Partial apply(TaskContext context, scala.collection.Iterator<DataBlock> cached) {
      return call(context.partitionId(), CollectionConverters.asJava(cached));
    }

    Partial call(int partition, Iterator<DataBlock> cached) {
      Iterator<DataBlock> it = read.blocks(partition, cached);
      ShardWorker w = Workers.get(def, scaling);
      float[] grad = null;
      BatchLoss loss = BatchLoss.ZERO;
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
        loss = loss.plus(w.accumulate(params.params(), block.features(), block.labels(),
            block.weights(), block.firstIndex(), batch, from, to, seed, step, klWeight, grad));
        rows += to - from;
      }
      return params.partial(partition, rows, loss, grad);
    }
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

  /** Per executor thread: one {@link ShardWorker} per network, reused by every step. */
  private static final class Workers {
    private record Key(NetworkDef def, String scaling) {}

    private static final ThreadLocal<Map<Key, ShardWorker>> CACHE =
        ThreadLocal.withInitial(ConcurrentHashMap::new);

    static ShardWorker get(NetworkDef def, String scaling) {
      return CACHE.get().computeIfAbsent(new Key(def, scaling),
          k -> new ShardWorker(k.def().build(), Scaling.parse(k.scaling())));
    }
  }
}
