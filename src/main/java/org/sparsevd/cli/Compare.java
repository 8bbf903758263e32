package org.sparsevd.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.OodImages;
import org.sparsevd.data.Scaling;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.report.Charts;
import org.sparsevd.train.TrainConfig;

/**
 * The method comparison job: {@code Compare CONFIG [--key value ...] [--overwrite]}. Loads
 * MNIST once, trains every method of the config in turn with the train job's loop and
 * distributed step (same data, batches, schedules and seed; only the layers differ), measures
 * each on the test images and on out-of-distribution images (the test images rotated by 90
 * degrees, and uniform noise), and writes:
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
  /** Uniform noise images: raw pixels in [0, 256), like MNIST's 0..255. */
  private static final float NOISE_MAX = 256f;

  private Compare() {}

  public static void main(String[] args) throws Exception {
    CompareConfig cc = CompareConfig.of(CompareConfig.COMMAND.parseMain(args));
    JobConfig base = trainConfig(cc);
    SparkSession spark = Sessions.create(base, "sparsevd-compare");
    try {
      run(spark, cc, base);
    } finally {
      spark.stop();
    }
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
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    OutputDir out = OutputDir.open(cc.output(), hconf, false, base.flag("overwrite"));
    TrainConfig tc = base.trainConfig();
    List<MethodRun.Result> results = new ArrayList<>();
    int testRows;
    try (JobData data = JobData.load(spark, base, null)) {
      MethodRun.TestSets sets = testSets(JobData.mnistDir(spark, base), hconf, data.scaling(),
          cc.testRows(), tc.seed());
      testRows = sets.rows();
      for (CompareConfig.Method m : cc.methods()) {
        NetworkDef def = new NetworkDef(m.layers(), data.cols(), tc.vd());
        MethodRun.Result r = MethodRun.run(sc, data.train(), data.trainRows(),
            tc.withLayers(m.layers()), def, m,
            sets, cc);
        results.add(r);
        Map<String, String> provenance = Map.of("method", m.name(), "compare_config",
            cc.toString());
        ModelFormat.write(new SparseVdModel(def, data.numClasses(), r.params(), data.scaling(),
            provenance), new Path(out.root(), "models/" + m.name()), hconf);
        ModelFormat.write(new SparseVdModel(def, data.numClasses(), r.quantized().params(),
            data.scaling(), provenance), new Path(out.root(), "models/" + m.name()
            + "-quantized"), hconf);
        System.out.printf(java.util.Locale.ROOT, "%s: test error %.2f%% (deterministic "
                + "%.2f%%), compression %.1fx, trained in %.0f s%n", m.name(),
            100 * r.predictive().error(), 100 * r.deterministic().error(), r.compression(),
            r.seconds());
      }
    }
    HadoopFiles.writeString(new Path(out.root(), "comparison.json"), hconf,
        ComparisonReport.json(results, cc, tc.epochs(), testRows));
    String md = ComparisonReport.markdown(results);
    HadoopFiles.writeString(new Path(out.root(), "comparison.md"), hconf, md);
    byte[] png = Charts.png(ComparisonReport.table(results).barChart(
        "Methods on MNIST, " + tc.epochs() + " epochs each"), Charts.WIDTH, 1400);
    HadoopFiles.writeAtomically(new Path(out.root(), "comparison.png"), hconf,
        o -> o.write(png));
    out.markComplete();
    System.out.print(md);
  }

  /**
   * The first {@code rows} MNIST test images (all when 0) scaled as the training data, the same
   * images rotated by 90 degrees, and as many uniform noise images, each scaled likewise.
   */
  static MethodRun.TestSets testSets(String mnistDir, Configuration hconf, Scaling scaling,
                                     int rows, long seed) throws IOException {
    LabeledData test = MnistIdx.readTest(mnistDir, hconf);
    int n = rows == 0 ? test.labels().length : Math.min(rows, test.labels().length);
    test = test.slice(0, n);
    int cols = test.cols();
    int side = (int) Math.round(Math.sqrt(cols));
    float[] x = test.features().clone();
    float[] rotated = OodImages.rotate90(x, n, side, side);
    float[] noise = OodImages.uniformNoise(n, cols, NOISE_MAX, seed);
    scaling.applyInPlace(x, cols);
    scaling.applyInPlace(rotated, cols);
    scaling.applyInPlace(noise, cols);
    return new MethodRun.TestSets(x, test.labels().clone(), rotated, noise);
  }
}
