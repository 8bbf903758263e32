package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparsevd.nn.Conv2d;
import org.sparsevd.nn.Dense;
import org.sparsevd.nn.EvalForm;
import org.sparsevd.nn.FeatureShape;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.nn.Workspace;

/**
 * A pruned convolutional network with its removed filters and units gone: a plain network of
 * {@code conv}, {@code maxpool}, {@code relu}, {@code flatten} and {@code dense} layers that
 * gives the same logits as the network's evaluation forms, with fewer filters and units (the
 * inference a structured method such as {@link org.sparsevd.nn.StructuredBayesianPruning}
 * buys).
 *
 * <p>An output channel (a filter of a convolution, a unit of a dense layer) is removed when it
 * is always 0 (no non-zero weight into it and a zero bias) or when the next weighted layer
 * reads it with no non-zero weight. A channel with no non-zero weight into it but a non-zero
 * bias is a constant: when the next weighted layer reads every input position at every output
 * (a dense layer, or a convolution without padding), the constant, through the ReLU between
 * them if any, moves into that layer's biases and the channel goes too. Removing one can make
 * others removable, so the rules run until nothing changes. The layers between two weighted
 * ones must map 0 to 0 channel by channel (ReLU, max pooling, flattening, dropout at
 * evaluation), which holds for every form but a masked neuron's: the network's own input
 * channels and the classes stay.
 */
public final class ShrunkConvNetwork {
  /** What {@link #unpruned} puts in place of a pruned weight. */
  private static final float UNPRUNED_WEIGHT = 1e-3f;
  private final Network net;
  private final float[] params;
  private final List<int[]> kept;

  private ShrunkConvNetwork(Network net, float[] params, List<int[]> kept) {
    this.net = net;
    this.params = params;
    this.kept = kept;
  }

  /** A weighted form: its weights, where its inputs' channels are, and how it is written. */
  private record Weighted(EvalForm.Linear w, EvalForm.Conv conv, int inChannels) {
    /** The input channel of weight row i: patch entries (ky, kx, ch), flat maps (p, ch). */
    int channelOfRow(int i) {
      return i % inChannels;
    }
  }

  /**
   * The shrunk network of {@code full} at {@code params}.
   *
   * @throws IllegalArgumentException for a form other than a convolution, dense, ReLU, max
   *     pooling or identity, or when a weighted layer is pruned to nothing
   */
  public static ShrunkConvNetwork of(Network full, float[] params) {
    return shrink(full, params, false);
  }

  /**
   * The shrunk network, or empty when a layer has no shrunk form or a weighted layer kept no
   * output (the cases where {@link #of} throws).
   */
  public static java.util.Optional<ShrunkConvNetwork> ofSupported(Network full, float[] params) {
    try {
      return java.util.Optional.of(of(full, params));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * The unpruned baseline of the same shape: every filter and unit of {@code full}, as plain
   * layers, with each pruned weight replaced by a small non-zero one so that no kernel can skip
   * it; what the network costs before pruning, for comparing inference speed.
   */
  public static ShrunkConvNetwork unpruned(Network full, float[] params) {
    return shrink(full, params, true);
  }

  private static ShrunkConvNetwork shrink(Network full, float[] params, boolean dense) {
    List<EvalForm> forms = full.evalForms(params);
    List<Weighted> weighted = new ArrayList<>();
    List<Boolean> reluAfter = new ArrayList<>();
    FeatureShape shape = full.layers().get(0) instanceof org.sparsevd.nn.ShapedLayer s
        ? s.outputShape() : null;
    int channels = shape != null ? shape.channels() : full.inputSize();
    for (EvalForm f : forms) {
      if (f instanceof EvalForm.Conv c) {
        weighted.add(new Weighted(c.bank(), c, channels));
        reluAfter.add(false);
        channels = c.out().channels();
      } else if (f instanceof EvalForm.Linear w) {
        weighted.add(new Weighted(w, null, channels));
        reluAfter.add(false);
        channels = w.out();
      } else if (f instanceof EvalForm.Relu && !reluAfter.isEmpty()) {
        reluAfter.set(reluAfter.size() - 1, true);
      } else if (!(f instanceof EvalForm.Relu || f instanceof EvalForm.Pool
          || f instanceof EvalForm.Identity)) {
        throw new IllegalArgumentException("form " + f.getClass().getSimpleName()
            + " has no shrunk form");
      }
    }
    if (dense) {
      for (Weighted w : weighted) {
        float[] v = w.w().weights();
        for (int k = 0; k < v.length; k++) {
          v[k] = v[k] != 0f ? v[k] : UNPRUNED_WEIGHT;
        }
      }
    }
    boolean changed = !dense;
    while (changed) {
      changed = false;
      for (int l = 0; l + 1 < weighted.size(); l++) {
        changed |= foldConstants(weighted.get(l), reluAfter.get(l), weighted.get(l + 1));
        boolean[] live = PrunedNetwork.liveOutputs(weighted.get(l).w());
        boolean[] read = readChannels(weighted.get(l + 1), live.length);
        for (int j = 0; j < read.length; j++) {
          if (live[j] != read[j]) {
            // Always 0, or never read: either way the channel goes from both layers.
            zeroOutput(weighted.get(l).w(), j);
            changed |= zeroInput(weighted.get(l + 1), j) | live[j];
          }
        }
      }
    }
    List<int[]> kept = new ArrayList<>();
    for (int l = 0; l < weighted.size(); l++) {
      boolean last = l + 1 == weighted.size();
      EvalForm.Linear w = weighted.get(l).w();
      boolean[] k = last || dense ? all(w.out()) : PrunedNetwork.liveOutputs(w);
      kept.add(java.util.stream.IntStream.range(0, k.length).filter(j -> k[j]).toArray());
      if (kept.get(l).length == 0) {
        throw new IllegalArgumentException("weighted layer " + (l + 1) + " kept no output");
      }
    }
    return build(full, forms, weighted, kept, shape);
  }

  private static ShrunkConvNetwork build(Network full, List<EvalForm> forms,
                                         List<Weighted> weighted, List<int[]> kept,
                                         FeatureShape input) {
    StringBuilder spec = new StringBuilder();
    if (input != null) {
      spec.append(String.format(Locale.ROOT, "image(%d, %d, %d)", input.height(), input.width(),
          input.channels()));
    }
    boolean map = input != null;
    int w = 0;
    for (EvalForm f : forms) {
      String layer = null;
      if (f instanceof EvalForm.Conv c) {
        layer = String.format(Locale.ROOT, "conv(%d, %d, %d, %d)", kept.get(w++).length,
            c.kernel(), c.stride(), c.pad());
      } else if (f instanceof EvalForm.Linear) {
        layer = (map ? "flatten | " : "") + "dense(" + kept.get(w++).length + ")";
        map = false;
      } else if (f instanceof EvalForm.Pool p) {
        layer = "maxpool(" + p.size() + ")";
      } else if (f instanceof EvalForm.Relu) {
        layer = "relu";
      }
      if (layer != null) {
        spec.append(spec.length() > 0 ? " | " : "").append(layer);
      }
    }
    Network net = NetworkSpec.parse(spec.toString(), full.inputSize(), VdSettings.DEFAULTS);
    float[] params = new float[net.paramCount()];
    int l = 0;
    for (int k = 0; k < weighted.size(); k++) {
      while (!(net.layers().get(l) instanceof Dense || net.layers().get(l) instanceof Conv2d)) {
        l++;
      }
      Weighted s = weighted.get(k);
      int[] rows = k == 0 ? null : kept.get(k - 1);
      copy(s, rows, kept.get(k), params, net.offset(l));
      l++;
    }
    return new ShrunkConvNetwork(net, params, kept);
  }

  /** The kept rows and columns of a weighted form into a plain layer's [in x out | out]. */
  private static void copy(Weighted s, int[] inChannels, int[] outs, float[] params, int off) {
    EvalForm.Linear w = s.w();
    int[] channelIndex = new int[s.inChannels()];
    java.util.Arrays.fill(channelIndex, -1);
    int c = inChannels == null ? s.inChannels() : inChannels.length;
    for (int i = 0; i < c; i++) {
      channelIndex[inChannels == null ? i : inChannels[i]] = i;
    }
    int row = 0;
    for (int i = 0; i < w.in(); i++) {
      int ch = channelIndex[s.channelOfRow(i)];
      if (ch < 0) {
        continue;
      }
      for (int b = 0; b < outs.length; b++) {
        params[off + row * outs.length + b] = w.weights()[i * w.out() + outs[b]];
      }
      row++;
    }
    for (int b = 0; b < outs.length; b++) {
      params[off + row * outs.length + b] = w.bias()[outs[b]];
    }
  }

  /**
   * Moves the constant output channels of {@code w} (no non-zero weight into them, a non-zero
   * bias) into the biases of {@code next}, when {@code next} reads every input position at
   * each of its outputs; true if a channel moved.
   */
  private static boolean foldConstants(Weighted w, boolean relu, Weighted next) {
    if (next.conv() != null && next.conv().pad() != 0) {
      return false;
    }
    EvalForm.Linear s = w.w();
    EvalForm.Linear n = next.w();
    boolean moved = false;
    for (int j = 0; j < s.out(); j++) {
      if (s.bias()[j] == 0f || hasWeightInto(s, j)) {
        continue;
      }
      double v = relu ? Math.max(0f, s.bias()[j]) : s.bias()[j];
      double[] add = new double[n.out()];
      for (int i = 0; i < n.in(); i++) {
        if (next.channelOfRow(i) == j) {
          for (int o = 0; o < n.out(); o++) {
            add[o] += v * n.weights()[i * n.out() + o];
          }
        }
      }
      for (int o = 0; o < n.out(); o++) {
        n.bias()[o] = (float) (n.bias()[o] + add[o]);
      }
      zeroInput(next, j);
      s.bias()[j] = 0f;
      moved = true;
    }
    return moved;
  }

  private static boolean hasWeightInto(EvalForm.Linear s, int j) {
    for (int i = 0; i < s.in(); i++) {
      if (s.weights()[i * s.out() + j] != 0f) {
        return true;
      }
    }
    return false;
  }

  /** The input channels a weighted form reads with some non-zero weight. */
  private static boolean[] readChannels(Weighted next, int channels) {
    boolean[] read = new boolean[channels];
    EvalForm.Linear w = next.w();
    for (int i = 0; i < w.in(); i++) {
      for (int j = 0; j < w.out() && !read[next.channelOfRow(i)]; j++) {
        read[next.channelOfRow(i)] = w.weights()[i * w.out() + j] != 0f;
      }
    }
    return read;
  }

  private static void zeroOutput(EvalForm.Linear w, int j) {
    for (int i = 0; i < w.in(); i++) {
      w.weights()[i * w.out() + j] = 0f;
    }
    w.bias()[j] = 0f;
  }

  /** Zeroes the rows of one input channel; true if a non-zero changed. */
  private static boolean zeroInput(Weighted next, int channel) {
    EvalForm.Linear w = next.w();
    boolean changed = false;
    for (int i = 0; i < w.in(); i++) {
      if (next.channelOfRow(i) == channel) {
        for (int j = 0; j < w.out(); j++) {
          changed |= w.weights()[i * w.out() + j] != 0f;
          w.weights()[i * w.out() + j] = 0f;
        }
      }
    }
    return changed;
  }

  private static boolean[] all(int n) {
    boolean[] a = new boolean[n];
    java.util.Arrays.fill(a, true);
    return a;
  }

  /** The layer list, e.g. {@code image(28, 28, 1) | conv(6, 5) | relu | ...}. */
  public String spec() { return net.spec(); }

  public Network network() { return net; }

  public float[] params() { return params.clone(); }

  /** Per weighted layer, the indices of the outputs (filters, units) it keeps. */
  public List<int[]> keptOutputs() {
    return kept.stream().map(int[]::clone).toList();
  }

  /**
   * Logits of {@code rows} examples.
   *
   * @param x [rows x input size]; not modified
   * @return [rows x classes]
   */
  public float[] predict(float[] x, int rows) {
    int chunk = Workspace.CHUNK_ROWS;
    Workspace ws = net.newWorkspace(chunk);
    int in = net.inputSize();
    int classes = net.numClasses();
    float[] logits = new float[rows * classes];
    for (int start = 0; start < rows; start += chunk) {
      int n = Math.min(chunk, rows - start);
      float[] part = java.util.Arrays.copyOfRange(x, start * in, (start + n) * in);
      float[] out = net.forward(params, part, n, Mode.EVAL, null, ws);
      System.arraycopy(out, 0, logits, start * classes, n * classes);
    }
    return logits;
  }
}
