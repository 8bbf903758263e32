package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.nn.EvalForm;
import org.sparsevd.nn.Network;

/**
 * The deterministic network a trained one evaluates as, layer kinds reduced to two: weighted
 * steps (dense weights [in x out] with every pruned weight 0, and a bias) and activations
 * (ReLU, softplus), read from
 * the network's evaluation forms ({@link Network#evalForms}). Dropout layers are the identity
 * at evaluation and disappear; a per-neuron variational dropout layer multiplies its pruned
 * neurons by 0, which the forms fold into the weights next to it.
 *
 * <p>Neurons kept: input i of a weighted step is kept when a non-zero weight leaves it, after
 * removing neurons whose output nothing reads and neurons that always output 0 (no kept
 * incoming weight and a zero bias, when no softplus follows: softplus(0) is log 2), repeated until
 * nothing changes. {@link #shrink} removes
 * the others, giving a smaller dense network with the same predictions.
 */
public final class PrunedNetwork {
  /**
   * A weighted step, or an activation when {@code weights} is null.
   *
   * @param layer index of the layer it comes from in the original network
   * @param activation the activation of a step without weights, else null
   */
  public record Step(int layer, int in, int out, float[] weights, float[] bias,
                     SparseNetwork.Activation activation) {
    public boolean isActivation() {
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

  /**
   * The pruned network at the given parameters, from its evaluation forms ({@link
   * Network#evalForms}); fails on a convolution or pooling, which have no pruned form here.
   */
  public static PrunedNetwork of(Network net, float[] params) {
    List<Step> steps = new ArrayList<>();
    List<EvalForm> forms = net.evalForms(params);
    for (int l = 0; l < forms.size(); l++) {
      EvalForm f = forms.get(l);
      if (f instanceof EvalForm.Linear w) {
        steps.add(new Step(l, w.in(), w.out(), w.weights(), w.bias(), null));
      } else if (f instanceof EvalForm.Relu || f instanceof EvalForm.Softplus) {
        steps.add(new Step(l, f.inputSize(), f.outputSize(), null, null,
            f instanceof EvalForm.Relu ? SparseNetwork.Activation.RELU
                : SparseNetwork.Activation.SOFTPLUS));
      } else if (!(f instanceof EvalForm.Identity)) {
        throw new IllegalArgumentException("layer " + l + " (" + net.layers().get(l).spec()
            + ") has no pruned form");
      }
    }
    if (steps.stream().allMatch(Step::isActivation)) {
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
      n += s.isActivation() ? 0 : (long) s.in() * s.out();
    }
    return n;
  }

  /** Non-zero weights of the weighted steps. */
  public long keptWeights() {
    long n = 0;
    for (Step s : steps) {
      if (!s.isActivation()) {
        for (float v : s.weights()) {
          n += v != 0f ? 1 : 0;
        }
      }
    }
    return n;
  }

  /** Multiply-adds of the full dense network, 2 per weight (biases and activations not counted). */
  public long denseFlops() {
    return 2 * weights();
  }

  /** Per weighted step, the indices of its kept input neurons (see the class comment). */
  public List<int[]> keptNeurons() {
    List<EvalForm.Linear> w = new ArrayList<>();
    // Per weighted step: a softplus before the next one makes every output live.
    List<Boolean> softplusAfter = new ArrayList<>();
    for (Step s : steps) {
      if (!s.isActivation()) {
        w.add(new EvalForm.Linear(s.in(), s.out(), s.weights().clone(), s.bias().clone()));
        softplusAfter.add(false);
      } else if (s.activation() == SparseNetwork.Activation.SOFTPLUS && !w.isEmpty()) {
        softplusAfter.set(w.size() - 1, true);
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int l = 0; l + 1 < w.size(); l++) {
        boolean[] live = liveOutputs(w.get(l));
        if (softplusAfter.get(l)) {
          java.util.Arrays.fill(live, true);
        }
        boolean[] both = and(nonZeroRows(w.get(l + 1)), live);
        changed |= w.get(l).zeroOutputs(both) | w.get(l + 1).zeroInputs(both);
      }
    }
    List<int[]> kept = new ArrayList<>();
    for (EvalForm.Linear s : w) {
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
      if (s.isActivation()) {
        out.add(new Step(s.layer(), width, width, null, null, s.activation()));
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
      out.add(new Step(s.layer(), rows.length, cols.length, weights, bias, null));
      width = cols.length;
      w++;
    }
    return new ShrunkNetwork(inputSize, kept.get(0), out);
  }

  private static boolean[] nonZeroRows(EvalForm.Linear s) {
    int[] kept = s.keptPerInput();
    boolean[] any = new boolean[kept.length];
    for (int i = 0; i < kept.length; i++) {
      any[i] = kept[i] > 0;
    }
    return any;
  }

  /** Outputs that can be non-zero: a kept incoming weight or a non-zero bias. */
  static boolean[] liveOutputs(EvalForm.Linear s) {
    boolean[] live = new boolean[s.out()];
    for (int j = 0; j < s.out(); j++) {
      live[j] = s.bias()[j] != 0f;
      for (int i = 0; i < s.in() && !live[j]; i++) {
        live[j] = s.weights()[i * s.out() + j] != 0f;
      }
    }
    return live;
  }

  private static boolean[] and(boolean[] a, boolean[] b) {
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
