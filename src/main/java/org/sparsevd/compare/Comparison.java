package org.sparsevd.compare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.OodImages;
import org.sparsevd.data.Scaling;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.report.Charts;
import org.sparsevd.spark.data.TrainingData;
import org.sparsevd.train.TrainConfig;

/**
 * The method comparison on MNIST: trains every method of the settings in turn on the same
 * training data (same batches, schedules and seed; only the layers differ), measures each on the
 * test images and on out-of-distribution images (the test images rotated by 90 degrees, and
 * uniform noise), and writes under the output directory:
 *
 * <pre>
 * comparison.json          every number of every method
 * comparison.md            the table
 * comparison.png           bar chart of the main metrics
 * models/NAME/             each trained model (the model format of the train job)
 * models/NAME-quantized/   the same quantised after pruning
 * </pre>
 */
public final class Comparison {
  /** Uniform noise images: raw pixels in [0, 256), like MNIST's 0..255. */
  private static final float NOISE_MAX = 256f;

  private Comparison() {}

  /**
   * @param data the cached training images, scaled
   * @param tc the training every method shares; its layers are replaced by each method's
   * @param mnistDir where the MNIST test images are
   * @return the markdown table
   */
  public static String run(TrainingData data, TrainConfig tc, CompareConfig cc, String mnistDir,
                           Path out, Configuration hconf) throws IOException {
    MethodRun.TestSets sets = testSets(mnistDir, hconf, data.scaling(), cc.testRows(),
        tc.seed());
    List<MethodRun.Result> results = new ArrayList<>();
    for (CompareConfig.Method m : cc.methods()) {
      NetworkDef def = new NetworkDef(m.layers(), data.cols(), tc.vd());
      MethodRun.Result r = MethodRun.run(data, tc.withLayers(m.layers()), def, m, sets, cc);
      results.add(r);
      ModelFormat.write(r.model(), new Path(out, "models/" + m.name()), hconf);
      ModelFormat.write(r.quantizedModel(), new Path(out, "models/" + m.name() + "-quantized"),
          hconf);
      System.out.printf(Locale.ROOT, "%s: test error %.2f%% (deterministic %.2f%%), "
              + "compression %.1fx, trained in %.0f s%n", m.name(), 100 * r.predictive().error(),
          100 * r.deterministic().error(), r.compression(), r.seconds());
    }
    HadoopFiles.writeString(new Path(out, "comparison.json"), hconf,
        ComparisonReport.json(results, cc, tc.epochs(), sets.rows()));
    String md = ComparisonReport.markdown(results);
    HadoopFiles.writeString(new Path(out, "comparison.md"), hconf, md);
    byte[] png = Charts.png(ComparisonReport.table(results).barChart(
        "Methods on MNIST, " + tc.epochs() + " epochs each"), Charts.WIDTH, 1400);
    HadoopFiles.writeAtomically(new Path(out, "comparison.png"), hconf, o -> o.write(png));
    return md;
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
