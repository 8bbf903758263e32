package org.sparsevd.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;
import org.sparsevd.sparse.PrunedNetwork;
import org.sparsevd.sparse.Quantization;

/**
 * A model quantised after pruning keeps exactly its pruned weights, uses at most 2^b values
 * per layer, stays accurate, and its CSR and ONNX exports give the engine's predictions of
 * the quantised parameters.
 */
class QuantizedExportTest {
  private static final int ROWS = TrainedModels.TEST_ROWS;

  @ParameterizedTest
  @ValueSource(strings = {"3", "posterior(4)"})
  void quantisedModelExportsWithTheEnginePredictions(String bits) throws Exception {
    SparseVdModel model = TrainedModels.model(OnnxExportTest.LAYERS, Scaling.Mode.CENTER);
    Network net = model.network();
    Quantization.Result q = Quantization.quantize(net, model.params(),
        Quantization.Bits.parse(bits), 1);
    SparseVdModel quantised = new SparseVdModel(model.def(), model.numClasses(), q.params(),
        model.scaling(), model.provenance());

    PrunedNetwork before = PrunedNetwork.of(net, model.params());
    PrunedNetwork after = PrunedNetwork.of(net, q.params());
    assertEquals(before.keptWeights(), after.keptWeights(), "pruned weights stay pruned");
    assertEquals(3, q.layers().size());
    for (int s = 0, w = 0; s < after.steps().size(); s++) {
      PrunedNetwork.Step step = after.steps().get(s);
      if (step.isActivation()) {
        continue;
      }
      Quantization.LayerCode code = q.layers().get(w++);
      Set<Float> values = new HashSet<>();
      for (int k = 0; k < step.weights().length; k++) {
        if (step.weights()[k] != 0f) {
          values.add(step.weights()[k]);
          // Same sparsity pattern, and each kept weight is a codebook entry.
          assertTrue(before.steps().get(s).weights()[k] != 0f);
        }
      }
      assertTrue(values.size() <= 1 << code.bits(), values.size() + " values, "
          + code.bits() + " bits");
      for (float c : code.codebook()) {
        assertTrue(values.contains(c) || values.isEmpty(), "codebook entry " + c + " unused");
      }
    }
    assertTrue(q.bitsPerWeight() >= 1 && q.bitsPerWeight() <= 8, "bits " + q.bitsPerWeight());
    double paperCompression = (double) before.weights() / before.keptWeights();
    assertTrue(q.compression() > paperCompression, q.compression() + " vs " + paperCompression);

    float[] raw = TrainedModels.rawTestFeatures();
    float[][] full = TrainedModels.enginePrediction(model, raw, ROWS);
    float[][] engine = TrainedModels.enginePrediction(quantised, raw, ROWS);
    int[] labels = TrainedModels.testLabels();
    double change = accuracy(engine[1], labels) - accuracy(full[1], labels);
    assertTrue(Math.abs(change) < 0.03, "accuracy change " + change);

    float[] csr = CsrExport.decode(CsrExport.encode(CsrModel.of(quantised)), "memory")
        .probabilities(raw, ROWS);
    assertClose(engine[1], csr, "csr");
    assertClose(engine[1], onnx(OnnxExport.encode(quantised, OnnxExport.Weights.SPARSE), raw),
        "onnx");
  }

  private static float[] onnx(byte[] model, float[] raw) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(model, options);
           OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw),
               new long[] {ROWS, raw.length / ROWS});
           OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, x))) {
        float[][] p = (float[][]) r.get(OnnxExport.PROBABILITIES).get().getValue();
        float[] flat = new float[ROWS * 10];
        for (int i = 0; i < ROWS; i++) {
          System.arraycopy(p[i], 0, flat, i * 10, 10);
        }
        return flat;
      }
    }
  }

  private static double accuracy(float[] probs, int[] labels) {
    int correct = 0;
    for (int r = 0; r < ROWS; r++) {
      int best = 0;
      for (int c = 1; c < 10; c++) {
        best = probs[r * 10 + c] > probs[r * 10 + best] ? c : best;
      }
      correct += best == labels[r] ? 1 : 0;
    }
    return (double) correct / ROWS;
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], 1e-5, what + " probability " + k);
    }
  }
}
