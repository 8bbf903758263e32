package org.sparsevd.nn;

import java.util.List;
import org.sparsevd.math.ReferenceNormal;

/**
 * A direct double-precision transcription of the model's formulas, used as the oracle of the
 * gradient checks: it shares no code with the engine except the noise, which it draws from
 * the same coordinates.
 */
final class ReferenceNet {
  private final Network net;

  ReferenceNet(Network net) {
    this.net = net;
  }

  /**
   * sum w CE + klWeight * (KL + sum KL(x)) over the batch, in double, in TRAIN mode; null
   * weights are 1.
   */
  double loss(double[] p, float[] x, int[] labels, float[] weights, long[] ids, int rows,
              long seed, long step, double klWeight) {
    Noise noise = new Noise(seed, step, ids);
    List<Layer> layers = net.layers();
    double[] a = new double[rows * net.inputSize()];
    for (int k = 0; k < a.length; k++) {
      a[k] = x[k];
    }
    double kl = 0;
    double perExample = 0;
    for (int l = 0; l < layers.size(); l++) {
      Layer layer = layers.get(l);
      int in = layer.inputSize();
      int out = layer.outputSize();
      int off = net.offset(l);
      float[] eps = new float[rows * out];
      double[] y = new double[rows * out];
      if (layer instanceof VariationalDense vd) {
        noise.fill(l, rows, out, eps);
        VdSettings s = vd.settings();
        int n = in * out;
        double[] mean = new double[n];
        double[] var = new double[n];
        for (int k = 0; k < n; k++) {
          double theta = p[off + k];
          double u = p[off + n + k];
          double raw = s.parameterization() == Parameterization.LOG_SIGMA2
              ? u - Math.log(theta * theta + 1e-8) : u;
          double la = Math.max(s.logAlphaMin(), Math.min(s.logAlphaMax(), raw));
          boolean pruned = la >= s.threshold();
          mean[k] = s.trainClip() && pruned ? 0 : theta;
          var[k] = Math.exp(la) * theta * theta;
          kl += SparseVdKl.kl(la);
        }
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < out; j++) {
            double mu = p[off + 2 * n + j];
            double v = 0;
            for (int i = 0; i < in; i++) {
              double xi = a[r * in + i];
              mu += xi * mean[i * out + j];
              v += xi * xi * var[i * out + j];
            }
            y[r * out + j] = mu + Math.sqrt(v + 1e-8) * eps[r * out + j];
          }
        }
      } else if (layer instanceof Dense) {
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < out; j++) {
            double mu = p[off + in * out + j];
            for (int i = 0; i < in; i++) {
              mu += a[r * in + i] * p[off + i * out + j];
            }
            y[r * out + j] = mu;
          }
        }
      } else if (layer instanceof Relu) {
        for (int k = 0; k < y.length; k++) {
          y[k] = Math.max(0, a[k]);
        }
      } else if (layer instanceof Softplus) {
        for (int k = 0; k < y.length; k++) {
          y[k] = Math.log1p(Math.exp(a[k]));
        }
      } else if (layer instanceof GaussianDropout g) {
        noise.fill(l, rows, out, eps);
        for (int k = 0; k < y.length; k++) {
          y[k] = a[k] * (1 + Math.sqrt(g.alpha()) * eps[k]);
        }
      } else if (layer instanceof Conv2d conv) {
        kl += ReferenceConv.forward(conv, p, off, a, y, rows, noise, l);
      } else if (layer instanceof MaxPool2d pool) {
        ReferenceConv.maxPool(pool, a, y, rows);
      } else if (layer instanceof NeuronVd nvd) {
        noise.fill(l, rows, out, eps);
        VdSettings s = nvd.settings();
        for (int i = 0; i < out; i++) {
          double la = Math.max(s.logAlphaMin(), Math.min(s.logAlphaMax(), p[off + i]));
          double m = s.trainClip() && la >= s.threshold() ? 0 : 1;
          for (int r = 0; r < rows; r++) {
            int k = r * out + i;
            y[k] = a[k] * (m + Math.exp(la / 2) * eps[k]);
          }
          kl += nvd.klCount() * SparseVdKl.kl(la);
        }
      } else if (layer instanceof BernoulliDropout drop) {
        noise.fillUniform(l, rows, out, eps);
        for (int k = 0; k < y.length; k++) {
          y[k] = eps[k] < drop.rate() ? 0 : a[k] / (1 - (double) drop.rate());
        }
      } else if (layer instanceof ConcreteDense) {
        kl += concreteDense(p, off, a, y, in, out, rows, noise, l);
      } else if (layer instanceof UnitInformationDropout idrop) {
        noise.fill(l, rows, out, eps);
        for (int i = 0; i < out; i++) {
          double alpha = UnitInformationDropout.ALPHA_MAX / (1 + Math.exp(-p[off + i]));
          for (int r = 0; r < rows; r++) {
            int k = r * out + i;
            y[k] = a[k] * Math.exp(alpha * eps[k] - alpha * alpha / 2);
          }
          perExample += idrop.beta() * rows
              * -Math.log(alpha / UnitInformationDropout.ALPHA_MAX);
        }
      } else if (layer instanceof InformationDense idense) {
        noise.fill(l, rows, out, eps);
        int wa = off + in * out + out;
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < out; j++) {
            double h = p[off + in * out + j];
            double g = p[wa + in * out + j];
            for (int i = 0; i < in; i++) {
              h += a[r * in + i] * p[off + i * out + j];
              g += a[r * in + i] * p[wa + i * out + j];
            }
            int k = r * out + j;
            perExample += information(idense, p, off, h, g, eps[k], y, k);
          }
        }
      } else if (layer instanceof BatchNorm bn) {
        batchNorm(bn, p, off, a, y, rows);
      } else if (layer instanceof StructuredBayesianPruning sbp) {
        kl += structuredPruning(sbp, p, off, a, y, rows, noise, l);
      } else if (layer instanceof RandomCrop crop) {
        int d = crop.probability() < 1 ? 3 : 2;
        noise.fillUniform(l, rows, d, eps);
        FeatureShape f = crop.outputShape();
        int pad = crop.pad();
        for (int r = 0; r < rows; r++) {
          boolean shift = d == 2 || eps[d * r + 2] < crop.probability();
          int sy = shift ? (int) Math.floor(eps[d * r] * (2 * pad + 1)) - pad : 0;
          int sx = shift ? (int) Math.floor(eps[d * r + 1] * (2 * pad + 1)) - pad : 0;
          for (int i = 0; i < f.height(); i++) {
            for (int j = 0; j < f.width(); j++) {
              for (int c = 0; c < f.channels(); c++) {
                boolean inside = i + sy >= 0 && i + sy < f.height() && j + sx >= 0
                    && j + sx < f.width();
                y[r * out + (i * f.width() + j) * f.channels() + c] = inside
                    ? a[r * in + ((i + sy) * f.width() + j + sx) * f.channels() + c] : 0;
              }
            }
          }
        }
      } else if (layer instanceof RandomFlip flip) {
        noise.fillUniform(l, rows, 1, eps);
        FeatureShape f = flip.outputShape();
        for (int r = 0; r < rows; r++) {
          for (int i = 0; i < f.height(); i++) {
            for (int j = 0; j < f.width(); j++) {
              int from = eps[r] < 0.5 ? f.width() - 1 - j : j;
              for (int c = 0; c < f.channels(); c++) {
                y[r * out + (i * f.width() + j) * f.channels() + c] =
                    a[r * in + (i * f.width() + from) * f.channels() + c];
              }
            }
          }
        }
      } else if (layer instanceof Flatten || layer instanceof ImageInput) {
        System.arraycopy(a, 0, y, 0, y.length);
      } else {
        throw new IllegalStateException("no reference for " + layer.spec());
      }
      a = y;
    }
    int c = net.numClasses();
    double ce = 0;
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        max = Math.max(max, a[r * c + j]);
      }
      double sum = 0;
      for (int j = 0; j < c; j++) {
        sum += Math.exp(a[r * c + j] - max);
      }
      ce += (weights == null ? 1 : weights[r]) * (max + Math.log(sum) - a[r * c + labels[r]]);
    }
    return ce + klWeight * (perExample + kl);
  }

  /** Batch normalisation in training: each channel by its mean and biased variance here. */
  private static void batchNorm(BatchNorm bn, double[] p, int off, double[] a, double[] y,
                                int rows) {
    int c = bn.shape().channels();
    int n = rows * bn.shape().height() * bn.shape().width();
    for (int j = 0; j < c; j++) {
      double mean = 0;
      for (int k = 0; k < n; k++) {
        mean += a[k * c + j] / n;
      }
      double var = 0;
      for (int k = 0; k < n; k++) {
        var += (a[k * c + j] - mean) * (a[k * c + j] - mean) / n;
      }
      for (int k = 0; k < n; k++) {
        y[k * c + j] = p[off + j] * (a[k * c + j] - mean) / Math.sqrt(var + BatchNorm.EPS)
            + p[off + c + j];
      }
    }
  }

  /**
   * Structured Bayesian pruning's TRAIN output into y (each channel times theta, log theta the
   * truncated normal's quantile at the example's uniform, by {@link ReferenceNormal}) and its
   * KL, log(B - A) minus the truncated normal's entropy.
   */
  private static double structuredPruning(StructuredBayesianPruning sbp, double[] p, int off,
                                          double[] a, double[] y, int rows, Noise noise,
                                          int stream) {
    double lo = StructuredBayesianPruning.A;
    double hi = StructuredBayesianPruning.B;
    int c = sbp.channels();
    int positions = sbp.inputSize() / c;
    float[] u = new float[rows * c];
    noise.fillUniform(stream, rows, c, u);
    double kl = 0;
    for (int j = 0; j < c; j++) {
      double sigma = Math.exp(Math.max(StructuredBayesianPruning.LOG_SIGMA_MIN,
          Math.min(StructuredBayesianPruning.LOG_SIGMA_MAX, p[off + c + j])));
      double mu = Math.max(lo, Math.min(Math.min(StructuredBayesianPruning.MU_MAX,
          hi + StructuredBayesianPruning.MU_ABOVE_B_SIGMAS * sigma), p[off + j]));
      double alpha = (lo - mu) / sigma;
      double beta = (hi - mu) / sigma;
      double pa = ReferenceNormal.cdf(alpha);
      double pb = ReferenceNormal.cdf(beta);
      double z = pb - pa;
      for (int r = 0; r < rows; r++) {
        double t = ReferenceNormal.inverseCdf((1 - u[r * c + j]) * pa + u[r * c + j] * pb);
        double theta = Math.exp(Math.max(lo, Math.min(hi, mu + sigma * t)));
        for (int q = 0; q < positions; q++) {
          int k = (r * positions + q) * c + j;
          y[k] = a[k] * theta;
        }
      }
      double entropy = Math.log(sigma * z * Math.sqrt(2 * Math.PI * Math.E))
          + (alpha * ReferenceNormal.pdf(alpha) - beta * ReferenceNormal.pdf(beta)) / (2 * z);
      kl += sbp.klCount() * (Math.log(hi - lo) - entropy);
    }
    return kl;
  }

  /**
   * Concrete dropout's TRAIN output into y (the relaxed mask at temperature 0.1 on the inputs,
   * then x W + b) and its regulariser.
   */
  private static double concreteDense(double[] p, int off, double[] a, double[] y, int in,
                                      int out, int rows, Noise noise, int stream) {
    float[] u = new float[rows * in];
    noise.fillUniform(stream, rows, in, u);
    double logit = p[off + in * out + out];
    double rate = 1 / (1 + Math.exp(-logit));
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < out; j++) {
        double v = p[off + in * out + j];
        for (int i = 0; i < in; i++) {
          double ui = u[r * in + i];
          double z = 1 / (1 + Math.exp(-(logit + Math.log(ui) - Math.log(1 - ui))
              / ConcreteDense.TEMPERATURE));
          v += a[r * in + i] * (1 - z) / (1 - rate) * p[off + i * out + j];
        }
        y[r * out + j] = v;
      }
    }
    return concreteRegulariser(p, off, in, out);
  }

  /** The paper's regulariser times N, with l = 1e-4 and tau = 1. */
  static double concreteRegulariser(double[] p, int off, int in, int out) {
    double rate = 1 / (1 + Math.exp(-p[off + in * out + out]));
    double w2 = 0;
    for (int k = 0; k < in * out; k++) {
      w2 += p[off + k] * p[off + k];
    }
    double l2 = ConcreteDense.LENGTH_SCALE * ConcreteDense.LENGTH_SCALE;
    return l2 / ConcreteDense.TAU * w2 / (1 - rate)
        + 2.0 / ConcreteDense.TAU * in * (rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
  }
  /**
   * Information dropout's output y[k] for one unit (or filter at one position) with
   * pre-activation h, noise map g and draw eps; returns its beta-weighted KL.
   *
   * @param off the layer's (or convolution core's) parameter offset
   */
  static double information(InformationDense layer, double[] p, int off, double h, double g,
                            double eps, double[] y, int k) {
    double alpha = InformationDense.ALPHA_MIN + InformationDense.ALPHA_MAX / (1 + Math.exp(-g));
    double factor = Math.exp(alpha * eps - alpha * alpha / 2);
    if (layer.prior() == InformationDense.Prior.LOG_UNIFORM) {
      y[k] = h * factor;
      return layer.beta()
          * -Math.log(alpha / (InformationDense.ALPHA_MIN + InformationDense.ALPHA_MAX));
    }
    // The pre-activation whose softplus is softplus(h) times the factor, and the KL of
    // N(log max(softplus(h), 1e-4) - alpha^2 / 2, alpha^2) from N(mu, sigma^2).
    double f = Math.log1p(Math.exp(h));
    y[k] = Math.log(Math.expm1(f * factor));
    double mu = p[off + layer.priorOffset()];
    double sigma = Math.exp(p[off + layer.priorOffset() + 1]);
    double m = Math.log(Math.max(f, 1e-4)) - alpha * alpha / 2;
    return layer.beta() * (Math.log(sigma / alpha)
        + (alpha * alpha + (m - mu) * (m - mu)) / (2 * sigma * sigma) - 0.5);
  }

}
