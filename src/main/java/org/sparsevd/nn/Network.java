package org.sparsevd.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * A feed-forward classifier over one flat parameter array: layer {@code l} owns
 * {@code params[offset(l), offset(l) + layer(l).paramCount())}. The flat array is what the
 * trainer broadcasts, aggregates, checkpoints and saves.
 *
 * <p>The training objective (Molchanov et al. 2017, eq. 3 scaled by N) is
 * {@code N * mean_batch(CE + klWeight * KL(x)) + klWeight * KL}, where KL(x) is the part of
 * the KL that depends on the example ({@link PerExampleKl}; none in most networks). This class
 * computes its two parts separately: {@link #nllGradient} sums the gradient of the per-example
 * terms over the rows it is given, so that partitions can each take a share of a batch, and
 * {@link #addKlGradient} adds the gradient of the parameters' KL once per step.
 */
public final class Network {
  private final int inputSize;
  private final List<Layer> layers;
  private final int[] offsets;
  private final int paramCount;
  /** The first layer with parameters: no gradient needs to flow below it. */
  private final int firstTrainable;

  public Network(int inputSize, List<Layer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a network needs at least one layer");
    }
    this.inputSize = inputSize;
    this.layers = List.copyOf(layers);
    this.offsets = new int[layers.size()];
    int width = inputSize;
    long total = 0;
    for (int l = 0; l < layers.size(); l++) {
      Layer layer = layers.get(l);
      if (layer.inputSize() != width) {
        throw new IllegalArgumentException("layer " + l + " (" + layer.spec() + ") takes "
            + layer.inputSize() + " inputs while layer " + (l - 1) + " gives " + width);
      }
      offsets[l] = (int) total;
      total += layer.paramCount();
      width = layer.outputSize();
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("network has " + total + " parameters, over 2^31");
    }
    this.paramCount = (int) total;
    int first = 0;
    while (first < layers.size() - 1 && layers.get(first).paramCount() == 0) {
      first++;
    }
    this.firstTrainable = first;
  }

  public int inputSize() { return inputSize; }
  public int numClasses() { return layers.get(layers.size() - 1).outputSize(); }
  public int paramCount() { return paramCount; }
  public List<Layer> layers() { return layers; }
  public int offset(int layer) { return offsets[layer]; }

  /** The layer list as written in a config, e.g. {@code vd(300) | relu | vd(10)}. */
  public String spec() {
    List<String> parts = new ArrayList<>();
    for (Layer l : layers) {
      parts.add(l.spec());
    }
    return String.join(" | ", parts);
  }

  /** Fresh parameters; a function of the seed only. */
  public float[] initParams(long seed) {
    float[] params = new float[paramCount];
    for (int l = 0; l < layers.size(); l++) {
      layers.get(l).init(params, offsets[l], seed, l);
    }
    return params;
  }

  public Workspace newWorkspace(int maxRows) {
    return new Workspace(this, maxRows);
  }

  /**
   * Forward and backward pass of the summed per-example terms over {@code rows} examples,
   * (weighted) cross-entropy plus {@code klWeight} times the per-example KL, with noise keyed
   * by (seed, step, example id).
   *
   * @param x inputs [rows x inputSize]; not modified
   * @param weights per-example weights of the cross-entropy, or null for all 1
   * @param exampleIds global index of each row (noise key and error messages); not modified
   * @param klWeight the weight of the per-example KL in the gradient
   * @param grad ADDS d(sum w CE + klWeight sum KL(x))/dparams; modified
   * @return the summed weighted cross-entropy and the summed per-example KL
   */
  public BatchLoss nllGradient(float[] params, float[] x, int[] labels, float[] weights,
                               long[] exampleIds, int rows, long seed, long step, float klWeight,
                               float[] grad, Workspace ws) {
    checkBatch(x, labels, exampleIds, rows, ws);
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l) instanceof PerExampleKl k) {
        k.setKlWeight(ws.scratch[l], klWeight);
      }
    }
    float[] logits = forward(params, x, rows, Mode.TRAIN, new Noise(seed, step, exampleIds), ws);
    int classes = numClasses();
    float[] dy = ws.gradA;
    double loss = SoftmaxCrossEntropy.lossAndGradient(logits, labels, weights, rows, classes,
        dy);
    double exampleKl = 0;
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l) instanceof PerExampleKl k) {
        exampleKl += k.exampleKl(ws.scratch[l]);
      }
    }
    if (!Double.isFinite(loss) || !Double.isFinite(exampleKl)) {
      String what = Double.isFinite(loss) ? "per-example KL is " + exampleKl : "loss is " + loss;
      throw new NonFiniteException("step " + step + ": " + what + "; "
          + diagnose(params, ws, rows));
    }
    float[] dx = ws.gradB;
    for (int l = layers.size() - 1; l >= firstTrainable; l--) {
      float[] out = l == firstTrainable ? null : dx;
      layers.get(l).backward(params, offsets[l], input(l, x, ws), dy, out, grad, rows,
          ws.scratch[l]);
      float[] t = dy;
      dy = dx;
      dx = t;
    }
    return new BatchLoss(loss, exampleKl);
  }

  /**
   * Runs the layers on {@code x} and returns the workspace buffer holding the logits
   * [rows x numClasses]; valid until the next call on the same workspace.
   */
  public float[] forward(float[] params, float[] x, int rows, Mode mode, Noise noise,
                         Workspace ws) {
    if (rows > ws.maxRows) {
      throw new IllegalArgumentException(rows + " rows, workspace holds " + ws.maxRows);
    }
    if (x.length < rows * inputSize) {
      throw new IllegalArgumentException(rows + " rows x " + inputSize + " features: have "
          + x.length + " floats");
    }
    for (int l = 0; l < layers.size(); l++) {
      layers.get(l).forward(params, offsets[l], input(l, x, ws), ws.acts[l + 1], rows, mode, noise,
          l, ws.scratch[l]);
    }
    return ws.acts[layers.size()];
  }

  /** The input of layer l: the caller's rows for the first layer, read in place. */
  private static float[] input(int l, float[] x, Workspace ws) {
    return l == 0 ? x : ws.acts[l];
  }

  /**
   * Moves the running statistics of each batch normalisation towards those of the step's
   * {@code rows} rows, read from the moments its backward passes added into {@code grad} (summed
   * over partitions), and zeroes those entries; call once per step, before the optimiser.
   *
   * @param params modified: the running statistics
   * @param grad modified: the running statistics' entries
   */
  public void updateStatistics(float[] params, float[] grad, int rows) {
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l) instanceof BatchNorm bn) {
        bn.updateStatistics(params, offsets[l], grad, rows);
      }
    }
  }

  /** Sum of the KL terms of all layers. */
  public double kl(float[] params) {
    double sum = 0;
    for (int l = 0; l < layers.size(); l++) {
      sum += layers.get(l).kl(params, offsets[l]);
    }
    return sum;
  }

  /** Adds {@code weight * dKL/dparams} into {@code grad}. */
  public void addKlGradient(float[] params, float weight, float[] grad) {
    for (int l = 0; l < layers.size(); l++) {
      layers.get(l).addKlGradient(params, offsets[l], weight, grad);
    }
  }

  /**
   * The deterministic network this one evaluates as: each layer's {@link EvalForm} at the given
   * parameters, with each per-neuron mask folded into the linear forms next to it (the rows
   * of the one after, the columns and biases of the one before) and then the identity. A mask
   * next to no linear form (beside a convolution) stays.
   */
  public List<EvalForm> evalForms(float[] params) {
    return EvalForm.of(this, params);
  }

  /**
   * Pruning statistics of the layers that have weights: a weight is kept when it is non-zero
   * in the evaluation forms, so the weights into and out of a pruned neuron count as pruned.
   */
  public Sparsity sparsity(float[] params) {
    List<EvalForm> forms = evalForms(params);
    List<Sparsity.LayerCount> counts = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      EvalForm.Linear w = forms.get(l).weighted();
      if (w != null) {
        counts.add(new Sparsity.LayerCount(l, layers.get(l).spec(), w.weights().length,
            w.kept(), w.out(), w.outputsKept()));
      }
    }
    return new Sparsity(counts);
  }

  /**
   * For each input feature, how many of the first weighted layer's kept weights read it. An
   * input with 0 is never read by the pruned network: it has been selected out (by pruned
   * weights, or by a per-neuron mask on the input).
   */
  public int[] keptPerInput(float[] params) {
    boolean[] masked = new boolean[inputSize];
    for (EvalForm f : evalForms(params)) {
      int[] kept = f instanceof EvalForm.Linear linear ? linear.keptPerInput()
          : f instanceof EvalForm.Conv conv ? conv.keptPerInput() : null;
      if (kept != null) {
        for (int i = 0; i < inputSize; i++) {
          kept[i] = masked[i] ? 0 : kept[i];
        }
        return kept;
      }
      if (f instanceof EvalForm.NeuronMask mask) {
        for (int i = 0; i < inputSize; i++) {
          masked[i] |= !mask.kept()[i];
        }
      } else if (f.inputSize() != f.outputSize()) {
        break;
      }
    }
    throw new IllegalStateException("network '" + spec() + "' has no weighted layer on its input");
  }

  /** True when a Monte-Carlo sample of the network draws noise in some layer. */
  public boolean isStochastic() {
    return layers.stream().anyMatch(Layer::stochastic);
  }

  /** The learned drop rate of each layer that learns one (Concrete dropout), in layer order. */
  public List<Double> learnedDropRates(float[] params) {
    List<Double> rates = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      layers.get(l).learnedDropRate(params, offsets[l]).ifPresent(rates::add);
    }
    return rates;
  }

  private void checkBatch(float[] x, int[] labels, long[] ids, int rows, Workspace ws) {
    if (rows <= 0) {
      throw new IllegalArgumentException("empty batch: " + rows + " rows");
    }
    if (rows > ws.maxRows) {
      throw new IllegalArgumentException(rows + " rows, workspace holds " + ws.maxRows);
    }
    if (x.length < rows * inputSize || labels.length < rows || ids.length < rows) {
      throw new IllegalArgumentException("batch of " + rows + " rows x " + inputSize
          + " features: have " + x.length + " floats, " + labels.length + " labels, "
          + ids.length + " example ids");
    }
    int classes = numClasses();
    for (int r = 0; r < rows; r++) {
      if (labels[r] < 0 || labels[r] >= classes) {
        throw new IllegalArgumentException("example " + ids[r] + ": label " + labels[r]
            + " outside [0, " + classes + ")");
      }
      for (int f = 0; f < inputSize; f++) {
        float v = x[r * inputSize + f];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("example " + ids[r] + ", feature " + f + ": " + v);
        }
      }
    }
  }

  /**
   * Throws {@link NonFiniteException} naming the step, the layer and the index of the first
   * non-finite entry of a flat array laid out like the parameters (parameters or gradient).
   * Zero inputs skip their weights, so a bad weight can hide from the loss: the trainer
   * checks the aggregated gradient with this once per step.
   */
  public void requireFinite(float[] flat, String what, long step) {
    for (int l = 0; l < layers.size(); l++) {
      int bad = firstNonFinite(flat, offsets[l], layers.get(l).paramCount());
      if (bad >= 0) {
        throw new NonFiniteException("step " + step + ": " + what + " of layer " + l + " ("
            + layers.get(l).spec() + ") entry " + bad + " is " + flat[offsets[l] + bad]);
      }
    }
  }

  /** Names the first layer whose parameters or outputs are not finite. */
  private String diagnose(float[] params, Workspace ws, int rows) {
    for (int l = 0; l < layers.size(); l++) {
      Layer layer = layers.get(l);
      int bad = firstNonFinite(params, offsets[l], layer.paramCount());
      if (bad >= 0) {
        return "layer " + l + " (" + layer.spec() + ") parameter " + bad + " is "
            + params[offsets[l] + bad];
      }
      bad = firstNonFinite(ws.acts[l + 1], 0, rows * layer.outputSize());
      if (bad >= 0) {
        return "layer " + l + " (" + layer.spec() + ") output " + bad + " is "
            + ws.acts[l + 1][bad];
      }
    }
    return "no non-finite parameter or activation found";
  }

  private static int firstNonFinite(float[] a, int off, int n) {
    for (int k = 0; k < n; k++) {
      if (!Float.isFinite(a[off + k])) {
        return k;
      }
    }
    return -1;
  }

  /** Thrown when the loss or the parameters stop being finite. */
  public static final class NonFiniteException extends ArithmeticException {
    public NonFiniteException(String message) {
      super(message);
    }
  }
}
