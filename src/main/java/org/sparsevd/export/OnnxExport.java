package org.sparsevd.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.FeatureShape;
import org.sparsevd.sparse.CsrMatrix;
import org.sparsevd.sparse.SparseNetwork;

/**
 * A model as an ONNX file computing the engine's deterministic prediction from raw features:
 *
 * <pre>
 * features  float [N, inputSize], raw (unscaled) features
 *   -> the model's feature scaling as Div / Sub nodes, the operations and float arithmetic
 *      of {@link Scaling#applyInPlace} (none for mode NONE)
 *   -> per weighted layer MatMul (weights [in, out]) and Add (bias [out]), Relu or Softplus
 *      between them as in the layer list; Gaussian dropout is the identity at evaluation and
 *      has no node
 *   -> convolutional networks: Reshape to [N, H, W, C] and Transpose to ONNX's [N, C, H, W]
 *      before the first convolution, Conv (weights [F, C, K, K], bias [F]) and MaxPool nodes,
 *      and Transpose back to channels-last and Reshape to [N, H * W * C] before a dense
 *      layer, so the dense weights read the features in the engine's order
 * logits         float [N, classes]
 * probabilities  float [N, classes] = Softmax(logits, axis 1)
 * </pre>
 *
 * The weights are those of {@link SparseNetwork#export}: posterior means with every pruned
 * weight (log alpha at or above the threshold) set to zero. The scaling stays separate nodes
 * rather than being folded into the first layer's weights and bias, because folding changes
 * the rounding and would no longer give the engine's numbers. {@link Weights#DENSE} stores each
 * weight matrix whole, zeros included; {@link Weights#SPARSE} stores only the kept weights as
 * ONNX {@code sparse_initializer}s (ONNX Runtime expands them to dense matrices when it loads
 * the model, so only the file is smaller). Opset and IR version: see {@link OnnxGraph}. The
 * metadata records the layer list, the scaling mode, the threshold, the weight storage and
 * how many of all weights are non-zero.
 */
public final class OnnxExport {
  public static final String INPUT = "features";
  public static final String LOGITS = "logits";
  public static final String PROBABILITIES = "probabilities";
  public static final long OPSET = OnnxGraph.OPSET;
  private static final String BATCH = "N";

  /** How weight matrices are stored. */
  public enum Weights { DENSE, SPARSE }

  private OnnxExport() {}

  /** The ONNX ModelProto bytes of the model. */
  public static byte[] encode(SparseVdModel model, Weights weights) {
    SparseNetwork net = SparseNetwork.export(model.network(), model.params());
    OnnxGraph g = new OnnxGraph("sparsevd");
    g.input(INPUT, BATCH, net.inputSize());
    String x = scaling(g, model.scaling());
    List<SparseNetwork.Step> steps = net.steps();
    long kept = 0;
    long total = 0;
    // The shape of the current feature map while the tensor is in ONNX's [N, C, H, W]; null
    // while it is [N, features].
    FeatureShape map = null;
    for (int s = 0; s < steps.size(); s++) {
      boolean last = s == steps.size() - 1;
      String out = last && steps.get(s).spatial() == null ? LOGITS : "step" + s;
      CsrMatrix m = steps.get(s).weights();
      SparseNetwork.Spatial spatial = steps.get(s).spatial();
      if (spatial != null) {
        if (map == null) {
          x = toImages(g, x, spatial.in(), "step" + s);
        }
        if (m == null) {
          long[] window = {spatial.kernel(), spatial.kernel()};
          g.node("MaxPool", List.of(x), out, Map.of(),
              Map.of("kernel_shape", window, "strides", window));
        } else {
          String w = "step" + s + ".weight";
          String b = "step" + s + ".bias";
          FeatureShape in = spatial.in();
          long[] dims = {m.rows(), in.channels(), spatial.kernel(), spatial.kernel()};
          if (weights == Weights.SPARSE) {
            g.sparseInitializer(w, dims, filters(m, in.channels(), spatial.kernel()));
          } else {
            g.initializer(w, dims, filters(m, in.channels(), spatial.kernel()));
          }
          g.initializer(b, new long[] {m.rows()}, steps.get(s).bias());
          long k = spatial.kernel();
          long st = spatial.stride();
          long p = spatial.pad();
          g.node("Conv", List.of(x, w, b), out, Map.of(), Map.of("kernel_shape",
              new long[] {k, k}, "strides", new long[] {st, st}, "pads", new long[] {p, p, p, p}));
          kept += m.nonZeros();
          total += (long) m.rows() * m.cols();
        }
        map = spatial.out();
        x = out;
        if (last) {
          x = toFeatures(g, x, map, LOGITS);
        }
        continue;
      }
      if (map != null && m != null) {
        x = toFeatures(g, x, map, "step" + s + ".flat");
        map = null;
      }
      if (m == null) {
        g.node(steps.get(s).activation() == SparseNetwork.Activation.RELU ? "Relu" : "Softplus",
            List.of(x), out, Map.of());
      } else {
        String w = "step" + s + ".weight";
        String b = "step" + s + ".bias";
        long[] dims = {m.cols(), m.rows()};
        if (weights == Weights.SPARSE) {
          g.sparseInitializer(w, dims, dense(m));
        } else {
          g.initializer(w, dims, dense(m));
        }
        g.initializer(b, new long[] {m.rows()}, steps.get(s).bias());
        g.node("MatMul", List.of(x, w), out + ".matmul", Map.of());
        g.node("Add", List.of(out + ".matmul", b), out, Map.of());
        kept += m.nonZeros();
        total += (long) m.rows() * m.cols();
      }
      x = out;
    }
    g.node("Softmax", List.of(LOGITS), PROBABILITIES, Map.of("axis", 1L));
    g.output(PROBABILITIES, BATCH, net.numClasses());
    g.output(LOGITS, BATCH, net.numClasses());

    String mode = model.scaling().mode().name().toLowerCase(Locale.ROOT);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("sparsevd.layers", model.def().layers());
    meta.put("sparsevd.scaling", mode);
    meta.put("sparsevd.threshold", String.valueOf(model.def().vd().threshold()));
    meta.put("sparsevd.nonzero_weights", String.valueOf(kept));
    meta.put("sparsevd.weights", String.valueOf(total));
    meta.put("sparsevd.storage", weights.name().toLowerCase(Locale.ROOT));
    String doc = "SparseVD network '" + model.def().layers() + "', pruned at log alpha >= "
        + model.def().vd().threshold() + " (" + kept + " of " + total + " weights non-zero): "
        + "raw " + INPUT + " -> " + mode + " scaling -> " + LOGITS + " -> softmax "
        + PROBABILITIES;
    return g.model("sparsevd-spark", doc, meta);
  }

  /** Adds the scaling's nodes; returns the name of the scaled features. */
  private static String scaling(OnnxGraph g, Scaling scaling) {
    String x = INPUT;
    List<Scaling.Operation> ops = scaling.operations();
    for (int i = 0; i < ops.size(); i++) {
      float[] v = ops.get(i).values();
      String c = "scaling" + i + ".values";
      String out = "scaling" + i;
      g.initializer(c, new long[] {v.length}, v);
      g.node(ops.get(i).op() == Scaling.Op.DIVIDE ? "Div" : "Sub", List.of(x, c), out, Map.of());
      x = out;
    }
    return x;
  }

  /** [N, H * W * C] channels-last to ONNX's [N, C, H, W]; returns the new tensor's name. */
  private static String toImages(OnnxGraph g, String x, FeatureShape in, String name) {
    g.int64Initializer(name + ".shape", new long[] {-1, in.height(), in.width(), in.channels()});
    g.node("Reshape", List.of(x, name + ".shape"), name + ".nhwc", Map.of());
    g.node("Transpose", List.of(name + ".nhwc"), name + ".nchw", Map.of(),
        Map.of("perm", new long[] {0, 3, 1, 2}));
    return name + ".nchw";
  }

  /** ONNX's [N, C, H, W] back to channels-last [N, H * W * C], named {@code out}. */
  private static String toFeatures(OnnxGraph g, String x, FeatureShape map, String out) {
    g.node("Transpose", List.of(x), out + ".nhwc", Map.of(),
        Map.of("perm", new long[] {0, 2, 3, 1}));
    g.int64Initializer(out + ".shape", new long[] {-1, map.size()});
    g.node("Reshape", List.of(out + ".nhwc", out + ".shape"), out, Map.of());
    return out;
  }

  /**
   * A convolution's sparse filter bank (row f, column (ky * k + kx) * c + ch) as ONNX's dense
   * weights [F, C, K, K], zeros where pruned.
   */
  private static float[] filters(CsrMatrix m, int c, int k) {
    float[] w = new float[m.rows() * m.cols()];
    for (int f = 0; f < m.rows(); f++) {
      for (int t = m.rowPtr()[f]; t < m.rowPtr()[f + 1]; t++) {
        int e = m.colIdx()[t];
        int ch = e % c;
        int kx = e / c % k;
        int ky = e / c / k;
        w[((f * c + ch) * k + ky) * k + kx] = m.values()[t];
      }
    }
    return w;
  }

  /** The matrix as the dense [in, out] row-major weights of a MatMul, zeros where pruned. */
  private static float[] dense(CsrMatrix m) {
    int out = m.rows();
    float[] w = new float[m.rows() * m.cols()];
    for (int j = 0; j < out; j++) {
      for (int k = m.rowPtr()[j]; k < m.rowPtr()[j + 1]; k++) {
        w[m.colIdx()[k] * out + j] = m.values()[k];
      }
    }
    return w;
  }
}
