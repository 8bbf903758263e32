package org.sparsevd.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.IntervalXYDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.sparsevd.nn.EvalForm;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.Variational;
import org.sparsevd.nn.VdSettings;

/**
 * The plots of a run: training curves and sparsity per epoch from its {@link RunHistory}, the
 * log alpha histograms and the kept-input map from its parameters. Each method returns a
 * chart; {@link Charts#png} renders it.
 */
public final class Plots {
  /** Histogram bins over the log alpha clip range. */
  static final int LOG_ALPHA_BINS = 80;

  private Plots() {}

  /**
   * Held-out accuracy (when the run had a held-out set) above the training losses: the
   * objective per example, its cross-entropy part and the KL term per example.
   */
  public static JFreeChart training(RunHistory h) {
    requireEpochs(h);
    NumberAxis epochAxis = epochAxis();
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
    plot.setGap(12);
    XYSeries acc = new XYSeries("test accuracy");
    for (RunHistory.Epoch e : h.epochs()) {
      if (!Double.isNaN(e.testAccuracy())) {
        acc.add(e.epoch() + 1, 100 * e.testAccuracy());
      }
    }
    if (acc.getItemCount() > 0) {
      NumberAxis accAxis = new NumberAxis("test accuracy (%)");
      accAxis.setAutoRangeIncludesZero(false);
      plot.add(subplot(new XYSeriesCollection(acc), accAxis, 0), 2);
    }
    XYSeries loss = new XYSeries("objective / N");
    XYSeries nll = new XYSeries("NLL");
    XYSeries kl = new XYSeries("KL / N");
    boolean positive = true;
    for (RunHistory.Epoch e : h.epochs()) {
      loss.add(e.epoch() + 1, e.loss());
      nll.add(e.epoch() + 1, e.nll());
      kl.add(e.epoch() + 1, e.kl());
      positive &= e.loss() > 0 && e.nll() > 0 && e.kl() > 0;
    }
    XYSeriesCollection losses = new XYSeriesCollection();
    losses.addSeries(loss);
    losses.addSeries(nll);
    losses.addSeries(kl);
    // KL/N and the NLL differ by orders of magnitude, and KL/N falls by one or two as weights
    // are pruned: a log axis shows all three.
    ValueAxis lossAxis = positive ? Charts.logAxis("loss per example (log scale)")
        : new NumberAxis("loss per example");
    plot.add(subplot(losses, lossAxis, acc.getItemCount() > 0 ? 1 : 0), 3);
    return Charts.chart("Training curves", plot);
  }

  /** The fraction of weights pruned per epoch, per layer and over all weights. */
  public static JFreeChart sparsity(RunHistory h) {
    requireEpochs(h);
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries all = new XYSeries("all weights");
    for (RunHistory.Epoch e : h.epochs()) {
      all.add(e.epoch() + 1, 100 * e.sparsity());
      for (var l : e.layerSparsity().entrySet()) {
        XYSeries s;
        int i = data.getSeriesIndex(l.getKey());
        if (i < 0) {
          s = new XYSeries(l.getKey());
          data.addSeries(s);
        } else {
          s = data.getSeries(i);
        }
        s.add(e.epoch() + 1, 100 * l.getValue());
      }
    }
    data.addSeries(all);
    NumberAxis y = new NumberAxis("weights pruned (%)");
    y.setRange(0, 100);
    XYPlot plot = subplot(data, y, 0);
    plot.setDomainAxis(epochAxis());
    return Charts.chart("Sparsity per layer", plot);
  }

  /**
   * Histograms of the clipped log alpha of every weight, one panel per variational layer, with
   * the pruning threshold marked: weights at or right of it are pruned.
   */
  public static JFreeChart logAlpha(Network net, float[] params) {
    requireParams(net, params);
    NumberAxis x = new NumberAxis("log alpha (clipped)");
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
    plot.setGap(10);
    int panels = 0;
    for (int l = 0; l < net.layers().size(); l++) {
      float[] la = logAlphas(net, l, params);
      if (la == null) {
        continue;
      }
      Variational vd = (Variational) net.layers().get(l);
      int off = net.offset(l);
      var s = vd.settings();
      x.setRange(s.logAlphaMin() - 0.25, s.logAlphaMax() + 0.25);
      XYBarRenderer bars = new XYBarRenderer();
      bars.setBarPainter(new StandardXYBarPainter());
      bars.setShadowVisible(false);
      bars.setSeriesPaint(0, Charts.PALETTE[panels % Charts.PALETTE.length]);
      // Bars rise from 0.5 so that the log axis can draw a bin of one weight.
      bars.setBase(0.5);
      EvalForm.Linear w = vd.evalForm(params, off).weighted();
      String units = la.length == w.weights().length ? "weights" : "filters";
      LogarithmicAxis counts = Charts.logAxis(units + " (log scale)");
      IntervalXYDataset data = histogram(s, la, String.format(Locale.ROOT,
          "layer %d %s: %,d of %,d weights kept", l, vd.spec(), w.kept(),
          w.weights().length));
      XYPlot p = new XYPlot(data, null, counts, bars);
      Charts.gridColours(p);
      ValueMarker threshold = new ValueMarker(s.threshold(), Color.BLACK,
          new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
              new float[] {6f, 4f}, 0f));
      threshold.setLabel(String.format(Locale.ROOT, "threshold %s: pruned to the right",
          trim(s.threshold())));
      threshold.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      threshold.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      threshold.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      p.addDomainMarker(threshold);
      plot.add(p);
      panels++;
    }
    if (panels == 0) {
      throw new IllegalArgumentException("network '" + net.spec()
          + "' has no variational layer: no log alpha to plot");
    }
    return Charts.chart("log alpha per layer", plot);
  }

  /** The log alphas of layer l, or null when it learns no dropout rates. */
  private static float[] logAlphas(Network net, int l, float[] params) {
    return net.layers().get(l) instanceof Variational v ? v.logAlphas(params, net.offset(l)) : null;
  }

  /** Layers with log alphas to plot. */
  public static int variationalLayers(Network net, float[] params) {
    int n = 0;
    for (int l = 0; l < net.layers().size(); l++) {
      n += logAlphas(net, l, params) == null ? 0 : 1;
    }
    return n;
  }

  /**
   * For each input of the first weighted layer, how many of its weights are kept (non-zero in
   * the weights used at evaluation, where pruned ones are zero), laid out as an image of
   * {@code shape} (a pixel's channels summed); the inputs a trained model ignores show as empty
   * cells.
   */
  public static JFreeChart keptInputs(Network net, float[] params, ImageShape shape) {
    requireParams(net, params);
    if (shape.inputs() != net.inputSize()) {
      throw new IllegalArgumentException("image shape " + shape + " has " + shape.inputs()
          + " values, the network " + net.inputSize() + " inputs");
    }
    int[] kept = net.keptPerInput(params);
    int c = shape.channels();
    int[] perPixel = new int[shape.pixels()];
    for (int i = 0; i < kept.length; i++) {
      perPixel[i / c] += kept[i];
    }
    return HeatMap.chart("Kept weights per input pixel", perPixel, shape);
  }

  private static XYPlot subplot(XYSeriesCollection data, ValueAxis y, int firstColour) {
    XYPlot p = new XYPlot(data, null, y, Charts.lines(data.getSeriesCount(), firstColour));
    Charts.gridColours(p);
    return p;
  }

  /**
   * Counts of the layer's clipped log alphas in {@value #LOG_ALPHA_BINS} bins over the clip
   * range; empty bins are left out (a log axis cannot draw a bar of 0).
   */
  private static IntervalXYDataset histogram(VdSettings s, float[] logAlphas, String key) {
    double lo = s.logAlphaMin();
    double width = (s.logAlphaMax() - lo) / LOG_ALPHA_BINS;
    int[] bins = new int[LOG_ALPHA_BINS];
    for (float la : logAlphas) {
      int b = (int) ((la - lo) / width);
      bins[Math.min(LOG_ALPHA_BINS - 1, Math.max(0, b))]++;
    }
    XYIntervalSeries series = new XYIntervalSeries(key);
    for (int b = 0; b < LOG_ALPHA_BINS; b++) {
      if (bins[b] > 0) {
        double from = lo + b * width;
        series.add(from + width / 2, from, from + width, bins[b], 0.5, bins[b]);
      }
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(series);
    return data;
  }

  private static NumberAxis epochAxis() {
    NumberAxis x = new NumberAxis("epoch");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setAutoRangeIncludesZero(false);
    return x;
  }

  private static void requireEpochs(RunHistory h) {
    if (h.epochs().isEmpty()) {
      throw new IllegalArgumentException("the run has no epochs to plot");
    }
  }

  private static void requireParams(Network net, float[] params) {
    if (params.length != net.paramCount()) {
      throw new IllegalArgumentException("network '" + net.spec() + "' has "
          + net.paramCount() + " parameters, got " + params.length);
    }
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

}
