package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.Scaling;
import org.sparsevd.export.CsrExport;
import org.sparsevd.export.CsrModel;
import org.sparsevd.export.OnnxExport;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.LayerWeights;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;

/** The export job on a saved model directory: what it writes, what it says, how it refuses. */
class ExportTest {
  @TempDir Path tmp;
  private Path modelDir;
  private SparseVdModel model;

  /** A model with random weights, about 80% of them pruned, saved as the train job saves it. */
  @BeforeEach
  void saveModel() throws Exception {
    NetworkDef def = new NetworkDef("vd(20) | relu | vd(10)", 30, VdSettings.DEFAULTS);
    Network net = def.build();
    float[] params = net.initParams(4);
    SplittableRandom rnd = new SplittableRandom(4);
    for (int l : new int[] {0, 2}) {
      int n = LayerWeights.count(net.layers().get(l));
      for (int k = 0; k < n; k++) {
        params[net.offset(l) + k] = (float) rnd.nextGaussian() * 0.3f;
        params[net.offset(l) + n + k] = rnd.nextDouble() < 0.8 ? 5f : -12f;
      }
    }
    model = new SparseVdModel(def, 10, params, Scaling.divide255(), Map.of("seed", "4"));
    modelDir = tmp.resolve("run/model");
    ModelFormat.write(model, new org.apache.hadoop.fs.Path(modelDir.toString()),
        new Configuration());
  }

  private String export(String... args) throws Exception {
    return Export.run(args, new Configuration());
  }

  @Test
  void writesOnnxWithDenseOrSparseWeightsAndCsr() throws Exception {
    Path dense = tmp.resolve("out/model.onnx");
    String line = export(modelDir.toString(), "--format", "onnx", dense.toString());
    byte[] expected = OnnxExport.encode(model, OnnxExport.Weights.DENSE);
    assertArrayEquals(expected, Files.readAllBytes(dense));
    long kept = model.network().sparsity(model.params()).kept();
    assertEquals("wrote file:" + dense + ": ONNX opset 13, dense weights, "
        + String.format("%,d", expected.length) + " bytes (" + kept + " of 800 weights kept)",
        line);

    Path sparse = tmp.resolve("out/model-sparse.onnx");
    assertTrue(export("--weights", "sparse", modelDir.toString(), "--format", "onnx",
        sparse.toString()).contains("ONNX opset 13, sparse weights"));
    assertArrayEquals(OnnxExport.encode(model, OnnxExport.Weights.SPARSE),
        Files.readAllBytes(sparse));

    Path csr = tmp.resolve("out/model.csr");
    assertTrue(export(modelDir.toString(), "--format", "csr", csr.toString())
        .contains("CSR format version 1"));
    float[] x = new float[3 * 30];
    for (int k = 0; k < x.length; k++) {
      x[k] = (k * 37) % 256;
    }
    assertArrayEquals(CsrModel.of(model).probabilities(x, 3),
        CsrExport.read(csr).probabilities(x, 3));
  }

  @Test
  void badArgumentsAreRefusedWithTheReason() {
    String dir = modelDir.toString();
    String out = tmp.resolve("x").toString();
    assertEquals("--format 'xml': expected onnx or csr",
        assertThrows(IllegalArgumentException.class,
            () -> export(dir, "--format", "xml", out)).getMessage());
    // Arguments are checked before the model is read: no model is needed to refuse them.
    assertEquals("--weights 'half': expected one of dense, sparse",
        assertThrows(IllegalArgumentException.class, () -> export(tmp.resolve("none").toString(),
            "--format", "onnx", "--weights", "half", out)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> export(dir, "--format", "csr", "--weights", "sparse", out)).getMessage()
        .startsWith("--weights applies to --format onnx only"));
    assertEquals("--weights 'half': expected one of dense, sparse",
        assertThrows(IllegalArgumentException.class,
            () -> export(dir, "--format", "onnx", "--weights", "half", out)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> export(dir, "--format", "onnx")).getMessage()
        .startsWith("expected 2 arguments (MODEL_DIR OUT), got 1\n"
            + "usage: jobs/export.sh MODEL_DIR"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> export(dir, "--fromat", "onnx", out)).getMessage()
        .startsWith("command line: unknown key 'fromat'; did you mean '--format'?"));
    String empty = tmp.resolve("empty").toString();
    new java.io.File(empty).mkdirs();
    assertTrue(assertThrows(java.io.IOException.class,
        () -> export(empty, "--format", "onnx", out)).getMessage()
        .contains("empty: no model here: expected model.json (the train job's model folder), "
            + "model/ (a run folder)"));
    assertTrue(Files.notExists(Path.of(out)));
  }

  @Test
  void aRunFolderExportsItsModel() throws Exception {
    Path out = tmp.resolve("out/run.onnx");
    export(tmp.resolve("run").toString(), "--format", "onnx", out.toString());
    assertArrayEquals(OnnxExport.encode(model, OnnxExport.Weights.DENSE), Files.readAllBytes(out));
  }
}
