package org.sparsevd.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.compare.CompareConfig;
import org.sparsevd.compare.Comparison;
import org.sparsevd.sparse.Quantization;

/**
 * The method comparison job: {@code Compare CONFIG [--key value ...] [--overwrite]}, CONFIG a
 * properties file of the keys below, then {@code --key value} overrides. Any other {@code --key
 * value} on the command line goes to the train config (e.g. {@code --epochs 2}), which checks
 * it; an unknown key in the file is an error. Loads MNIST once, then {@link Comparison} trains
 * every method of the config in turn with the train job's trainer (same data, batches,
 * schedules and seed; only the layers differ), measures each on the test images and on
 * out-of-distribution images (the test images rotated by 90 degrees, and uniform noise), and
 * writes:
 *
 * <pre>
 * OUTPUT/comparison.json          every number of every method
 * OUTPUT/comparison.md            the table
 * OUTPUT/comparison.png           bar chart of the main metrics
 * OUTPUT/models/NAME/             each trained model (the model format of the train job)
 * OUTPUT/models/NAME-quantized/   the same quantised after pruning
 * OUTPUT/_SUCCESS
 * </pre>
 */
public final class Compare {
  /** Every key with its default ("" = required) and meaning, in one place. */
  static final List<JobConfig.Key> KEYS = List.of(
      new JobConfig.Key("train_config", "", "the train job config of every method; required"),
      new JobConfig.Key("methods", "", "NAME: LAYERS entries separated by ';'; required"),
      new JobConfig.Key("mc_samples", "20", "Monte-Carlo samples of stochastic methods' "
          + "predictions (>= 1)"),
      new JobConfig.Key("quant_bits", "5", "quantisation after pruning: B bits per layer, or "
          + "posterior(B): variational layers from their posterior, others B"),
      new JobConfig.Key("test_rows", "0", "test images (and of each out-of-distribution kind) "
          + "to evaluate on; 0: all"),
      new JobConfig.Key("output", "", "output directory; required"));

  private Compare() {}

  public static void main(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.print(JobConfig.markdownTable(KEYS));
      return;
    }
    CompareConfig cc = parse(args);
    JobConfig base = trainConfig(cc);
    SparkSession spark = Sessions.create(base, "sparsevd-compare");
    try {
      run(spark, cc, base);
    } finally {
      spark.stop();
    }
  }

  /** Parses {@code CONFIG [--key value ...]} into the comparison's settings. */
  static CompareConfig parse(String[] args) throws IOException {
    Map<String, String> v = JobConfig.defaultsAndFile(KEYS, args);
    int i = args.length > 0 && !args[0].startsWith("--") ? 1 : 0;
    List<String> overrides = new ArrayList<>();
    for (; i < args.length; i++) {
      if (args[i].equals("--overwrite")) {
        overrides.add(args[i]);
        continue;
      }
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("argument '" + args[i] + "': expected --key value");
      }
      String name = args[i].substring(2);
      if (v.containsKey(name)) {
        v.put(name, args[++i].trim());
      } else {
        overrides.add(args[i]);
        overrides.add(args[++i]);
      }
    }
    try {
      return new CompareConfig(JobConfig.required(v, "train_config"),
          CompareConfig.methods(JobConfig.required(v, "methods")),
          Integer.parseInt(v.get("mc_samples")), Quantization.Bits.parse(v.get("quant_bits")),
          Integer.parseInt(v.get("test_rows")), JobConfig.required(v, "output"), overrides);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mc_samples = '" + v.get("mc_samples")
          + "', test_rows = '" + v.get("test_rows") + "': " + e.getMessage(), e);
    }
  }

  /** The train config with the command line's overrides; output and flags stay the job's. */
  static JobConfig trainConfig(CompareConfig cc) throws IOException {
    List<String> args = new ArrayList<>(List.of(cc.trainConfig()));
    args.addAll(cc.trainOverrides());
    args.addAll(List.of("--output", cc.output()));
    JobConfig c = JobConfig.parse(args.toArray(String[]::new), List.of("overwrite"));
    if (!c.get("data.format").equals("mnist")) {
      throw new IllegalArgumentException(cc.trainConfig() + ": data.format = "
          + c.get("data.format") + "; the comparison's rotated images need mnist");
    }
    return c;
  }

  static void run(SparkSession spark, CompareConfig cc, JobConfig base) throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    OutputDir out = OutputDir.open(cc.output(), hconf, false, base.flag("overwrite"));
    String md;
    try (JobData data = JobData.load(spark, base, null)) {
      md = Comparison.run(data.train(), base.trainConfig(), cc, JobData.mnistDir(spark, base),
          out.root(), hconf);
    }
    out.markComplete();
    System.out.print(md);
  }
}
