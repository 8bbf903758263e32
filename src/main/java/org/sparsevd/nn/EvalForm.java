package org.sparsevd.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * What a layer computes at evaluation ({@link Mode#EVAL}), in the few kinds of deterministic
 * step that pruning, quantisation, sparse inference and the exporters understand. A layer
 * gives its form through {@link Layer#evalForm}; the arrays are new, so callers may modify
 * them. Pruned weights are 0 in the weights of a form.
 */
public sealed interface EvalForm {
  int inputSize();

  int outputSize();

  /** The form's weights as a linear map (a convolution's filter bank); null when it has none. */
  default Linear weighted() {
    return null;
  }

  /**
   * y = x W + b.
   *
   * @param weights [in x out] row-major, {@code weights[i * out + j]} from input i to output j
   * @param bias [out]
   */
  record Linear(int in, int out, float[] weights, float[] bias) implements EvalForm {
    public Linear {
      if (weights.length != in * out || bias.length != out) {
        throw new IllegalArgumentException("linear form " + in + " -> " + out + " with "
            + weights.length + " weights and " + bias.length + " biases");
      }
    }

    @Override public int inputSize() { return in; }
    @Override public int outputSize() { return out; }
    @Override public Linear weighted() { return this; }

    /** Non-zero weights. */
    public long kept() {
      long n = 0;
      for (float v : weights) {
        n += v != 0f ? 1 : 0;
      }
      return n;
    }

    /** Outputs with a non-zero weight into them. */
    public int outputsKept() {
      int n = 0;
      for (int j = 0; j < out; j++) {
        for (int i = 0; i < in; i++) {
          if (weights[i * out + j] != 0f) {
            n++;
            break;
          }
        }
      }
      return n;
    }

    /** For each input, its non-zero weights (the row's). */
    public int[] keptPerInput() {
      int[] kept = new int[in];
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < out; j++) {
          kept[i] += weights[i * out + j] != 0f ? 1 : 0;
        }
      }
      return kept;
    }

    /** Zeroes the rows of the inputs not kept; true if a non-zero changed. */
    public boolean zeroInputs(boolean[] kept) {
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

    /** Zeroes the columns and biases of the outputs not kept; true if a non-zero changed. */
    public boolean zeroOutputs(boolean[] kept) {
      boolean changed = false;
      for (int j = 0; j < out; j++) {
        if (!kept[j]) {
          changed |= bias[j] != 0f;
          bias[j] = 0f;
          for (int i = 0; i < in; i++) {
            changed |= weights[i * out + j] != 0f;
            weights[i * out + j] = 0f;
          }
        }
      }
      return changed;
    }
  }

  /**
   * A convolution: the filter bank applied to every k x k patch of a channels-last map, patch
   * entries ordered (ky, kx, ch), zero padding {@code pad}.
   *
   * @param bank [k * k * c x filters] weights and [filters] biases
   */
  record Conv(Linear bank, FeatureShape in, FeatureShape out, int kernel, int stride, int pad)
      implements EvalForm {
    @Override public int inputSize() { return in.size(); }
    @Override public int outputSize() { return out.size(); }
    @Override public Linear weighted() { return bank; }

    /**
     * For each input value (y, x, ch), how many kept weights read it over all output
     * positions: 0 means the pruned convolution never reads it.
     */
    public int[] keptPerInput() {
      int[] keptAt = bank.keptPerInput();
      int c = in.channels();
      int[] kept = new int[in.size()];
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          for (int ky = 0; ky < kernel; ky++) {
            int iy = oy * stride - pad + ky;
            for (int kx = 0; kx < kernel; kx++) {
              int ix = ox * stride - pad + kx;
              if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) {
                continue;
              }
              for (int ch = 0; ch < c; ch++) {
                kept[(iy * in.width() + ix) * c + ch] += keptAt[(ky * kernel + kx) * c + ch];
              }
            }
          }
        }
      }
      return kept;
    }
  }

  /** Max over non-overlapping size x size windows of a channels-last map. */
  record Pool(FeatureShape in, FeatureShape out, int size) implements EvalForm {
    @Override public int inputSize() { return in.size(); }
    @Override public int outputSize() { return out.size(); }
  }

  /** y = max(0, x) on {@code size} values. */
  record Relu(int size) implements EvalForm {
    @Override public int inputSize() { return size; }
    @Override public int outputSize() { return size; }
  }

  /** y = log(1 + e^x) on {@code size} values ({@link org.sparsevd.nn.Softplus#of}). */
  record Softplus(int size) implements EvalForm {
    @Override public int inputSize() { return size; }
    @Override public int outputSize() { return size; }
  }

  /** y_i = x_i for a kept neuron, 0 for a pruned one. */
  record NeuronMask(boolean[] kept) implements EvalForm {
    @Override public int inputSize() { return kept.length; }
    @Override public int outputSize() { return kept.length; }
  }

  /**
   * y = x scale[c] + shift[c] for each value of channel c of a channels-last map (batch
   * normalisation at evaluation); {@link #of} folds it into the linear form before it.
   */
  record ChannelAffine(int size, float[] scale, float[] shift) implements EvalForm {
    public ChannelAffine {
      if (scale.length != shift.length || size % scale.length != 0) {
        throw new IllegalArgumentException("channel affine form over " + size + " values with "
            + scale.length + " scales and " + shift.length + " shifts");
      }
    }

    @Override public int inputSize() { return size; }
    @Override public int outputSize() { return size; }
  }

  /** y = x on {@code size} values (dropout at evaluation, a reshape). */
  record Identity(int size) implements EvalForm {
    @Override public int inputSize() { return size; }
    @Override public int outputSize() { return size; }
  }

  /**
   * Folds each neuron mask into the linear forms next to it, through element-wise forms only:
   * the rows of the following one (required for the mask's effect), and the columns and biases
   * of the preceding one (a zero column and bias give 0, which stays 0 up to the mask, so the
   * two agree; its weights feed a neuron nothing reads). A mask folded into either becomes the
   * identity; a mask with no linear form on either side (next to a convolution) stays.
   *
   * @param forms modified: the linear forms next to masks, and the folded masks
   */
  static void foldNeuronMasks(List<EvalForm> forms) {
    for (int l = 0; l < forms.size(); l++) {
      if (!(forms.get(l) instanceof NeuronMask mask)) {
        continue;
      }
      Linear next = linearNext(forms, l, 1);
      Linear previous = linearNext(forms, l, -1);
      if (next != null) {
        next.zeroInputs(mask.kept());
      }
      if (previous != null) {
        previous.zeroOutputs(mask.kept());
      }
      if (next != null || previous != null) {
        forms.set(l, new Identity(mask.kept().length));
      }
    }
  }

  /** The linear form reached from {@code l} in direction {@code dir} through element-wise forms. */
  private static Linear linearNext(List<EvalForm> forms, int l, int dir) {
    for (int k = l + dir; k >= 0 && k < forms.size(); k += dir) {
      EvalForm f = forms.get(k);
      if (f instanceof Linear linear) {
        return linear;
      }
      if (!(f instanceof Identity || f instanceof Relu || f instanceof NeuronMask)) {
        return null;
      }
    }
    return null;
  }

  /**
   * Folds each channel affine form into the linear form right before it, which the spec
   * requires (a batch normalisation follows a convolution or dense layer): output j's column
   * and bias are scaled by its channel's scale and the bias shifted, w' = w s, b' = b s + t. A
   * pruned weight stays 0. The folded form becomes the identity.
   *
   * @param forms modified
   */
  static void foldChannelAffines(List<EvalForm> forms) {
    for (int l = 1; l < forms.size(); l++) {
      if (!(forms.get(l) instanceof ChannelAffine affine)) {
        continue;
      }
      Linear w = forms.get(l - 1).weighted();
      if (w == null || w.out() != affine.scale().length) {
        throw new IllegalStateException("form " + l + ": a channel affine form of "
            + affine.scale().length + " channels must follow a linear form with as many outputs");
      }
      for (int j = 0; j < w.out(); j++) {
        float s = affine.scale()[j];
        for (int i = 0; i < w.in(); i++) {
          w.weights()[i * w.out() + j] *= s;
        }
        w.bias()[j] = w.bias()[j] * s + affine.shift()[j];
      }
      forms.set(l, new Identity(affine.size()));
    }
  }

  /**
   * The forms of a network's layers at the given parameters, batch normalisations and neuron
   * masks folded.
   */
  static List<EvalForm> of(Network net, float[] params) {
    List<EvalForm> forms = new ArrayList<>();
    for (int l = 0; l < net.layers().size(); l++) {
      forms.add(net.layers().get(l).evalForm(params, net.offset(l)));
    }
    foldChannelAffines(forms);
    foldNeuronMasks(forms);
    return forms;
  }
}
