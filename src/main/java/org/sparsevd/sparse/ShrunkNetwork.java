package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.nn.Dense;
import org.sparsevd.nn.EvalForm;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Relu;
import org.sparsevd.nn.Softplus;
import org.sparsevd.nn.Workspace;

/**
 * A pruned network with its removed neurons gone: a plain dense network over the kept input
 * features only, each weighted layer's matrix reduced to the rows of its kept inputs and the
 * columns of the next layer's kept inputs (see {@link PrunedNetwork#shrink}).
 */
public final class ShrunkNetwork {
  private final int rawInputs;
  private final int[] inputs;
  private final Network net;
  private final float[] params;

  /**
   * @param rawInputs the feature count of the network it came from
   * @param inputs the features it reads, ascending
   * @param steps dense weighted steps and activations, the first taking {@code inputs.length}
   */
  ShrunkNetwork(int rawInputs, int[] inputs, List<PrunedNetwork.Step> steps) {
    if (inputs.length == 0) {
      throw new IllegalArgumentException("every input feature was pruned: nothing to shrink to");
    }
    this.rawInputs = rawInputs;
    this.inputs = inputs.clone();
    List<Layer> layers = new ArrayList<>();
    int count = 0;
    for (PrunedNetwork.Step s : steps) {
      if (s.isActivation()) {
        layers.add(s.activation() == SparseNetwork.Activation.RELU ? new Relu(s.in())
            : new Softplus(s.in()));
      } else {
        if (s.in() == 0 || s.out() == 0) {
          throw new IllegalArgumentException("a weighted layer kept " + s.in() + " inputs and "
              + s.out() + " outputs: the network was pruned to nothing");
        }
        layers.add(new Dense(s.in(), s.out(), 1f));
        count += s.in() * s.out() + s.out();
      }
    }
    this.net = new Network(inputs.length, layers);
    this.params = new float[count];
    int off = 0;
    for (PrunedNetwork.Step s : steps) {
      if (!s.isActivation()) {
        System.arraycopy(s.weights(), 0, params, off, s.weights().length);
        System.arraycopy(s.bias(), 0, params, off + s.weights().length, s.out());
        off += s.weights().length + s.out();
      }
    }
  }

  /** The features read, as indices into the original inputs. */
  public int[] inputs() { return inputs.clone(); }

  /** The layer list, e.g. {@code dense(61) | relu | dense(33) | relu | dense(10)}. */
  public String spec() { return net.spec(); }

  /** Multiply-adds, 2 per weight of the dense layers (biases and ReLUs not counted). */
  public long flops() {
    long n = 0;
    for (int l = 0; l < net.layers().size(); l++) {
      EvalForm.Linear w = net.layers().get(l).evalForm(params, net.offset(l)).weighted();
      n += w == null ? 0 : 2L * w.weights().length;
    }
    return n;
  }

  /**
   * Logits of {@code rows} examples.
   *
   * @param x [rows x original input count], the features the full network reads; not modified
   * @return [rows x classes]
   */
  public float[] predict(float[] x, int rows) {
    if (x.length < (long) rows * rawInputs) {
      throw new IllegalArgumentException(rows + " rows x " + rawInputs + " features: have "
          + x.length + " floats");
    }
    int chunk = Workspace.CHUNK_ROWS;
    Workspace ws = net.newWorkspace(chunk);
    int k = inputs.length;
    int classes = net.numClasses();
    float[] gathered = new float[chunk * k];
    float[] logits = new float[rows * classes];
    for (int start = 0; start < rows; start += chunk) {
      int n = Math.min(chunk, rows - start);
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < k; i++) {
          gathered[r * k + i] = x[(start + r) * rawInputs + inputs[i]];
        }
      }
      float[] out = net.forward(params, gathered, n, Mode.EVAL, null, ws);
      System.arraycopy(out, 0, logits, start * classes, n * classes);
    }
    return logits;
  }
}
