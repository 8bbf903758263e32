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
   * Logits for {@code rows} examples.
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
    float[] a = new float[widest];
    float[] b = new float[widest];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(x, r * inputSize, a, 0, inputSize);
      int width = inputSize;
      for (Step s : steps) {
        if (s.weights() == null) {
          for (int k = 0; k < width; k++) {
            a[k] = Math.max(0f, a[k]);
          }
          continue;
        }
        s.weights().multiply(a, 0, s.bias(), b, 0);
        width = s.weights().cols();
        float[] t = a;
        a = b;
        b = t;
      }
      System.arraycopy(a, 0, logits, r * numClasses, numClasses);
    }
  }
}
