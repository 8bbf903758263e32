package org.sparsevd.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.spark.JobSparkSettings;
import scala.Tuple2;

/**
 * How merging the partial gradients of E partitions costs as E grows, for P = 532,810 floats
 * (LeNet-300-100's step payload):
 * <ul>
 *   <li>{@code collect}: every partition returns its partial as little-endian bytes, the driver
 *       sorts them by partition and decodes and adds each one (what the step does);</li>
 *   <li>{@code tree}: {@code treeAggregate} of float arrays, depth 2: partials are summed on
 *       the executors in a shuffle stage, the driver adds about sqrt(E) of them;</li>
 *   <li>{@code driver_sum}: the driver's decode-and-add of E partials alone, no Spark.</li>
 * </ul>
 * Usage: {@code AggregationBench [OUT.json]}; master local[2] unless spark.master is set.
 */
public final class AggregationBench {
  private static final int P = 532_810;
  private static final int[] PARTITIONS = {2, 8, 32, 128};

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
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("master", sc.master());
    json.put("params", P);
    List<String> table = new ArrayList<>(List.of(
        "| E | collect + ordered sum ms | treeAggregate depth 2 ms | driver decode+add ms |",
        "|---|---|---|---|"));
    try {
      for (int e : PARTITIONS) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < e; i++) {
          ids.add(i);
        }
        JavaRDD<Integer> parts = sc.parallelize(ids, e).cache();
        parts.count();
        float[] sum = new float[P];
        float[] scratch = new float[P];
        double collect = Timing.medianMillis(() -> {
          List<Tuple2<Integer, byte[]>> r = parts.map(i -> new Tuple2<>(i, bytes(partial(i))))
              .collect();
          List<Tuple2<Integer, byte[]>> sorted = new ArrayList<>(r);
          sorted.sort((a, b) -> Integer.compare(a._1(), b._1()));
          java.util.Arrays.fill(sum, 0f);
          sorted.forEach(t -> addInto(t._2(), sum, scratch));
        }, 2, 5);
        double tree = Timing.medianMillis(() -> parts.map(AggregationBench::partial)
            .treeAggregate(new float[P], AggregationBench::add, AggregationBench::add, 2), 2, 5);
        List<byte[]> local = new ArrayList<>();
        for (int i = 0; i < e; i++) {
          local.add(bytes(partial(i)));
        }
        double driver = Timing.medianMillis(() -> local.forEach(b -> addInto(b, sum, scratch)),
            3, 9);
        parts.unpersist();
        json.put("collect_ms_e" + e, collect);
        json.put("tree_ms_e" + e, tree);
        json.put("driver_sum_ms_e" + e, driver);
        table.add(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f |", e, collect, tree,
            driver));
      }
      Timing.report(out, json, table);
    } finally {
      spark.stop();
    }
  }

  /** A partial gradient of partition i (its values do not matter, its size does). */
  private static float[] partial(int i) {
    float[] g = new float[P];
    for (int k = 0; k < P; k++) {
      g[k] = (k % 97) * 1e-3f + i;
    }
    return g;
  }

  private static float[] add(float[] a, float[] b) {
    for (int k = 0; k < a.length; k++) {
      a[k] += b[k];
    }
    return a;
  }

  private static byte[] bytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  /** The step's decode-and-add: a bulk little-endian copy, then a loop the JIT vectorises. */
  private static void addInto(byte[] bytes, float[] dst, float[] scratch) {
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(scratch, 0, P);
    for (int k = 0; k < P; k++) {
      dst[k] += scratch[k];
    }
  }
}
