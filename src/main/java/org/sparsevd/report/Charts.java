package org.sparsevd.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;

/** The look shared by every plot of the project, and rendering to PNG. */
public final class Charts {
  /** Default size of a rendered plot, in pixels. */
  public static final int WIDTH = 900;
  public static final int HEIGHT = 560;
  /** Series colours, in the order of matplotlib's "tab10" (familiar from Python plots). */
  static final Color[] PALETTE = {
      new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
      new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};

  private Charts() {}

  /** The chart as a PNG of the default size. */
  public static byte[] png(JFreeChart chart) {
    return png(chart, WIDTH, HEIGHT);
  }

  public static byte[] png(JFreeChart chart, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("plot size " + width + "x" + height + " must be > 0");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A chart with a bold title and a white background. No chart theme is applied: a theme
   * replaces the series colours set on the renderers.
   */
  static JFreeChart chart(String title, Plot plot) {
    JFreeChart c = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
    c.setBackgroundPaint(Color.WHITE);
    return c;
  }

  /**
   * A log axis labelled with plain numbers (0.1, 1, 10), for values > 0 spanning decades.
   */
  static LogarithmicAxis logAxis(String label) {
    LogarithmicAxis a = new LogarithmicAxis(label);
    a.setStrictValuesFlag(false);
    a.setAutoRangeNextLogFlag(true);
    return a;
  }

  /**
   * A line renderer with dots at the data points, series coloured from the palette starting at
   * {@code firstColour} (panels of one chart do not reuse each other's colours).
   */
  static XYLineAndShapeRenderer lines(int series, int firstColour) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int s = 0; s < series; s++) {
      r.setSeriesPaint(s, PALETTE[(s + firstColour) % PALETTE.length]);
      r.setSeriesStroke(s, new BasicStroke(2f));
      r.setSeriesShape(s, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
    }
    return r;
  }

  /** White plot area, light grey grid lines. */
  static void gridColours(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
  }
}
