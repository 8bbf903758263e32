package org.sparsevd.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
    CompareConfig cc = of(COMMAND.parseMain(args));
    JobConfig base = trainConfig(cc);
    Sessions.runMain(base, "sparsevd-compare", spark -> run(spark, cc, base));
  }

  /**
   * The comparison's command line: its keys in the file; on the command line also the train
   * config's keys (but those named like one of the comparison's), which go to every method's
   * training.
   */
  static final JobCommand COMMAND = JobCommand.withConfig(
      "jobs/compare.sh CONFIG [--key value ...] [--overwrite] [--skip-invalid]", KEYS,
      java.util.stream.Stream.concat(KEYS.stream(), Train.KEYS.stream()
          .filter(k -> KEYS.stream().noneMatch(c -> c.name().equals(k.name())))).toList(),
      OutputDir.OVERWRITE, JobConfig.SKIP_INVALID);

  /** Parses {@code CONFIG [--key value ...] [--overwrite] [--skip-invalid]}. */
  static CompareConfig parse(String[] args) throws IOException {
    return of(COMMAND.parse(args));
  }

  /** The comparison's settings from its parsed command line. */
  static CompareConfig of(JobConfig c) {
    List<String> overrides = new ArrayList<>();
    c.commandLine().forEach((k, v) -> {
      if (KEYS.stream().noneMatch(own -> own.name().equals(k))) {
        overrides.add("--" + k);
        overrides.add(v);
      }
    });
    if (c.flag(OutputDir.OVERWRITE.name())) {
      overrides.add("--" + OutputDir.OVERWRITE.name());
    }
    return new CompareConfig(c.require("train_config"),
        CompareConfig.methods(c.require("methods")), c.getInt("mc_samples"),
        Quantization.Bits.parse(c.get("quant_bits")), c.getInt("test_rows"), c.require("output"),
        overrides);
  }

  /** The train config with the command line's overrides; output and flags stay the job's. */
  static JobConfig trainConfig(CompareConfig cc) throws IOException {
    List<String> args = new ArrayList<>(List.of(cc.trainConfig()));
    args.addAll(cc.trainOverrides());
    args.addAll(List.of("--output", cc.output()));
    JobConfig c = Train.COMMAND.parse(args.toArray(String[]::new));
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
