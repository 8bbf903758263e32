package org.sparsevd.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.cli.JobConfig;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.math.MatMul;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Conv2d;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.Noise;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.nn.Workspace;
import org.sparsevd.optim.Adam;
import org.sparsevd.optim.OptimizerState;
import org.sparsevd.sparse.ShrunkConvNetwork;

/**
 * Single-threaded speed of the convolutions of LeNet-5-Caffe at batch 100: each convolution's
 * training forward and backward pass alone (plain, per weight, per filter), a whole LeNet-5
 * training step (forward, backward, KL gradient, Adam), and whole steps of the CIFAR-10
 * VGG-like network at widths 1/8 and 1/4, sparse VD and plain, with augmentation and batch
 * normalisation; a step's GFLOP/s counts its convolution and dense products. GFLOP/s counts the matrix
 * products a pass performs as dense 2 * rows * patch * filters products, whether or not the
 * kernels skip zeros: per weight 2 forward and 4 backward (2 without an input gradient), per
 * filter and plain 1 and 2 (1).
 *
 * <p>Usage: {@code ConvBench [OUT.json] [MNIST_DIR] [MODEL_DIR]}. Inputs are random: images with
 * MNIST's 81% zeros for the first convolution, half-zero ReLU outputs for the second. With a
 * trained LeNet-5 model, inference is also measured on its own pruned weights, with its input
 * scaling, on MNIST test images, and against its shrunk network (removed filters and units
 * gone, {@link ShrunkConvNetwork}).
 */
public final class ConvBench {
  private static final int BATCH = 100;
  /**
   * Untimed passes before a LeNet-5 pass or step is timed: with 5, conv2's per-weight pass had
   * a median of 34-36 ms in one JVM and 29-32 ms after 30, the compiler not yet done.
   */
  private static final int WARMUP = 30;

  static final JobCommand COMMAND = Timing.command("conv", "target/bench/conv.json",
      Timing.MNIST_DIR, Timing.MODEL_DIR);

  private ConvBench() {}

  public static void main(String[] args) throws Exception {
    JobConfig a = COMMAND.parseMain(args);
    Path out = Path.of(a.get("OUT"));
    String modelDir = a.get(Timing.MODEL_DIR.name());
    Map<String, Object> json = new LinkedHashMap<>();
    List<String> table = new ArrayList<>();
    json.put("kernels", MatMul.implementationName());
    json.put("batch", BATCH);
    table.add("| layer | kind | forward+backward ms (median) | examples/s | GFLOP/s |");
    table.add("|---|---|---|---|---|");
    for (String kind : new String[] {"conv", "vdconv", "vdconv-filter"}) {
      String args1 = kind.equals("vdconv-filter") ? ", per=filter" : "";
      String name = kind.startsWith("vdconv") ? "vdconv" : "conv";
      layer(json, table, "conv1", kind, "image(28, 28, 1) | " + name + "(20, 5" + args1 + ")",
          784, 0.81, false);
      layer(json, table, "conv2", kind, "image(12, 12, 20) | " + name + "(50, 5" + args1 + ")",
          2880, 0.5, true);
    }
    step(json, table, "lenet5", "LeNet-5", NetworkSpec.LENET_5_CAFFE, 784, 0.81, WARMUP, 21);
    for (String width : new String[] {"0.125", "0.25"}) {
      for (String kind : new String[] {"", ", dense"}) {
        step(json, table, "vgg_like_" + width.substring(2) + (kind.isEmpty() ? "" : "_dense"),
            "CIFAR-10 VGG-like, width " + width + (kind.isEmpty() ? ", sparse VD" : ", plain"),
            "image(32, 32, 3) | crop(4) | flip | vgg_like(" + width + kind + ")", 3072, 0, 2, 7);
      }
    }
    // Full width is not run (a step takes minutes here); its products give the cost model.
    Network full = NetworkSpec.parse("image(32, 32, 3) | vgg_like(1)", 3072, VdSettings.DEFAULTS);
    json.put("vgg_like_1_train_gflop_per_step", stepFlops(full) / 1e9);
    table.add(String.format(Locale.ROOT, "| CIFAR-10 VGG-like, width 1, sparse VD training step "
        + "(not run: %.0f GFLOP a step) | | | | |", stepFlops(full) / 1e9));
    Network net = NetworkSpec.parse(NetworkSpec.LENET_5_CAFFE, 784, VdSettings.DEFAULTS);
    float[] params = net.initParams(1);
    TrainStepBench.prune(net, params, new double[] {0.67, 0.98, 0.998, 0.95});
    inference(json, table, "lenet5_random_masks", net, params, random(BATCH * 784, 0.81, 8));
    if (!modelDir.isEmpty()) {
      SparseVdModel model = ModelFormat.read(new org.apache.hadoop.fs.Path(modelDir),
          new Configuration());
      float[] x = MnistIdx.readTest(a.get(Timing.MNIST_DIR.name()), new Configuration())
          .slice(0, BATCH).features().clone();
      model.scaling().applyInPlace(x, 784);
      json.put("model", modelDir);
      inference(json, table, "trained_model", model.network(), model.params(), x);
      shrunk(json, table, model.network(), model.params(), x);
    }
    Timing.report(out, json, table);
  }

  /** One convolution's forward (TRAIN) and backward pass on a batch. */
  private static void layer(Map<String, Object> json, List<String> table, String id, String kind,
                            String spec, int inputs, double zeros, boolean inputGradient) {
    Network net = NetworkSpec.parse(spec, inputs, VdSettings.DEFAULTS);
    Conv2d conv = (Conv2d) net.layers().get(1);
    float[] params = net.initParams(1);
    int off = net.offset(1);
    float[] x = random(BATCH * inputs, zeros, 5);
    float[] y = new float[BATCH * conv.outputSize()];
    float[] dy = random(BATCH * conv.outputSize(), 0, 6);
    float[] dx = inputGradient ? new float[BATCH * inputs] : null;
    float[] grad = new float[net.paramCount()];
    long[] ids = new long[BATCH];
    for (int i = 0; i < BATCH; i++) {
      ids[i] = i;
    }
    Layer.Scratch scratch = conv.newScratch(BATCH);
    Noise noise = new Noise(1, 0, ids);
    double ms = Timing.medianMillis(() -> {
      conv.forward(params, off, x, y, BATCH, Mode.TRAIN, noise, 1, scratch);
      conv.backward(params, off, x, dy, dx, grad, BATCH, scratch);
    }, WARMUP, 21);
    int products = switch (conv.kind()) {
      case PER_WEIGHT, INFORMATION -> inputGradient ? 6 : 4;
      case PER_FILTER, PLAIN -> inputGradient ? 3 : 2;
    };
    double flops = products * 2.0 * BATCH * conv.outputShape().height()
        * conv.outputShape().width() * conv.patchSize() * conv.filters();
    String key = id + "_" + kind.replace('-', '_');
    json.put(key + "_ms_median", ms);
    json.put(key + "_examples_per_s", BATCH / (ms / 1e3));
    json.put(key + "_gflops", flops / (ms / 1e3) / 1e9);
    table.add(String.format(Locale.ROOT, "| %s %s | %s | %.2f | %.0f | %.1f |", id,
        conv.spec(), kind, ms, BATCH / (ms / 1e3), flops / (ms / 1e3) / 1e9));
  }

  /** A whole training step of the network {@code spec} on random inputs. */
  private static void step(Map<String, Object> json, List<String> table, String key,
                           String name, String spec, int inputs, double zeros, int warmup,
                           int runs) {
    Network net = NetworkSpec.parse(spec, inputs, VdSettings.DEFAULTS);
    float[] params = net.initParams(1);
    float[] grad = new float[net.paramCount()];
    float[] x = random(BATCH * inputs, zeros, 7);
    int[] labels = new int[BATCH];
    long[] ids = new long[BATCH];
    for (int i = 0; i < BATCH; i++) {
      labels[i] = i % 10;
      ids[i] = i;
    }
    Workspace ws = net.newWorkspace(BATCH);
    Adam adam = Adam.DEFAULT;
    OptimizerState state = adam.newState(params.length);
    long[] stepNo = {0};
    double ms = Timing.medianMillis(() -> {
      Arrays.fill(grad, 0f);
      net.nllGradient(params, x, labels, null, ids, BATCH, 1, stepNo[0]++, 1f, grad, ws);
      net.updateStatistics(params, grad, BATCH);
      net.addKlGradient(params, 1f, grad);
      adam.step(state, params, grad, 1e-4);
    }, warmup, runs);
    double gflops = stepFlops(net) / (ms / 1e3) / 1e9;
    json.put(key + "_train_step_ms_median", ms);
    json.put(key + "_train_examples_per_s", BATCH / (ms / 1e3));
    json.put(key + "_train_gflops", gflops);
    json.put(key + "_train_gflop_per_step", stepFlops(net) / 1e9);
    table.add(String.format(Locale.ROOT, "| %s training step | %d weights | %.2f | %.0f | %.1f |",
        name, net.sparsity(params).weights(), ms, BATCH / (ms / 1e3), gflops));
  }

  /**
   * The products of a training step at batch {@link #BATCH}, counted as {@link #layer} counts
   * a convolution's (a dense layer as a 1 x 1 map); the first weighted layer computes no input
   * gradient.
   */
  private static double stepFlops(Network net) {
    double flops = 0;
    boolean first = true;
    for (Layer layer : net.layers()) {
      double positions;
      int products;
      if (layer instanceof Conv2d conv) {
        positions = conv.outputShape().height() * conv.outputShape().width();
        products = conv.kind() == Conv2d.Kind.PER_WEIGHT
            || conv.kind() == Conv2d.Kind.INFORMATION ? 6 : 3;
      } else if (layer instanceof org.sparsevd.nn.VariationalDense
          || layer instanceof org.sparsevd.nn.Dense) {
        positions = 1;
        products = layer instanceof org.sparsevd.nn.Dense ? 3 : 6;
      } else {
        continue;
      }
      // Without an input gradient a pass saves one product (two for per weight).
      products -= first ? (products == 6 ? 2 : 1) : 0;
      first = false;
      long weights = layer instanceof Conv2d conv ? (long) conv.patchSize() * conv.filters()
          : (long) layer.inputSize() * layer.outputSize();
      flops += products * 2.0 * BATCH * positions * weights;
    }
    return flops;
  }

  /**
   * Deterministic inference on a batch: the engine's dense pass (patches times the masked
   * filter banks) against {@link org.sparsevd.sparse.SparseNetwork}, measured alternately. The
   * random masks have the paper's per-layer sparsity for LeNet-5 (67 / 98 / 99.8 / 95%).
   */
  private static void inference(Map<String, Object> json, List<String> table, String key,
                                Network net, float[] params, float[] x) {
    double[] ms = TrainStepBench.inferenceMillis(net, params, x, BATCH);
    double sparsity = net.sparsity(params).sparsity();
    json.put(key + "_sparsity", sparsity);
    json.put(key + "_dense_inference_ms_median", ms[0]);
    json.put(key + "_sparse_inference_ms_median", ms[1]);
    json.put(key + "_sparse_speedup", ms[0] / ms[1]);
    table.add(String.format(Locale.ROOT, "| inference, %s, dense masked | %.2f%% sparse | %.2f "
        + "| %.0f | |", key, 100 * sparsity, ms[0], BATCH / (ms[0] / 1e3)));
    table.add(String.format(Locale.ROOT, "| inference, %s, sparse | %.2f%% sparse | %.2f | %.0f "
        + "| x%.2f |", key, 100 * sparsity, ms[1], BATCH / (ms[1] / 1e3), ms[0] / ms[1]));
  }

  /**
   * The trained model's shrunk network (removed filters and units gone) against the unpruned
   * network of its shape and against its own masked network, one thread, batch 100,
   * alternating; the shrunk network's largest logit difference from the masked one too.
   */
  private static void shrunk(Map<String, Object> json, List<String> table, Network net,
                             float[] params, float[] x) {
    ShrunkConvNetwork small = ShrunkConvNetwork.of(net, params);
    ShrunkConvNetwork unpruned = ShrunkConvNetwork.unpruned(net, params);
    Workspace ws = net.newWorkspace(BATCH);
    double[] vsUnpruned = Timing.interleavedMedianMillis(() -> unpruned.predict(x, BATCH),
        () -> small.predict(x, BATCH), 100, 200);
    double[] vsMasked = Timing.interleavedMedianMillis(
        () -> net.forward(params, x, BATCH, Mode.EVAL, null, ws),
        () -> small.predict(x, BATCH), 100, 200);
    float[] full = net.forward(params, x, BATCH, Mode.EVAL, null, ws);
    float[] shrunkLogits = small.predict(x, BATCH);
    double diff = 0;
    for (int k = 0; k < full.length; k++) {
      diff = Math.max(diff, Math.abs(full[k] - shrunkLogits[k]));
    }
    json.put("trained_model_shrunk_spec", small.spec());
    json.put("trained_model_inputs_read",
        java.util.Arrays.stream(net.keptPerInput(params)).filter(n -> n > 0).count());
    json.put("trained_model_shrunk_kept_outputs",
        small.keptOutputs().stream().map(a -> a.length).toList());
    json.put("trained_model_unpruned_inference_ms_median", vsUnpruned[0]);
    json.put("trained_model_shrunk_inference_ms_median", vsUnpruned[1]);
    json.put("trained_model_shrunk_speedup_over_unpruned", vsUnpruned[0] / vsUnpruned[1]);
    json.put("trained_model_masked_inference_ms_median", vsMasked[0]);
    json.put("trained_model_shrunk_vs_masked_inference_ms_median", vsMasked[1]);
    json.put("trained_model_shrunk_speedup_over_masked", vsMasked[0] / vsMasked[1]);
    json.put("trained_model_shrunk_max_logit_difference", diff);
    table.add(String.format(Locale.ROOT, "| inference, unpruned %s | | %.2f | %.0f | |",
        unpruned.spec(), vsUnpruned[0], BATCH / (vsUnpruned[0] / 1e3)));
    table.add(String.format(Locale.ROOT, "| inference, trained model shrunk to %s | | %.2f | %.0f "
        + "| x%.2f |", small.spec(), vsUnpruned[1], BATCH / (vsUnpruned[1] / 1e3),
        vsUnpruned[0] / vsUnpruned[1]));
  }

  private static float[] random(int n, double zeros, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] f = new float[n];
    for (int k = 0; k < n; k++) {
      f[k] = rnd.nextDouble() < zeros ? 0f : (float) rnd.nextDouble();
    }
    return f;
  }
}
