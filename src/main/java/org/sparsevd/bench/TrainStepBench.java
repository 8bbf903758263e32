package org.sparsevd.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.cli.JobConfig;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.math.MatMul;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.EvalForm;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.Variational;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.nn.Workspace;
import org.sparsevd.optim.Adam;
import org.sparsevd.optim.OptimizerState;
import org.sparsevd.sparse.SparseNetwork;

/**
 * Single-threaded speed of the engine on LeNet-300-100 (batch 100 unless {@code --batch}): a full
 * training step
 * (LRT forward, backward, KL gradient, Adam) and deterministic inference, dense versus CSR at
 * the paper's per-layer sparsity (98.9 / 97.2 / 62%). Inputs are MNIST images / 255 when the
 * data folder exists, else random images with MNIST's share of zero pixels.
 *
 * <p>Usage: {@code TrainStepBench [OUT.json] [MNIST_DIR] [MODEL_DIR] [--batch B]}; with a trained
 * LeNet-300-100 model, inference is also measured on its pruned weights and input scaling.
 * Effective GFLOP/s counts the dense matrix products of the step (2 per layer forward, 2 or
 * 4 backward) whether or not the kernels skip zeros.
 */
public final class TrainStepBench {
  static final JobCommand COMMAND = Timing.command("engine", "target/bench/train-step.json",
      List.of(new JobConfig.Key("batch", "100", "examples per step and per inference batch; "
          + "at most 10,000 (the MNIST test images)")), Timing.MNIST_DIR, Timing.MODEL_DIR);

  private TrainStepBench() {}

  public static void main(String[] args) throws Exception {
    JobConfig a = COMMAND.parseMain(args);
    Path out = Path.of(a.get("OUT"));
    String mnist = a.get(Timing.MNIST_DIR.name());
    String modelDir = a.get(Timing.MODEL_DIR.name());
    int batch = a.getInt("batch");
    if (batch < 1 || batch > 10_000) {
      throw new IllegalArgumentException("--batch " + batch + ": expected 1 to 10000");
    }
    Network net = NetworkSpec.parse(NetworkSpec.LENET_300_100, 784, VdSettings.DEFAULTS);
    // Up to 20 batches of distinct rows, within the 10,000 test images.
    int pool = Math.min(20 * batch, 10_000) / batch * batch;
    Inputs in = inputs(mnist, pool);
    float[] x = in.values();
    int[] labels = new int[pool];
    long[] ids = new long[pool];
    for (int i = 0; i < pool; i++) {
      labels[i] = i % 10;
      ids[i] = i;
    }
    float[] params = net.initParams(1);
    float[] grad = new float[net.paramCount()];
    Workspace ws = net.newWorkspace(batch);
    Adam adam = Adam.DEFAULT;
    OptimizerState state = adam.newState(params.length);
    float[] batchX = new float[batch * 784];
    int[] batchLabels = new int[batch];
    long[] batchIds = new long[batch];
    long[] step = {0};

    Runnable trainStep = () -> {
      int b = (int) (step[0] % (pool / batch));
      System.arraycopy(x, b * batch * 784, batchX, 0, batch * 784);
      System.arraycopy(labels, b * batch, batchLabels, 0, batch);
      System.arraycopy(ids, b * batch, batchIds, 0, batch);
      Arrays.fill(grad, 0f);
      net.nllGradient(params, batchX, batchLabels, null, batchIds, batch, 1, step[0], 1f, grad,
          ws);
      net.addKlGradient(params, 1f, grad);
      adam.step(state, params, grad, 1e-4);
      step[0]++;
    };
    Runnable klOnly = () -> net.addKlGradient(params, 1f, grad);
    Runnable nllOnly = () -> net.nllGradient(params, batchX, batchLabels, null, batchIds, batch,
        1, 0, 1f, grad, ws);
    Runnable adamOnly = () -> adam.step(state, params, grad, 0);
    double stepMs = Timing.medianMillis(trainStep, 200, 100);
    double klMs = Timing.medianMillis(klOnly, 30, 30);
    double nllMs = Timing.medianMillis(nllOnly, 30, 30);
    double adamMs = Timing.medianMillis(adamOnly, 30, 30);
    double flops = trainingFlops(net, params, batch);

    prune(net, params, new double[] {0.989, 0.972, 0.62});
    double sparsity = net.sparsity(params).sparsity();
    double[] inference = inferenceMillis(net, params, x, batch);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kernels", MatMul.implementationName());
    json.put("inputs", in.name());
    json.put("batch", batch);
    json.put("train_step_ms_median", stepMs);
    json.put("train_examples_per_s", batch / (stepMs / 1e3));
    json.put("train_effective_gflops", flops / (stepMs / 1e3) / 1e9);
    json.put("nll_forward_backward_ms_median", nllMs);
    json.put("kl_gradient_ms_median", klMs);
    json.put("adam_ms_median", adamMs);
    json.put("inference_sparsity", sparsity);
    json.put("dense_inference_examples_per_s", batch / (inference[0] / 1e3));
    json.put("csr_inference_examples_per_s", batch / (inference[1] / 1e3));
    json.put("csr_speedup", inference[0] / inference[1]);
    if (!modelDir.isEmpty()) {
      // A trained model: its own sparsity pattern and its own input scaling.
      SparseVdModel model = ModelFormat.read(new org.apache.hadoop.fs.Path(modelDir),
          new Configuration());
      float[] raw = MnistIdx.readTest(mnist, new Configuration()).slice(0, batch).features();
      float[] scaled = raw.clone();
      model.scaling().applyInPlace(scaled, 784);
      Network m = model.network();
      double[] t = inferenceMillis(m, model.params(), scaled, batch);
      json.put("model", modelDir);
      json.put("model_sparsity", m.sparsity(model.params()).sparsity());
      json.put("model_dense_inference_examples_per_s", batch / (t[0] / 1e3));
      json.put("model_csr_inference_examples_per_s", batch / (t[1] / 1e3));
      json.put("model_csr_speedup", t[0] / t[1]);
    }
    Timing.report(out, json, List.of());
  }

  private record Inputs(String name, float[] values) {}

  /** MNIST images / 255, or random images with MNIST's 81% zero pixels. */
  private static Inputs inputs(String dir, int rows) throws Exception {
    if (Files.isDirectory(Path.of(dir))) {
      LabeledData d = MnistIdx.readTest(dir, new Configuration()).slice(0, rows);
      float[] f = d.features().clone();
      for (int k = 0; k < f.length; k++) {
        f[k] /= 255f;
      }
      return new Inputs("mnist", f);
    }
    SplittableRandom rnd = new SplittableRandom(3);
    float[] f = new float[rows * 784];
    for (int k = 0; k < f.length; k++) {
      f[k] = rnd.nextDouble() < 0.81 ? 0f : (float) rnd.nextDouble();
    }
    return new Inputs("random", f);
  }

  /**
   * Median ms of deterministic inference on the first {@code batch} rows, the two run
   * alternately: {dense masked, CSR}.
   */
  static double[] inferenceMillis(Network net, float[] params, float[] x, int batch) {
    Workspace ws = net.newWorkspace(batch);
    float[] rows = java.util.Arrays.copyOf(x, batch * net.inputSize());
    SparseNetwork csr = SparseNetwork.export(net, params);
    float[] logits = new float[batch * net.numClasses()];
    return Timing.interleavedMedianMillis(
        () -> net.forward(params, rows, batch, Mode.EVAL, null, ws),
        () -> csr.predict(rows, batch, logits), 100, 200);
  }

  /**
   * Sets log sigma^2 so that the given share of the weights of each layer with per-weight
   * dropout is pruned, at random.
   */
  static void prune(Network net, float[] params, double[] shares) {
    SplittableRandom rnd = new SplittableRandom(9);
    int v = 0;
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      EvalForm.Linear w = layer.evalForm(params, off).weighted();
      if (!(layer instanceof Variational var) || w == null
          || var.logAlphas(params, off) == null
          || var.logAlphas(params, off).length != w.weights().length) {
        continue;
      }
      int n = w.weights().length;
      for (int k = 0; k < n; k++) {
        params[off + n + k] = rnd.nextDouble() < shares[v] ? 2f : -20f;
      }
      v++;
    }
  }

  /**
   * Dense-equivalent FLOPs of one training step (multiply-add = 2) of the dense layers with a
   * posterior per weight.
   */
  static double trainingFlops(Network net, float[] params, int batch) {
    double flops = 0;
    for (int l = 0; l < net.layers().size(); l++) {
      var layer = net.layers().get(l);
      int off = net.offset(l);
      if (layer.evalForm(params, off) instanceof EvalForm.Linear
          && layer.posteriorStd(params, off) != null) {
        double gemm = 2.0 * batch * layer.inputSize() * layer.outputSize();
        flops += gemm * (l == 0 ? 4 : 6);
      }
    }
    return flops;
  }
}
