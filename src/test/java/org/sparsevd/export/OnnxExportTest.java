package org.sparsevd.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.LayerWeights;
import org.sparsevd.nn.Sparsity;

/**
 * Exported ONNX models run in ONNX Runtime give the engine's deterministic predictions on real
 * MNIST images, for trained and genuinely pruned networks.
 */
class OnnxExportTest {
  /** Information dropout on softplus units between two sparse layers. */
  static final String SOFTPLUS_LAYERS =
      "vd(64) | relu | idense(32, 0.01, prior=lognormal) | softplus | vd(10)";
  static final String LAYERS = "vd(64) | relu | vd(32) | relu | vd(10)";
  private static final int ROWS = TrainedModels.TEST_ROWS;
  private static OrtEnvironment env;
  private static OrtSession.SessionOptions options;

  @BeforeAll
  static void ort() throws Exception {
    env = OrtEnvironment.getEnvironment();
    options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
  }

  @AfterAll
  static void close() throws Exception {
    options.close();
  }

  @ParameterizedTest
  @EnumSource(Scaling.Mode.class)
  void onnxRuntimeGivesTheEngineDeterministicPrediction(Scaling.Mode mode) throws Exception {
    SparseVdModel model = TrainedModels.model(LAYERS, mode);
    assertPruned(model);
    float[] raw = TrainedModels.rawTestFeatures();
    float[][] engine = TrainedModels.enginePrediction(model, raw, ROWS);
    assertTrue(accuracy(engine[1]) > 0.5, mode + ": accuracy " + accuracy(engine[1]));
    float[][] onnx = run(OnnxExport.encode(model, OnnxExport.Weights.DENSE), raw, ROWS);
    assertClose(engine, onnx, mode.toString());
  }

  /**
   * A convolutional network (per-filter dropout with stride and padding, per-weight dropout,
   * pooling) through ONNX's channels-first Conv and MaxPool, with dense and sparse weights.
   */
  @ParameterizedTest
  @EnumSource(OnnxExport.Weights.class)
  void convolutionsExportToo(OnnxExport.Weights storage) throws Exception {
    SparseVdModel trained = TrainedModels.model("image(28, 28, 1) | vdconv(6, 5, 2, 1) | relu "
        + "| vdconv(8, 3, per=filter) | maxpool(2) | relu | flatten | vd(10)", Scaling.Mode.CENTER);
    // Eight epochs on 3,000 images prune weights but rarely a whole filter: prune filter 0.
    float[] params = trained.params().clone();
    org.sparsevd.nn.Network net = trained.network();
    org.sparsevd.nn.Conv2d conv = (org.sparsevd.nn.Conv2d) net.layers().get(3);
    params[net.offset(3) + LayerWeights.count(conv)] = 5f;
    SparseVdModel model = new SparseVdModel(trained.def(), 10, params, trained.scaling(),
        Map.of());
    assertPruned(model);
    float[] raw = TrainedModels.rawTestFeatures();
    float[][] engine = TrainedModels.enginePrediction(model, raw, ROWS);
    assertTrue(accuracy(engine[1]) > 0.5, "accuracy " + accuracy(engine[1]));
    assertClose(engine, run(OnnxExport.encode(model, storage), raw, ROWS), model.def().layers());
  }

  /**
   * Batch normalisation after a convolution and a dense layer, trained with augmentation: the
   * export folds its running statistics into those layers, and ONNX Runtime on the folded
   * graph gives the engine's prediction with bn.
   */
  @Test
  void batchNormalisationFoldsIntoTheExportedLayers() throws Exception {
    SparseVdModel model = TrainedModels.model("image(28, 28, 1) | crop(2) | vdconv(6, 5) "
        + "| bn | relu | maxpool(2) | flatten | vd(32) | bn | relu | vd(10)", Scaling.Mode.CENTER);
    org.sparsevd.nn.Network net = model.network();
    int bn = net.offset(3);
    float mean = model.params()[bn + 2 * 6];
    float var = model.params()[bn + 3 * 6];
    assertTrue(mean != 0f && var != 1f, "running statistics moved: " + mean + ", " + var);
    float[] raw = TrainedModels.rawTestFeatures();
    float[][] engine = TrainedModels.enginePrediction(model, raw, ROWS);
    assertTrue(accuracy(engine[1]) > 0.8, "accuracy " + accuracy(engine[1]));
    byte[] onnx = OnnxExport.encode(model, OnnxExport.Weights.DENSE);
    assertClose(engine, run(onnx, raw, ROWS), model.def().layers());
    assertFalse(new String(onnx, java.nio.charset.StandardCharsets.ISO_8859_1)
        .contains("BatchNormalization"), "no normalisation node is left");
  }

  /**
   * Structured Bayesian pruning folds into the layer before it as each channel's E theta (or 0
   * when pruned): ONNX Runtime on the folded graph gives the engine's prediction.
   */
  @Test
  void structuredPruningFoldsIntoTheExportedLayers() throws Exception {
    assertOnnxRuntimeAgrees(TrainedModels.model("image(28, 28, 1) | vdconv(6, 5) | sbp | relu "
        + "| maxpool(2) | flatten | vd(32) | sbp | relu | vd(10)", Scaling.Mode.CENTER),
        OnnxExport.Weights.DENSE, 0.8);
  }

  /**
   * Information dropout under the log-normal prior evaluates as its dense layer and the
   * softplus after it: ONNX Runtime's Softplus node gives the engine's prediction. Softplus
   * units learn more slowly than ReLUs in the short training of these tests.
   */
  @Test
  void softplusExports() throws Exception {
    SparseVdModel model = TrainedModels.model(SOFTPLUS_LAYERS, Scaling.Mode.CENTER);
    assertPruned(model);
    assertOnnxRuntimeAgrees(model, OnnxExport.Weights.SPARSE, 0.7);
  }

  /** An information dropout convolution evaluates as its filter bank. */
  @Test
  void informationConvolutionExports() throws Exception {
    assertOnnxRuntimeAgrees(TrainedModels.model("image(28, 28, 1) | iconv(6, 5, 2, 0, 0.01) "
        + "| relu | flatten | vd(10)", Scaling.Mode.CENTER), OnnxExport.Weights.DENSE, 0.8);
  }

  /** The model learned (accuracy above {@code minAccuracy}) and ONNX Runtime predicts as it. */
  private static void assertOnnxRuntimeAgrees(SparseVdModel model, OnnxExport.Weights weights,
                                              double minAccuracy) throws Exception {
    float[] raw = TrainedModels.rawTestFeatures();
    float[][] engine = TrainedModels.enginePrediction(model, raw, ROWS);
    assertTrue(accuracy(engine[1]) > minAccuracy, "accuracy " + accuracy(engine[1]));
    assertClose(engine, run(OnnxExport.encode(model, weights), raw, ROWS), model.def().layers());
  }

  @Test
  void denseLayerAndGaussianDropoutExportToo() throws Exception {
    SparseVdModel model = TrainedModels.model(
        "vd(64) | relu | gdrop(0.2) | dense(32) | relu | vd(10)", Scaling.Mode.STANDARDIZE);
    assertPruned(model);
    float[] raw = TrainedModels.rawTestFeatures();
    float[][] engine = TrainedModels.enginePrediction(model, raw, ROWS);
    assertClose(engine, run(OnnxExport.encode(model, OnnxExport.Weights.DENSE), raw, ROWS),
        model.def().layers());
  }

  @Test
  void sparseInitializersGiveTheSamePredictionsFromASmallerFile() throws Exception {
    SparseVdModel model = TrainedModels.model(LAYERS, Scaling.Mode.CENTER);
    float[] raw = TrainedModels.rawTestFeatures();
    byte[] dense = OnnxExport.encode(model, OnnxExport.Weights.DENSE);
    byte[] sparse = OnnxExport.encode(model, OnnxExport.Weights.SPARSE);
    float[][] a = run(dense, raw, ROWS);
    float[][] b = run(sparse, raw, ROWS);
    // ONNX Runtime expands the sparse initializers to the very same dense matrices.
    assertArrayEquals(a[0], b[0]);
    assertArrayEquals(a[1], b[1]);
    // Dense: 4 bytes a weight; sparse: 12 bytes (value and int64 index) a kept weight.
    Sparsity sp = model.network().sparsity(model.params());
    long saved = 4 * sp.weights() - 12 * sp.kept();
    assertEquals(dense.length - saved, sparse.length, 0.01 * sparse.length,
        dense.length + " bytes dense, " + sparse.length + " sparse");
  }

  @Test
  void graphInterfaceAndMetadata() throws Exception {
    SparseVdModel model = TrainedModels.model(LAYERS, Scaling.Mode.CENTER);
    try (OrtSession s = env.createSession(OnnxExport.encode(model, OnnxExport.Weights.SPARSE),
        options)) {
      assertShape(s.getInputInfo().get(OnnxExport.INPUT), 784);
      assertShape(s.getOutputInfo().get(OnnxExport.PROBABILITIES), 10);
      assertShape(s.getOutputInfo().get(OnnxExport.LOGITS), 10);
      OnnxModelMetadata meta = s.getMetadata();
      assertEquals("sparsevd-spark", meta.getProducerName());
      assertEquals("sparsevd", meta.getGraphName());
      Map<String, String> custom = meta.getCustomMetadata();
      assertEquals(LAYERS, custom.get("sparsevd.layers"));
      assertEquals("center", custom.get("sparsevd.scaling"));
      assertEquals("sparse", custom.get("sparsevd.storage"));
      Sparsity sp = model.network().sparsity(model.params());
      assertEquals(String.valueOf(sp.weights()), custom.get("sparsevd.weights"));
      assertEquals(String.valueOf(sp.kept()), custom.get("sparsevd.nonzero_weights"));
    }
    // The batch dimension is free: one row works as well as many.
    float[] raw = java.util.Arrays.copyOf(TrainedModels.rawTestFeatures(), 784);
    assertClose(TrainedModels.enginePrediction(model, raw, 1),
        run(OnnxExport.encode(model, OnnxExport.Weights.DENSE), raw, 1), "one row");
  }

  /** Runs the model in ONNX Runtime: [0] logits, [1] probabilities. */
  static float[][] run(byte[] onnx, float[] raw, int rows) throws Exception {
    try (OrtSession s = env.createSession(onnx, options);
         OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw),
             new long[] {rows, raw.length / rows});
         OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, x))) {
      return new float[][] {flat(r, OnnxExport.LOGITS), flat(r, OnnxExport.PROBABILITIES)};
    }
  }

  private static float[] flat(OrtSession.Result r, String name) {
    FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
    float[] v = new float[b.remaining()];
    b.get(v);
    return v;
  }

  /**
   * Probabilities within 1e-5, logits within 3e-5 relative (they are larger). The products
   * add in another order in ONNX Runtime; differences seen here are below 1e-6 and 3e-6.
   */
  static void assertClose(float[][] engine, float[][] other, String what) {
    assertEquals(engine[1].length, other[1].length, what);
    for (int k = 0; k < engine[1].length; k++) {
      assertEquals(engine[1][k], other[1][k], 1e-5, what + ": probability " + k);
      assertEquals(engine[0][k], other[0][k], 3e-5 * Math.max(1, Math.abs(engine[0][k])),
          what + ": logit " + k);
    }
  }

  /**
   * Every variational layer lost weights and kept some; together they lost over half (the
   * last layer, with the fewest weights, always keeps the largest share).
   */
  static void assertPruned(SparseVdModel model) {
    long weights = 0;
    long kept = 0;
    for (Sparsity.LayerCount c : model.network().sparsity(model.params()).layers()) {
      if (c.spec().startsWith("vd")) {
        assertTrue(c.sparsity() > 0.1 && c.kept() > 0,
            "layer " + c.layer() + " " + c.spec() + ": sparsity " + c.sparsity());
        weights += c.weights();
        kept += c.kept();
      }
    }
    assertTrue(kept < weights / 2, kept + " of " + weights + " variational weights kept");
  }

  private static double accuracy(float[] probs) throws Exception {
    int[] labels = TrainedModels.testLabels();
    int right = 0;
    for (int r = 0; r < labels.length; r++) {
      int best = 0;
      for (int c = 1; c < 10; c++) {
        best = probs[r * 10 + c] > probs[r * 10 + best] ? c : best;
      }
      right += best == labels[r] ? 1 : 0;
    }
    return (double) right / labels.length;
  }

  private static void assertShape(NodeInfo info, long width) {
    TensorInfo t = (TensorInfo) info.getInfo();
    assertEquals(ai.onnxruntime.OnnxJavaType.FLOAT, t.type);
    assertArrayEquals(new long[] {-1, width}, t.getShape());
  }
}
