package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.nn.Dense;
import org.sparsevd.nn.GaussianDropout;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Relu;
import org.sparsevd.nn.VariationalDense;

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
  private final List<Step> steps;
  private final int widest;
  /** Examples per chunk: the feature-major buffers stay within the L2 cache. */
  static final int CHUNK = 128;

  public SparseNetwork(int inputSize, int numClasses, List<Step> steps) {
    this.inputSize = inputSize;
    this.numClasses = numClasses;
    this.steps = List.copyOf(steps);
    int w = inputSize;
    for (Step s : steps) {
      if (s.weights() != null) {
        w = Math.max(w, s.weights().cols());
      }
    }
    this.widest = w;
  }

  /** Exports the pruned network at the given parameters. */
  public static SparseNetwork export(Network net, float[] params) {
    List<Step> steps = new ArrayList<>();
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      if (layer instanceof VariationalDense || layer instanceof Dense) {
        float[] w = layer.effectiveWeights(params, net.offset(l));
        steps.add(new Step(CsrMatrix.fromDense(w, layer.inputSize(), layer.outputSize()),
            layer.bias(params, net.offset(l))));
      } else if (layer instanceof Relu) {
        steps.add(new Step(null, null));
      } else if (!(layer instanceof GaussianDropout)) {
        throw new IllegalArgumentException("layer " + l + " (" + layer.spec()
            + ") has no sparse form");
      }
    }
    return new SparseNetwork(net.inputSize(), net.numClasses(), steps);
  }

  public List<Step> steps() { return steps; }
  public int inputSize() { return inputSize; }
  public int numClasses() { return numClasses; }

  /**
   * Logits for {@code rows} examples, computed in chunks of up to {@value #CHUNK} examples
   * held feature-major (see {@link CsrMatrix#multiplyBatch}).
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
    float[] a = new float[widest * CHUNK];
    float[] b = new float[widest * CHUNK];
    for (int start = 0; start < rows; start += CHUNK) {
      int n = Math.min(CHUNK, rows - start);
      // Transposed in strips of 16 inputs: each example's 16 values are one cache line, and
      // the 16 destination rows stay cached while the examples are walked.
      for (int i0 = 0; i0 < inputSize; i0 += 16) {
        int i1 = Math.min(inputSize, i0 + 16);
        for (int r = 0; r < n; r++) {
          int xo = (start + r) * inputSize;
          for (int i = i0; i < i1; i++) {
            a[i * n + r] = x[xo + i];
          }
        }
      }
      int width = inputSize;
      for (Step s : steps) {
        if (s.weights() == null) {
          for (int k = 0; k < width * n; k++) {
            a[k] = Math.max(0f, a[k]);
          }
          continue;
        }
        s.weights().multiplyBatch(a, s.bias(), b, n);
        width = s.weights().cols();
        float[] t = a;
        a = b;
        b = t;
      }
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < numClasses; c++) {
          logits[(start + r) * numClasses + c] = a[c * n + r];
        }
      }
    }
  }
}
