package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.nn.BernoulliDropout;
import org.sparsevd.nn.ConcreteDense;
import org.sparsevd.nn.Dense;
import org.sparsevd.nn.GaussianDropout;
import org.sparsevd.nn.InformationDropout;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NeuronVd;
import org.sparsevd.nn.Relu;
import org.sparsevd.nn.VariationalDense;

/**
 * The deterministic network a trained one evaluates as, layer kinds reduced to two: weighted
 * steps (dense weights [in x out] with every pruned weight 0, and a bias) and ReLUs. Dropout
 * layers are the identity at evaluation and disappear; a per-neuron variational dropout layer
 * ({@link NeuronVd}) multiplies its pruned neurons by 0, which is folded into the weights
 * next to it: the rows of the following weighted step and the column and bias of the
 * preceding one (a zero column and bias give 0 after a ReLU, so the two agree).
 *
 * <p>Neurons kept: input i of a weighted step is kept when a non-zero weight leaves it, after
 * removing neurons whose output nothing reads and neurons that always output 0 (no kept
 * incoming weight and a zero bias), repeated until nothing changes. {@link #shrink} removes
 * the others, giving a smaller dense network with the same predictions.
 */
public final class PrunedNetwork {
  /**
   * A weighted step, or a ReLU when {@code weights} is null.
   *
   * @param layer index of the layer it comes from in the original network
   */
  public record Step(int layer, int in, int out, float[] weights, float[] bias) {
    public boolean isRelu() {
      return weights == null;
    }
  }

  private final int inputSize;
  private final int numClasses;
  private final List<Step> steps;

  private PrunedNetwork(int inputSize, int numClasses, List<Step> steps) {
    this.inputSize = inputSize;
    this.numClasses = numClasses;
    this.steps = List.copyOf(steps);
  }

  /** The pruned network at the given parameters; fails on a layer with no deterministic form. */
  public static PrunedNetwork of(Network net, float[] params) {
    List<Step> steps = new ArrayList<>();
    boolean[] pending = null;
    int lastWeighted = -1;
    for (int l = 0; l < net.layers().size(); l++) {
      Layer layer = net.layers().get(l);
      int off = net.offset(l);
      if (layer instanceof VariationalDense || layer instanceof Dense
          || layer instanceof ConcreteDense) {
        float[] w = layer.effectiveWeights(params, off);
        Step s = new Step(l, layer.inputSize(), layer.outputSize(), w, layer.bias(params, off));
        if (pending != null) {
          zeroRows(s, pending);
          pending = null;
        }
        lastWeighted = steps.size();
        steps.add(s);
      } else if (layer instanceof NeuronVd nvd) {
        boolean[] kept = nvd.kept(params, off);
        if (lastWeighted >= 0) {
          zeroColumns(steps.get(lastWeighted), kept);
        }
        pending = pending == null ? kept : and(pending, kept);
      } else if (layer instanceof Relu) {
        steps.add(new Step(l, layer.inputSize(), layer.outputSize(), null, null));
      } else if (!(layer instanceof GaussianDropout || layer instanceof BernoulliDropout
          || layer instanceof InformationDropout)) {
        throw new IllegalArgumentException("layer " + l + " (" + layer.spec()
            + ") has no pruned form");
      }
    }
    if (lastWeighted < 0) {
      throw new IllegalArgumentException("network '" + net.spec() + "' has no weighted layer");
    }
    return new PrunedNetwork(net.inputSize(), net.numClasses(), steps);
  }

  public int inputSize() { return inputSize; }
  public int numClasses() { return numClasses; }
  public List<Step> steps() { return steps; }

  /** All weights of the weighted steps. */
  public long weights() {
    long n = 0;
    for (Step s : steps) {
      n += s.isRelu() ? 0 : (long) s.in() * s.out();
    }
    return n;
  }

  /** Non-zero weights of the weighted steps. */
  public long keptWeights() {
    long n = 0;
    for (Step s : steps) {
      if (!s.isRelu()) {
        for (float v : s.weights()) {
          n += v != 0f ? 1 : 0;
        }
      }
    }
    return n;
  }

  /** Multiply-adds of the full dense network, 2 per weight (biases and ReLUs not counted). */
  public long denseFlops() {
    return 2 * weights();
  }

  /** Per weighted step, the indices of its kept input neurons (see the class comment). */
  public List<int[]> keptNeurons() {
    List<Step> w = new ArrayList<>();
    for (Step s : steps) {
      if (!s.isRelu()) {
        w.add(new Step(s.layer(), s.in(), s.out(), s.weights().clone(), s.bias().clone()));
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int l = 0; l + 1 < w.size(); l++) {
        boolean[] read = nonZeroRows(w.get(l + 1));
        boolean[] live = liveOutputs(w.get(l));
        boolean[] both = and(read, live);
        changed |= zeroColumns(w.get(l), both) | zeroRows(w.get(l + 1), both);
      }
    }
    List<int[]> kept = new ArrayList<>();
    for (Step s : w) {
      kept.add(indices(nonZeroRows(s)));
    }
    return kept;
  }

  /** The kept neurons' counts per weighted step, e.g. 784-300-100 pruned to 412-61-33. */
  public int[] keptNeuronCounts() {
    return keptNeurons().stream().mapToInt(a -> a.length).toArray();
  }

  /** The smaller dense network of the kept neurons only; same predictions. */
  public ShrunkNetwork shrink() {
    List<int[]> kept = keptNeurons();
    List<Step> out = new ArrayList<>();
    int w = 0;
    int width = kept.get(0).length;
    for (Step s : steps) {
      if (s.isRelu()) {
        out.add(new Step(s.layer(), width, width, null, null));
        continue;
      }
      int[] rows = kept.get(w);
      int[] cols = w + 1 < kept.size() ? kept.get(w + 1) : range(s.out());
      float[] weights = new float[rows.length * cols.length];
      float[] bias = new float[cols.length];
      for (int a = 0; a < rows.length; a++) {
        for (int b = 0; b < cols.length; b++) {
          weights[a * cols.length + b] = s.weights()[rows[a] * s.out() + cols[b]];
        }
      }
      for (int b = 0; b < cols.length; b++) {
        bias[b] = s.bias()[cols[b]];
      }
      out.add(new Step(s.layer(), rows.length, cols.length, weights, bias));
      width = cols.length;
      w++;
    }
    return new ShrunkNetwork(inputSize, kept.get(0), out);
  }

  private static boolean[] nonZeroRows(Step s) {
    boolean[] any = new boolean[s.in()];
    for (int i = 0; i < s.in(); i++) {
      for (int j = 0; j < s.out() && !any[i]; j++) {
        any[i] = s.weights()[i * s.out() + j] != 0f;
      }
    }
    return any;
  }

  /** Outputs that can be non-zero: a kept incoming weight or a non-zero bias. */
  private static boolean[] liveOutputs(Step s) {
    boolean[] live = new boolean[s.out()];
    for (int j = 0; j < s.out(); j++) {
      live[j] = s.bias()[j] != 0f;
      for (int i = 0; i < s.in() && !live[j]; i++) {
        live[j] = s.weights()[i * s.out() + j] != 0f;
      }
    }
    return live;
  }

  /** Zeroes the rows of inputs not kept; true if a non-zero changed. */
  private static boolean zeroRows(Step s, boolean[] kept) {
    return zeroRows(s.weights(), s.in(), s.out(), kept);
  }

  /**
   * Zeroes rows i of weights [in x out] where {@code kept[i]} is false; true if a non-zero
   * changed.
   */
  static boolean zeroRows(float[] weights, int in, int out, boolean[] kept) {
    boolean changed = false;
    for (int i = 0; i < in; i++) {
      if (!kept[i]) {
        for (int j = 0; j < out; j++) {
          changed |= weights[i * out + j] != 0f;
          weights[i * out + j] = 0f;
        }
      }
    }
    return changed;
  }

  /** Zeroes the columns and biases of outputs not kept; true if a non-zero changed. */
  private static boolean zeroColumns(Step s, boolean[] kept) {
    boolean changed = false;
    for (int j = 0; j < s.out(); j++) {
      if (!kept[j]) {
        changed |= s.bias()[j] != 0f;
        s.bias()[j] = 0f;
        for (int i = 0; i < s.in(); i++) {
          changed |= s.weights()[i * s.out() + j] != 0f;
          s.weights()[i * s.out() + j] = 0f;
        }
      }
    }
    return changed;
  }

  static boolean[] and(boolean[] a, boolean[] b) {
    boolean[] c = new boolean[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] && b[i];
    }
    return c;
  }

  private static int[] indices(boolean[] mask) {
    return java.util.stream.IntStream.range(0, mask.length).filter(i -> mask[i]).toArray();
  }

  private static int[] range(int n) {
    return java.util.stream.IntStream.range(0, n).toArray();
  }
}
