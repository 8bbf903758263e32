package org.sparsevd.bench;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.cli.JobConfig;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.Schedules;
import org.sparsevd.spark.SparkGradientSource;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.DataBlock;
import org.sparsevd.spark.data.PersistedBlocks;
import org.sparsevd.train.GradientSource;
import org.sparsevd.train.LocalGradientSource;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.spark.Aggregation;
import org.sparsevd.spark.JobSparkSettings;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * Per-step cost of distributed training on LeNet-300-100 over MNIST, all in one run so the
 * ratios share the machine's state:
 * <ul>
 *   <li>an empty Spark job on the cached blocks (the floor of any step), timed alternately
 *       with the next item so that both see the same machine, and alternately with the same
 *       job through the Java API's mapPartitionsWithIndex and collect;</li>
 *   <li>a step with negligible arithmetic (2 examples): broadcast, job, collect, sum;</li>
 *   <li>full epochs of the training loop (gradient, KL, Adam) at batch 100, 500, 1000, 4000
 *       through Spark and through the same engine on 2 threads in this JVM.</li>
 * </ul>
 * Usage: {@code SparkStepBench [OUT.json] [MNIST_DIR]}; Spark settings from the JVM's spark.*
 * properties and the jobs' own ({@link JobSparkSettings}), master local[2] by default.
 */
public final class SparkStepBench {
  private static final int[] BATCHES = {100, 500, 1000, 4000};

  static final JobCommand COMMAND = Timing.command("spark", "target/bench/spark-step.json",
      Timing.MNIST_DIR);

  private SparkStepBench() {}

  public static void main(String[] args) throws Exception {
    JobConfig a = COMMAND.parseMain(args);
    Path out = Path.of(a.get("OUT"));
    String mnist = a.get(Timing.MNIST_DIR.name());
    SparkConf conf = JobSparkSettings.applyMissing(new SparkConf().setAppName(
        "sparsevd-bench"));
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[2]");
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LabeledData train = MnistIdx.readTrain(mnist, new Configuration());
    float[] f = train.features();
    for (int k = 0; k < f.length; k++) {
      f[k] /= 255f;
    }
    int partitions = 2;
    JavaRDD<DataBlock> blocks = PersistedBlocks.persist(BlockReader.fromLabeledData(sc, train,
        partitions).rdd(), train.rows(), StorageLevel.MEMORY_ONLY(), "MNIST training data").rdd();
    NetworkDef def = new NetworkDef(NetworkSpec.LENET_300_100, 784, VdSettings.DEFAULTS);
    Network net = def.build();

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("master", sc.master());
    json.put("partitions", partitions);
    json.put("params", net.paramCount());
    // The empty job has the step's shape (a job over every cached partition, one result each
    // to the driver) with nothing computed. The same through the Java API's
    // mapPartitionsWithIndex and collect, as the step ran before, for comparison.
    scala.collection.immutable.Seq<Object> all = CollectionConverters.asScala(
        List.<Object>of(0, 1)).toList();
    Runnable emptyJob = () -> sc.sc().runJob(blocks.rdd(), new EmptyTask(), all,
        ClassTag$.MODULE$.apply(Integer.class));
    Runnable emptyJavaApiJob = () -> blocks.mapPartitionsWithIndex(
        (i, it) -> java.util.Collections.<Integer>emptyIterator(), true).collect();
    double[] jobs = Timing.interleavedMedianMillis(emptyJob, emptyJavaApiJob, 20, 60);
    json.put("empty_job_java_api_ms", jobs[1]);
    json.put("empty_job_java_api_over_empty_job", jobs[1] / jobs[0]);
    try (SparkGradientSource spark2 = new SparkGradientSource(sc, blocks, Scaling.none(),
        train.rows(), def, 1, Aggregation.COLLECT)) {
      float[] params = net.initParams(1);
      float[] grad = new float[params.length];
      int[] tiny = {5, 40_000};
      long[] step = {0};
      double[] pair = Timing.interleavedMedianMillis(emptyJob,
          () -> spark2.gradient(params, tiny, step[0]++, 1f, grad), 20, 60);
      json.put("empty_job_ms", pair[0]);
      json.put("tiny_step_ms", pair[1]);
      json.put("tiny_step_over_empty_job", pair[1] / pair[0]);

      List<String> table = new ArrayList<>();
      int n = train.rows();
      table.add("| batch | Spark local[2] ms/step | Spark examples/s | 2 threads, no Spark ms/step"
          + " | no-Spark examples/s | ratio |");
      table.add("|---|---|---|---|---|---|");
      try (LocalGradientSource local = new LocalGradientSource(net, train.features(),
          train.labels(), 1, 2)) {
        for (int b : BATCHES) {
          double se = epochSeconds(def, spark2, b);
          double le = epochSeconds(def, local, b);
          double s = se * 1e3 / (n / b);
          double l = le * 1e3 / (n / b);
          json.put("epoch_s_spark_b" + b, se);
          json.put("epoch_s_local_b" + b, le);
          json.put("epoch_ratio_b" + b, se / le);
          table.add(String.format(Locale.ROOT, "| %d | %.1f | %.0f | %.1f | %.0f | %.2f |", b, s,
              b / s * 1e3, l, b / l * 1e3, se / le));
        }
      }
      Timing.report(out, json, table);
    } finally {
      spark.stop();
    }
  }

  /** A task that reads nothing and returns 0: a plain class, as the step's task is. */
  private static final class EmptyTask
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<DataBlock>, Integer>
      implements Serializable {
    @Override
    public Integer apply(TaskContext context, scala.collection.Iterator<DataBlock> blocks) {
      return 0;
    }
  }

  /**
   * Median seconds of epochs 2-4 of {@link TrainingLoop#run} at batch size b (the first warms
   * up), without evaluation: the real loop, KL gradient and Adam included.
   */
  private static double epochSeconds(NetworkDef def, GradientSource source, int b)
      throws java.io.IOException {
    Network net = def.build();
    double lr = 1e-4;
    int epochs = 4;
    TrainConfig config = new TrainConfig(def.layers(), def.vd(), b, epochs, lr,
        Schedules.learningRate("constant", lr, epochs), Schedules.klWeight("constant(1)"),
        TrainConfig.DEFAULTS.optimizer(), 1, 100);
    double[] seconds = new double[4];
    TrainingLoop.run(net, config, TrainingLoop.initialState(net, config), source, null,
        (r, s) -> seconds[r.epoch()] = r.seconds());
    double[] timed = java.util.Arrays.copyOfRange(seconds, 1, 4);
    java.util.Arrays.sort(timed);
    return timed[1];
  }
}
