package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.nn.EvalForm;
import org.sparsevd.nn.FeatureShape;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Softplus;
import org.sparsevd.math.SparseMatMul;

/**
 * The pruned network for serving: each weighted layer as a {@link CsrMatrix} plus bias,
 * activations (ReLU, softplus) and max-pools between them, dropout layers gone (they are the
 * identity at evaluation). Its logits equal the deterministic
 * {@link org.sparsevd.nn.Mode#EVAL} logits of the network it came from.
 *
 * <p>A convolution is its kept filter bank as a sparse matrix (row f = filter f, column = patch
 * entry (ky, kx, ch)) slid over the feature map: each kept weight is one multiply-add per
 * output position, a pruned filter costs nothing but its bias, and the patches are never
 * copied (see {@link SparseMatMul#sparseConvBatch}).
 */
public final class SparseNetwork {
  /**
   * One step of inference: a sparse linear map ({@code weights}, {@code bias}); an activation
   * when both are null; with {@code spatial} set, a convolution (with weights) or a max-pool
   * (without).
   *
   * @param activation the activation of a step without weights or geometry, else null
   */
  public record Step(CsrMatrix weights, float[] bias, Spatial spatial, Activation activation) {
    /** A linear map, or a ReLU without weights (and so without a bias). */
    public Step(CsrMatrix weights, float[] bias) {
      this(weights, bias, null, weights == null ? Activation.RELU : null);
    }

    /** A convolution or a max-pool. */
    public Step(CsrMatrix weights, float[] bias, Spatial spatial) {
      this(weights, bias, spatial, null);
    }

    public static Step activation(Activation a) {
      return new Step(null, null, null, a);
    }
  }

  /** The element-wise activations between linear steps. */
  public enum Activation {
    RELU, SOFTPLUS;

    void apply(float[] a, int n) {
      for (int k = 0; k < n; k++) {
        a[k] = this == RELU ? Math.max(0f, a[k]) : (float) Softplus.of(a[k]);
      }
    }
  }

  /** The geometry of a convolution or of a max-pool (kernel = stride, no padding). */
  public record Spatial(FeatureShape in, FeatureShape out, int kernel, int stride, int pad) {}

  private final int inputSize;
  private final int numClasses;
  /** The steps as given, input indices over all inputs: what {@link #steps()} returns. */
  private final List<Step> steps;
  /** The same steps with the first layer's inputs renumbered over {@link #usedInputs}. */
  private final List<Step> compacted;
  private final int widest;
  /** Per compacted step: a convolution's tap offsets and window corners, in features. */
  private final int[][] taps;
  private final int[][] corners;
  /** Inputs read by at least one kept weight of the first layer; the others are never read. */
  private final int[] usedInputs;
  /** Examples per chunk: the feature-major buffers stay within the L2 cache. */
  static final int CHUNK = 128;
  /**
   * Per-thread activation buffers, reused across calls: allocating (and so zeroing) them per
   * call cost as much as the sparse products themselves. Every buffer element read is written
   * first in the same call.
   */
  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});
  /** Chunks are padded to a multiple of this many examples, the widest vector's lanes. */
  static final int PAD = 16;

  public SparseNetwork(int inputSize, int numClasses, List<Step> steps) {
    checkShapes(inputSize, numClasses, steps);
    this.inputSize = inputSize;
    this.numClasses = numClasses;
    this.usedInputs = usedInputs(steps, inputSize);
    this.steps = List.copyOf(steps);
    this.compacted = compactFirst(steps, usedInputs, inputSize);
    this.taps = new int[compacted.size()][];
    this.corners = new int[compacted.size()][];
    int w = usedInputs.length;
    for (int i = 0; i < compacted.size(); i++) {
      Step s = compacted.get(i);
      if (s.spatial() != null) {
        Spatial g = s.spatial();
        w = Math.max(w, g.out().size());
        if (s.weights() != null) {
          taps[i] = taps(s.weights(), g);
          corners[i] = corners(g);
        }
      } else if (s.weights() != null) {
        w = Math.max(w, s.weights().rows());
      }
    }
    this.widest = w;
  }

  /** The input of a convolution with its zero padding included. */
  private static FeatureShape padded(Spatial g) {
    return new FeatureShape(g.in().height() + 2 * g.pad(), g.in().width() + 2 * g.pad(),
        g.in().channels());
  }

  /** Each kept weight's patch entry (ky, kx, ch) as a feature offset from its window's corner. */
  private static int[] taps(CsrMatrix m, Spatial g) {
    int c = g.in().channels();
    int k = g.kernel();
    int wp = padded(g).width();
    int[] taps = new int[m.nonZeros()];
    for (int t = 0; t < taps.length; t++) {
      int e = m.colIdx()[t];
      int ch = e % c;
      int kx = e / c % k;
      int ky = e / c / k;
      taps[t] = (ky * wp + kx) * c + ch;
    }
    return taps;
  }

  /** The feature index of each output position's window corner in the padded input. */
  private static int[] corners(Spatial g) {
    int c = g.in().channels();
    int wp = padded(g).width();
    int[] corners = new int[g.out().height() * g.out().width()];
    for (int oy = 0; oy < g.out().height(); oy++) {
      for (int ox = 0; ox < g.out().width(); ox++) {
        corners[oy * g.out().width() + ox] = (oy * g.stride() * wp + ox * g.stride()) * c;
      }
    }
    return corners;
  }

  /**
   * Exports the pruned network at the given parameters, from its evaluation forms ({@link
   * Network#evalForms}): per-neuron masks are folded into the dense layers next to them; one
   * next to no dense layer (beside a convolution) has no sparse form.
   */
  public static SparseNetwork export(Network net, float[] params) {
    List<Step> steps = new ArrayList<>();
    List<EvalForm> forms = net.evalForms(params);
    for (int l = 0; l < forms.size(); l++) {
      EvalForm f = forms.get(l);
      if (f instanceof EvalForm.Conv conv) {
        EvalForm.Linear bank = conv.bank();
        steps.add(new Step(CsrMatrix.fromWeights(bank.weights(), bank.in(), bank.out()),
            bank.bias(), new Spatial(conv.in(), conv.out(), conv.kernel(), conv.stride(),
            conv.pad())));
      } else if (f instanceof EvalForm.Pool pool) {
        steps.add(new Step(null, null, new Spatial(pool.in(), pool.out(), pool.size(),
            pool.size(), 0)));
      } else if (f instanceof EvalForm.Linear linear) {
        steps.add(new Step(CsrMatrix.fromWeights(linear.weights(), linear.in(), linear.out()),
            linear.bias()));
      } else if (f instanceof EvalForm.Relu) {
        steps.add(Step.activation(Activation.RELU));
      } else if (f instanceof EvalForm.Softplus) {
        steps.add(Step.activation(Activation.SOFTPLUS));
      } else if (f instanceof EvalForm.NeuronMask) {
        throw new IllegalArgumentException("layer " + l + " (" + net.layers().get(l).spec()
            + ") is a per-neuron mask, which has a sparse form only next to a dense layer");
      }
      // An identity (dropout at evaluation, a reshape) is no step.
    }
    return new SparseNetwork(net.inputSize(), net.numClasses(), steps);
  }

  /**
   * Throws unless every step is a linear map or an activation: the CSR file format
   * ({@code what}) holds no convolutions or pools.
   */
  public void requireNoSpatialSteps(String what) {
    for (Step s : steps) {
      if (s.spatial() != null) {
        throw new IllegalArgumentException(what + " holds dense layers and activations only; this "
            + "network has a " + (s.weights() == null ? "max-pool" : "convolution") + " over "
            + s.spatial().in() + "; export it as ONNX instead");
      }
    }
  }

  /** The steps as given to the constructor: {@code new SparseNetwork(in, classes, steps())}. */
  public List<Step> steps() { return steps; }

  /** Each linear step must take the width the previous one gives; the last gives the classes. */
  private static void checkShapes(int inputSize, int numClasses, List<Step> steps) {
    int width = inputSize;
    for (int s = 0; s < steps.size(); s++) {
      CsrMatrix m = steps.get(s).weights();
      float[] bias = steps.get(s).bias();
      Spatial g = steps.get(s).spatial();
      if (g != null) {
        int patch = g.kernel() * g.kernel() * g.in().channels();
        if (g.in().size() != width || (m != null && (m.cols() != patch
            || m.rows() != g.out().channels() || bias == null || bias.length != m.rows()))) {
          throw new IllegalArgumentException("sparse step " + s + ": a " + (m == null
              ? "max-pool" : "convolution") + " from " + g.in() + " after a width of " + width
              + (m == null ? "" : " with " + m.rows() + "x" + m.cols() + " weights, "
              + patch + " patch entries per filter"));
        }
        width = g.out().size();
        continue;
      }
      Activation act = steps.get(s).activation();
      if (m == null ? bias != null || act == null
          : act != null || m.cols() != width || bias == null || bias.length != m.rows()) {
        throw new IllegalArgumentException("sparse step " + s + ": " + (m == null
            ? (act == null ? "neither weights nor an activation" : "an activation with a bias")
            : m.rows() + "x" + m.cols() + " weights" + (act == null ? "" : " and an activation")
            + " with " + (bias == null ? "no" : bias.length) + " biases after a width of "
            + width));
      }
      width = m == null ? width : m.rows();
    }
    if (width != numClasses) {
      throw new IllegalArgumentException("sparse network ends in " + width + " outputs, "
          + numClasses + " classes expected");
    }
  }

  /**
   * The inputs the first layer reads; all of them when it is a convolution (its taps are
   * relative to a window, so inputs cannot be renumbered).
   */
  private static int[] usedInputs(List<Step> steps, int inputSize) {
    if (firstWeighted(steps).spatial() != null) {
      return java.util.stream.IntStream.range(0, inputSize).toArray();
    }
    CsrMatrix first = firstWeighted(steps).weights();
    boolean[] used = new boolean[inputSize];
    for (int c : first.colIdx()) {
      used[c] = true;
    }
    return java.util.stream.IntStream.range(0, inputSize).filter(i -> used[i]).toArray();
  }

  /** The first layer with its input indices renumbered over the used inputs only. */
  private static List<Step> compactFirst(List<Step> steps, int[] used, int inputSize) {
    if (used.length == inputSize) {
      return List.copyOf(steps);
    }
    int[] newIndex = new int[inputSize];
    for (int c = 0; c < used.length; c++) {
      newIndex[used[c]] = c;
    }
    List<Step> out = new ArrayList<>(steps);
    for (int s = 0; s < out.size(); s++) {
      CsrMatrix m = out.get(s).weights();
      if (m != null) {
        int[] cols = m.colIdx().clone();
        for (int k = 0; k < cols.length; k++) {
          cols[k] = newIndex[cols[k]];
        }
        out.set(s, new Step(new CsrMatrix(m.rows(), Math.max(1, used.length), m.rowPtr(), cols,
            m.values()), out.get(s).bias()));
        return out;
      }
    }
    return out;
  }

  private static Step firstWeighted(List<Step> steps) {
    for (Step s : steps) {
      if (s.weights() != null) {
        return s;
      }
    }
    throw new IllegalArgumentException("a sparse network needs at least one weighted layer");
  }
  public int inputSize() { return inputSize; }
  public int numClasses() { return numClasses; }

  /**
   * Logits for {@code rows} examples, in chunks of up to {@value #CHUNK} examples held
   * feature-major with the chunk padded to whole vectors (see {@link CsrMatrix#multiplyBatch}).
   *
   * @param x [rows x inputSize]; not modified
   * @param logits [rows x numClasses]; overwritten
   */
  public void predict(float[] x, int rows, float[] logits) {
    if (x.length < rows * inputSize || logits.length < rows * numClasses) {
      throw new IllegalArgumentException("predict " + rows + " rows: have " + x.length
          + " inputs (need " + rows * inputSize + "), " + logits.length + " outputs (need "
          + rows * numClasses + ")");
    }
    float[][] buffers = BUFFERS.get();
    if (buffers[0].length < widest * CHUNK) {
      buffers[0] = new float[widest * CHUNK];
      buffers[1] = new float[widest * CHUNK];
    }
    float[] a = buffers[0];
    float[] b = buffers[1];
    int[] width = new int[1];
    for (int start = 0; start < rows; start += CHUNK) {
      int n = Math.min(CHUNK, rows - start);
      int stride = (n + PAD - 1) / PAD * PAD;
      SparseMatMul.gatherColumns(x, start * inputSize, n, inputSize, usedInputs, a, stride);
      width[0] = usedInputs.length;
      for (int i = 0; i < compacted.size(); i++) {
        Step s = compacted.get(i);
        if (s.activation() != null) {
          s.activation().apply(a, width[0] * stride);
          continue;
        }
        apply(i, s, a, b, stride, width);
        float[] t = a;
        a = b;
        b = t;
      }
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < numClasses; c++) {
          logits[(start + r) * numClasses + c] = a[c * stride + r];
        }
      }
    }
  }

  /**
   * Runs compacted step i (linear, convolution or max-pool) from the feature-major batch
   * {@code a} into {@code b}; a padded convolution first copies its input, framed with zeros,
   * into a per-thread buffer.
   */
  private void apply(int i, Step s, float[] a, float[] b, int stride, int[] width) {
    Spatial g = s.spatial();
    if (g == null) {
      s.weights().multiplyBatch(a, s.bias(), b, stride);
      width[0] = s.weights().rows();
      return;
    }
    width[0] = g.out().size();
    if (s.weights() == null) {
      maxPool(g, a, b, stride);
      return;
    }
    CsrMatrix m = s.weights();
    if (g.pad() == 0) {
      SparseMatMul.sparseConvBatch(m.rowPtr(), taps[i], m.values(), s.bias(), m.rows(),
          corners[i], a, b, stride);
      return;
    }
    float[] framed = PADDED.get();
    int need = padded(g).size() * stride;
    if (framed.length < need) {
      framed = new float[need];
      PADDED.set(framed);
    }
    pad(g, a, framed, stride);
    SparseMatMul.sparseConvBatch(m.rowPtr(), taps[i], m.values(), s.bias(), m.rows(),
        corners[i], framed, b, stride);
  }

  /** Per-thread buffer of a padded convolution's framed input. */
  private static final ThreadLocal<float[]> PADDED = ThreadLocal.withInitial(() -> new float[0]);

  /** Copies the feature map into the middle of a zero frame of width pad. */
  private static void pad(Spatial g, float[] a, float[] framed, int stride) {
    FeatureShape in = g.in();
    FeatureShape p = padded(g);
    int rowLen = in.width() * in.channels() * stride;
    java.util.Arrays.fill(framed, 0, p.size() * stride, 0f);
    for (int y = 0; y < in.height(); y++) {
      int dst = ((y + g.pad()) * p.width() + g.pad()) * in.channels() * stride;
      System.arraycopy(a, y * rowLen, framed, dst, rowLen);
    }
  }

  /** Max over each window of a feature-major batch, example by example in the inner loop. */
  private static void maxPool(Spatial g, float[] a, float[] b, int stride) {
    FeatureShape in = g.in();
    FeatureShape out = g.out();
    int c = in.channels();
    int k = g.kernel();
    for (int oy = 0; oy < out.height(); oy++) {
      for (int ox = 0; ox < out.width(); ox++) {
        for (int ch = 0; ch < c; ch++) {
          int dst = ((oy * out.width() + ox) * c + ch) * stride;
          int first = ((oy * k * in.width() + ox * k) * c + ch) * stride;
          System.arraycopy(a, first, b, dst, stride);
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
              int src = (((oy * k + ky) * in.width() + ox * k + kx) * c + ch) * stride;
              for (int r = 0; r < stride; r++) {
                b[dst + r] = Math.max(b[dst + r], a[src + r]);
              }
            }
          }
        }
      }
    }
  }
}
