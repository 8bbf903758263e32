package org.sparsevd.sparse;

import java.util.ArrayList;
import java.util.List;
import org.sparsevd.nn.BatchNorm;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.StructuredBayesianPruning;
import org.sparsevd.nn.VariationalDense;

/**
 * Quantisation after pruning, as in Bayesian compression (Louizos, Ullrich, Welling 2017):
 * the kept weights of each weighted layer (those of {@link PrunedNetwork}, per-neuron pruning
 * included) are clustered by k-means into at most 2^b values and each replaced by its
 * cluster's centre. b is fixed, or for variational layers chosen from the posterior: the
 * number of levels of spacing sigma that span the layer's kept weights,
 * b = ceil(log2((max w - min w) / mean sigma)), sigma = sqrt(alpha) |theta| the posterior
 * standard deviation, within [1, {@value #MAX_BITS}]; values closer than the posterior's own
 * spread are not told apart.
 *
 * <p>The result is the network's parameter array with the quantised weights written in (a
 * variational layer becomes the point estimate of {@link VariationalDense#setWeights}), so the
 * quantised model predicts, saves and exports like any other.
 *
 * <p>Storage, in bits (biases excluded, as in the compression of the paper): dense 32 per
 * weight; quantised, per layer, b per kept weight, 32 per codebook entry, and the CSR index
 * over outputs: ceil(log2 inputs) per kept weight for its input index and ceil(log2(kept + 1))
 * per row pointer (outputs + 1 of them).
 */
public final class Quantization {
  public static final int MAX_BITS = 8;

  /** How many bits each layer gets: a fixed number, or from the posterior where there is one. */
  public record Bits(int fixed, boolean posterior) {
    public Bits {
      if (fixed < 1 || fixed > MAX_BITS) {
        throw new IllegalArgumentException("quantisation bits " + fixed + " outside [1, "
            + MAX_BITS + "]");
      }
    }

    /**
     * {@code B} (every layer B bits) or {@code posterior(B)} (variational layers from their
     * posterior, the others B bits).
     */
    public static Bits parse(String text) {
      String t = text.trim();
      try {
        if (t.startsWith("posterior(") && t.endsWith(")")) {
          return new Bits(Integer.parseInt(t.substring(10, t.length() - 1).trim()), true);
        }
        return new Bits(Integer.parseInt(t), false);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("quantisation bits '" + text
            + "': expected B or posterior(B), B in [1, " + MAX_BITS + "]", e);
      }
    }
  }

  /** One layer's quantisation: its bits, codebook and sizes. */
  public record LayerCode(int layer, String spec, int bits, float[] codebook, int inputs,
                          int outputs, long kept) {
    /** Bits of the codes, the codebook and the CSR index of this layer. */
    public long storageBits() {
      return kept * bits + 32L * codebook.length + kept * ceilLog2(inputs)
          + (outputs + 1L) * ceilLog2(kept + 1);
    }

    public long weights() {
      return (long) inputs * outputs;
    }
  }

  /** The quantised parameters and what each layer became. */
  public record Result(float[] params, List<LayerCode> layers) {
    /** Mean bits of a kept weight's code. */
    public double bitsPerWeight() {
      long kept = 0;
      long bits = 0;
      for (LayerCode c : layers) {
        kept += c.kept();
        bits += c.kept() * c.bits();
      }
      return kept == 0 ? 0 : (double) bits / kept;
    }

    /** 32 bits per weight of the dense network / bits of the quantised sparse one. */
    public double compression() {
      long dense = 0;
      long stored = 0;
      for (LayerCode c : layers) {
        dense += 32 * c.weights();
        stored += c.storageBits();
      }
      return (double) dense / stored;
    }
  }

  private Quantization() {}

  /**
   * @throws IllegalArgumentException for a network with batch normalisation, whose scale is
   *     folded into the weights that quantisation would write back to the layer before it
   */
  public static Result quantize(Network net, float[] params, Bits bits, long seed) {
    for (Layer layer : net.layers()) {
      // Their evaluation forms fold into the weights, which quantisation writes back unfolded.
      if (layer instanceof BatchNorm || layer instanceof StructuredBayesianPruning) {
        throw new IllegalArgumentException("network '" + net.spec() + "': quantisation does not "
            + "support " + (layer instanceof BatchNorm ? "batch normalisation (bn)"
            : "structured Bayesian pruning (sbp)"));
      }
    }
    float[] out = params.clone();
    List<LayerCode> codes = new ArrayList<>();
    for (PrunedNetwork.Step s : PrunedNetwork.of(net, params).steps()) {
      if (s.isActivation()) {
        continue;
      }
      Layer layer = net.layers().get(s.layer());
      int off = net.offset(s.layer());
      float[] w = s.weights();
      float[] kept = nonZeros(w);
      float[] sd = bits.posterior() ? layer.posteriorStd(params, off) : null;
      int b = sd != null ? posteriorBits(w, sd) : bits.fixed();
      float[] codebook = KMeans1d.centres(kept, 1 << b, seed + s.layer());
      double[] centres = new double[codebook.length];
      for (int j = 0; j < centres.length; j++) {
        centres[j] = codebook[j];
      }
      float[] q = new float[w.length];
      for (int k = 0; k < w.length; k++) {
        q[k] = w[k] == 0f ? 0f : codebook[KMeans1d.nearest(centres, w[k])];
      }
      layer.setWeights(out, off, q);
      codes.add(new LayerCode(s.layer(), layer.spec(), b, codebook, s.in(), s.out(),
          kept.length));
    }
    return new Result(out, codes);
  }

  /** ceil(log2(range / mean posterior std)) of the kept weights, within [1, MAX_BITS]. */
  static int posteriorBits(float[] w, float[] sd) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    int n = 0;
    for (int k = 0; k < w.length; k++) {
      if (w[k] != 0f) {
        min = Math.min(min, w[k]);
        max = Math.max(max, w[k]);
        sum += sd[k];
        n++;
      }
    }
    if (n < 2 || !(sum > 0)) {
      return 1;
    }
    double levels = (max - min) / (sum / n);
    return (int) Math.max(1, Math.min(MAX_BITS, Math.ceil(Math.log(levels) / Math.log(2))));
  }

  private static float[] nonZeros(float[] w) {
    int n = 0;
    for (float v : w) {
      n += v != 0f ? 1 : 0;
    }
    float[] kept = new float[n];
    int i = 0;
    for (float v : w) {
      if (v != 0f) {
        kept[i++] = v;
      }
    }
    return kept;
  }

  static int ceilLog2(long n) {
    return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
  }
}
