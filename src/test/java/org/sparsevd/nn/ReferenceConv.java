package org.sparsevd.nn;

/**
 * Direct double-precision convolutions and pooling for {@link ReferenceNet}: sums over the
 * window written out, no patches, no matrix products.
 */
final class ReferenceConv {
  private ReferenceConv() {}

  /** Writes the layer's TRAIN-mode output into y and returns its KL. */
  static double forward(Conv2d conv, double[] p, int off, double[] a, double[] y, int rows,
                        Noise noise, int stream) {
    FeatureShape in = conv.inputShape();
    FeatureShape out = conv.outputShape();
    VdSettings s = conv.settings();
    int f = conv.filters();
    int n = conv.patchSize() * f;
    double kl = 0;
    // Per weight: mean and variance weights; per filter: theta and one log alpha per filter.
    double[] mean = new double[n];
    double[] var = new double[n];
    // iconv: the noise map's weights, after W and its bias.
    double[] noiseMap = new double[n];
    InformationDense info = conv.information();
    for (int k = 0; info != null && k < n; k++) {
      noiseMap[k] = p[off + n + f + k];
    }
    double[] filterLogAlpha = new double[f];
    for (int k = 0; k < n; k++) {
      double theta = p[off + k];
      mean[k] = theta;
      if (conv.kind() == Conv2d.Kind.PER_WEIGHT) {
        double u = p[off + n + k];
        double raw = s.parameterization() == Parameterization.LOG_SIGMA2
            ? u - Math.log(theta * theta + 1e-8) : u;
        double la = clip(raw, s);
        boolean pruned = s.trainClip() && la >= s.threshold();
        mean[k] = pruned ? 0 : theta;
        var[k] = pruned && conv.clipsVariance() ? 0 : Math.exp(la) * theta * theta;
        kl += SparseVdKl.kl(la);
      }
    }
    if (conv.kind() == Conv2d.Kind.PER_FILTER) {
      for (int j = 0; j < f; j++) {
        filterLogAlpha[j] = clip(p[off + n + j], s);
        kl += (conv.klPerWeight() ? conv.patchSize() : 1) * SparseVdKl.kl(filterLogAlpha[j]);
        if (s.trainClip() && filterLogAlpha[j] >= s.threshold()) {
          for (int i = 0; i < conv.patchSize(); i++) {
            mean[i * f + j] = 0;
          }
        }
      }
    }
    int bias = off + switch (conv.kind()) {
      case PLAIN, INFORMATION -> n;
      case PER_WEIGHT -> 2 * n;
      case PER_FILTER -> n + f;
    };
    int positions = out.height() * out.width();
    float[] eps = new float[rows * (conv.kind() == Conv2d.Kind.PER_FILTER ? f : positions * f)];
    if (conv.kind() == Conv2d.Kind.PER_WEIGHT || info != null) {
      noise.fill(stream, rows, positions * f, eps);
    } else if (conv.kind() == Conv2d.Kind.PER_FILTER) {
      noise.fill(stream, rows, f, eps);
    }
    int k = conv.kernel();
    int c = in.channels();
    for (int r = 0; r < rows; r++) {
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          for (int j = 0; j < f; j++) {
            double mu = 0;
            double v = 0;
            double g = 0;
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = oy * conv.stride() - conv.pad() + ky;
                int ix = ox * conv.stride() - conv.pad() + kx;
                if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) {
                  continue;
                }
                for (int ch = 0; ch < c; ch++) {
                  double xi = a[((r * in.height() + iy) * in.width() + ix) * c + ch];
                  int w = ((ky * k + kx) * c + ch) * f + j;
                  mu += xi * mean[w];
                  v += xi * xi * var[w];
                  g += xi * noiseMap[w];
                }
              }
            }
            int o = ((r * out.height() + oy) * out.width() + ox) * f + j;
            int pos = oy * out.width() + ox;
            y[o] = switch (conv.kind()) {
              case PLAIN -> mu + p[bias + j];
              case PER_WEIGHT -> mu + p[bias + j]
                  + Math.sqrt(v + 1e-8) * eps[(r * positions + pos) * f + j];
              case PER_FILTER -> mu * (1 + Math.exp(0.5 * filterLogAlpha[j]) * eps[r * f + j])
                  + p[bias + j];
              case INFORMATION -> 0;
            };
            if (info != null) {
              kl += ReferenceNet.information(info, p, off, mu + p[bias + j],
                  g + p[off + 2 * n + f + j], eps[(r * positions + pos) * f + j], y, o);
            }
          }
        }
      }
    }
    return kl;
  }

  static void maxPool(MaxPool2d pool, double[] a, double[] y, int rows) {
    FeatureShape in = pool.inputShape();
    FeatureShape out = pool.outputShape();
    int s = pool.size();
    int c = in.channels();
    for (int r = 0; r < rows; r++) {
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          for (int ch = 0; ch < c; ch++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int ky = 0; ky < s; ky++) {
              for (int kx = 0; kx < s; kx++) {
                best = Math.max(best, a[((r * in.height() + oy * s + ky) * in.width()
                    + ox * s + kx) * c + ch]);
              }
            }
            y[((r * out.height() + oy) * out.width() + ox) * c + ch] = best;
          }
        }
      }
    }
  }

  private static double clip(double la, VdSettings s) {
    return Math.max(s.logAlphaMin(), Math.min(s.logAlphaMax(), la));
  }
}
