package org.sparsevd.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.sparsevd.eval.Metrics;
import org.sparsevd.eval.Predictor;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.spark.data.DataBlock;
import org.sparsevd.train.EpochReport;
import org.sparsevd.train.TrainingLoop;

/**
 * Distributed evaluation: each partition computes the metrics of its blocks with the engine;
 * the driver merges them in partition order.
 */
public final class SparkEvaluation {
  private SparkEvaluation() {}

  /**
   * @param samples 0 for the deterministic pruned network, else the Monte-Carlo sample count
   * @param seed noise key of the Monte-Carlo samples
   */
  public static Metrics metrics(JavaSparkContext sc, JavaRDD<DataBlock> blocks, NetworkDef def,
                                int classes, float[] params, int samples, long seed) {
    Broadcast<byte[]> b = sc.broadcast(FloatBytes.encode(params));
    try {
      sc.setJobDescription("sparsevd evaluation" + (samples > 0 ? " (" + samples
          + " Monte-Carlo samples)" : ""));
      List<Partial> parts = blocks
          .mapPartitionsWithIndex(new EvalTask(b, def, classes, samples, seed), true)
          .collect();
      Partial[] ordered = parts.toArray(new Partial[0]);
      // Merge in partition order: sums of doubles depend on the order.
      Arrays.sort(ordered, (x, y) -> Integer.compare(x.partition(), y.partition()));
      Metrics total = new Metrics(classes);
      for (Partial p : ordered) {
        total.merge(p.metrics());
      }
      return total;
    } finally {
      b.destroy();
    }
  }

  /** The training loop's evaluator on a held-out set. */
  public static TrainingLoop.Evaluator evaluator(JavaSparkContext sc, JavaRDD<DataBlock> blocks,
                                                NetworkDef def, int classes) {
    return params -> {
      Metrics m = metrics(sc, blocks, def, classes, params, 0, 0);
      return new EpochReport.Evaluation(m.count(), m.accuracy(), m.nll());
    };
  }

  /** One partition's metrics. */
  record Partial(int partition, Metrics metrics) implements java.io.Serializable {}

  private static final class EvalTask
      implements Function2<Integer, Iterator<DataBlock>, Iterator<Partial>> {
    private static final ThreadLocal<Map<NetworkDef, Predictor>> CACHE =
        ThreadLocal.withInitial(ConcurrentHashMap::new);
    private final Broadcast<byte[]> params;
    private final NetworkDef def;
    private final int classes;
    private final int samples;
    private final long seed;

    EvalTask(Broadcast<byte[]> params, NetworkDef def, int classes, int samples, long seed) {
      this.params = params;
      this.def = def;
      this.classes = classes;
      this.samples = samples;
      this.seed = seed;
    }

    @Override
    public Iterator<Partial> call(Integer partition, Iterator<DataBlock> it) {
      Predictor p = CACHE.get().computeIfAbsent(def, d -> new Predictor(d.build()));
      Metrics m = new Metrics(classes);
      float[] values = FloatBytes.decode(params.value());
      while (it.hasNext()) {
        DataBlock block = it.next();
        p.evaluate(values, block.features(), block.labels(), block.firstIndex(),
            block.rows(), samples, seed, m);
      }
      return List.of(new Partial(partition, m)).iterator();
    }
  }
}
