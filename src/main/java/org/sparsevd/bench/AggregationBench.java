package org.sparsevd.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.Scaling;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.spark.Aggregation;
import org.sparsevd.spark.JobSparkSettings;
import org.sparsevd.spark.SparkGradientSource;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.DataBlock;

/**
 * How summing a step's partial gradients costs as the partitions E grow, for LeNet-300-100
 * (532,810 parameters with the log sigma^2: a partial is 2.13 MB), each way the step can do it
 * ({@link Aggregation}), through the real distributed step at batch 1000 over E cached blocks of
 * random MNIST-shaped rows, with parameters and partials as bytes as on a cluster:
 * <ul>
 *   <li>{@code collect}: every partition's partial to the driver, added in partition order;</li>
 *   <li>{@code tree}: groups of about sqrt(E) partitions summed by reducers in partition order,
 *       the group sums added by the driver in group order.</li>
 * </ul>
 * Reports the median step time and the bytes of task results the driver received per step
 * (Spark's result sizes, from a listener). Usage: {@code AggregationBench [OUT.json]}; master
 * local[2] unless spark.master is set.
 */
public final class AggregationBench {
  private static final int[] PARTITIONS = {2, 4, 8, 16, 32, 64};
  private static final int ROWS_PER_PARTITION = 1000;
  private static final int BATCH = 1000;
  private static final NetworkDef DEF = new NetworkDef(NetworkSpec.LENET_300_100, 784,
      VdSettings.DEFAULTS);

  static final JobCommand COMMAND = Timing.command("aggregation",
      "target/bench/aggregation.json");

  private AggregationBench() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(COMMAND.parseMain(args).get("OUT"));
    SparkConf conf = JobSparkSettings.applyMissing(new SparkConf().setAppName(
        "sparsevd-aggregation-bench"));
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[2]");
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    ResultBytes received = new ResultBytes();
    sc.sc().addSparkListener(received);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("master", sc.master());
    json.put("params", DEF.build().paramCount());
    json.put("batch", BATCH);
    List<String> table = new ArrayList<>(List.of(
        "| E | collect ms | tree ms | groups | collect MB to driver | tree MB to driver |",
        "|---|---|---|---|---|---|"));
    try {
      for (int e : PARTITIONS) {
        LabeledData data = randomRows(e * ROWS_PER_PARTITION);
        JavaRDD<DataBlock> blocks = BlockReader.fromLabeledData(sc, data, e).rdd()
            .persist(StorageLevel.MEMORY_ONLY());
        blocks.count();
        float[] params = DEF.build().initParams(1);
        float[] grad = new float[params.length];
        int[] batch = new int[BATCH];
        Arrays.setAll(batch, i -> (int) ((long) i * data.rows() / BATCH));
        json.put("groups_e" + e, Aggregation.Tree.groups(e));
        for (Aggregation a : new Aggregation[] {Aggregation.COLLECT, Aggregation.tree()}) {
          try (SparkGradientSource s = SparkGradientSource.asOnACluster(sc, blocks,
              Scaling.none(), data.rows(), DEF, 1, a)) {
            long[] step = {0};
            double ms = Timing.medianMillis(() -> s.gradient(params, batch, step[0]++, 1f, grad),
                3, 11);
            received.reset();
            s.gradient(params, batch, step[0], 1f, grad);
            json.put(a.spec() + "_ms_e" + e, ms);
            json.put(a.spec() + "_driver_bytes_e" + e, received.bytes());
          }
        }
        blocks.unpersist(true);
        table.add(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %s | %.2f | %.2f |", e,
            json.get("collect_ms_e" + e), json.get("tree_ms_e" + e), json.get("groups_e" + e),
            ((Long) json.get("collect_driver_bytes_e" + e)) / 1e6,
            ((Long) json.get("tree_driver_bytes_e" + e)) / 1e6));
      }
      Timing.report(out, json, table);
    } finally {
      spark.stop();
    }
  }

  /** MNIST-shaped rows: 81% zeros, the rest uniform in (0, 1); labels 0-9 in turn. */
  private static LabeledData randomRows(int rows) {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] x = new float[rows * 784];
    for (int k = 0; k < x.length; k++) {
      x[k] = rnd.nextDouble() < 0.81 ? 0f : (float) rnd.nextDouble();
    }
    int[] labels = new int[rows];
    Arrays.setAll(labels, i -> i % 10);
    return new LabeledData("random", x, labels, 784, 10);
  }

  /** Bytes of the task results the driver receives: what each aggregation sends it. */
  private static final class ResultBytes extends SparkListener {
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        bytes.addAndGet(end.taskMetrics().resultSize());
      }
    }

    /** Zeroes the count once the events of earlier jobs have been delivered. */
    void reset() throws InterruptedException {
      Thread.sleep(500);
      bytes.set(0);
    }

    /** The bytes since {@link #reset}, once the listener bus has delivered the job's events. */
    long bytes() throws InterruptedException {
      Thread.sleep(500);
      return bytes.get();
    }
  }
}
