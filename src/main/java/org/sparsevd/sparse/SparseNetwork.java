package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.nn.Network;
import org.sparsevd.math.SparseMatMul;

/**
 * The pruned network for serving: each weighted layer as a {@link CsrMatrix} plus bias, ReLUs
 * between them, dropout layers gone (they are the identity at evaluation). Its logits equal
 * the deterministic {@link org.sparsevd.nn.Mode#EVAL} logits of the network it came from.
 */
public final class SparseNetwork {
  /** One step of inference: a sparse linear map, or a ReLU when {@code weights} is null. */
  public record Step(CsrMatrix weights, float[] bias) {}

  private final int inputSize;
  private final int numClasses;
  /** The steps as given, input indices over all inputs: what {@link #steps()} returns. */
  private final List<Step> steps;
  /** The same steps with the first layer's inputs renumbered over {@link #usedInputs}. */
  private final List<Step> compacted;
  private final int widest;
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
    int w = usedInputs.length;
    for (Step s : compacted) {
      if (s.weights() != null) {
        w = Math.max(w, s.weights().rows());
      }
    }
    this.widest = w;
  }

  /**
   * Exports the pruned network at the given parameters: the weighted steps and ReLUs of
   * {@link PrunedNetwork#of}, with per-neuron pruning folded into the weights.
   */
  public static SparseNetwork export(Network net, float[] params) {
    List<Step> steps = new ArrayList<>();
    for (PrunedNetwork.Step s : PrunedNetwork.of(net, params).steps()) {
      steps.add(s.isRelu() ? new Step(null, null)
          : new Step(CsrMatrix.fromWeights(s.weights(), s.in(), s.out()), s.bias()));
    }
    return new SparseNetwork(net.inputSize(), net.numClasses(), steps);
  }

  /** The steps as given to the constructor: {@code new SparseNetwork(in, classes, steps())}. */
  public List<Step> steps() { return steps; }

  /** Each linear step must take the width the previous one gives; the last gives the classes. */
  private static void checkShapes(int inputSize, int numClasses, List<Step> steps) {
    int width = inputSize;
    for (int s = 0; s < steps.size(); s++) {
      CsrMatrix m = steps.get(s).weights();
      float[] bias = steps.get(s).bias();
      if (m == null ? bias != null : m.cols() != width || bias == null || bias.length != m.rows()) {
        throw new IllegalArgumentException("sparse step " + s + ": "
            + (m == null ? "a ReLU with a bias" : m.rows() + "x" + m.cols() + " weights with "
            + (bias == null ? "no" : bias.length) + " biases after a width of " + width));
      }
      width = m == null ? width : m.rows();
    }
    if (width != numClasses) {
      throw new IllegalArgumentException("sparse network ends in " + width + " outputs, "
          + numClasses + " classes expected");
    }
  }

  private static int[] usedInputs(List<Step> steps, int inputSize) {
    CsrMatrix first = firstWeights(steps);
    boolean[] used = new boolean[inputSize];
    for (int c : first.colIdx()) {
      used[c] = true;
    }
    return java.util.stream.IntStream.range(0, inputSize).filter(i -> used[i]).toArray();
  }

  /** The first layer with its input indices renumbered over the used inputs only. */
  private static List<Step> compactFirst(List<Step> steps, int[] used, int inputSize) {
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

  private static CsrMatrix firstWeights(List<Step> steps) {
    for (Step s : steps) {
      if (s.weights() != null) {
        return s.weights();
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
    for (int start = 0; start < rows; start += CHUNK) {
      int n = Math.min(CHUNK, rows - start);
      int stride = (n + PAD - 1) / PAD * PAD;
      SparseMatMul.gatherColumns(x, start * inputSize, n, inputSize, usedInputs, a, stride);
      int width = usedInputs.length;
      for (Step s : compacted) {
        if (s.weights() == null) {
          for (int k = 0; k < width * stride; k++) {
            a[k] = Math.max(0f, a[k]);
          }
          continue;
        }
        s.weights().multiplyBatch(a, s.bias(), b, stride);
        width = s.weights().rows();
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
}
