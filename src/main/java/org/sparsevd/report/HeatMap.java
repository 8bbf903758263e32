package org.sparsevd.report;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A grid of counts drawn as an image: row 0 at the top, white for 0, dark blue for the largest
 * count present (a pruned layer keeps a few weights per input out of hundreds: a scale up to
 * the possible maximum would show nothing).
 */
final class HeatMap {
  private HeatMap() {}

  /** @param counts row-major, {@code shape.pixels()} values >= 0 */
  static JFreeChart chart(String title, int[] counts, ImageShape shape) {
    int w = shape.width();
    int max = java.util.Arrays.stream(counts).max().orElse(0);
    double[][] xyz = new double[3][counts.length];
    for (int i = 0; i < counts.length; i++) {
      xyz[0][i] = i % w;
      xyz[1][i] = i / w;
      xyz[2][i] = counts[i];
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("kept weights", xyz);
    PaintScale scale = new Ramp(max);
    XYBlockRenderer r = new XYBlockRenderer();
    r.setPaintScale(scale);
    NumberAxis x = new NumberAxis("column");
    x.setRange(-0.5, w - 0.5);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = new NumberAxis("row");
    y.setRange(-0.5, shape.height() - 0.5);
    y.setInverted(true);
    y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    JFreeChart chart = Charts.chart(title, plot);
    chart.removeLegend();
    NumberAxis legendAxis = new NumberAxis("kept weights of the input");
    legendAxis.setRange(0, Math.max(1, max));
    legendAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 12, 40, 4);
    legend.setStripWidth(14);
    chart.addSubtitle(legend);
    return chart;
  }

  /** Linear from white (0) to dark blue ({@code max}). */
  private record Ramp(int max) implements PaintScale {
    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return Math.max(1, max);
    }

    @Override
    public Paint getPaint(double value) {
      double t = Math.min(1, Math.max(0, value / getUpperBound()));
      return new Color((int) Math.round(255 - t * (255 - 8)), (int) Math.round(255 - t * (255 - 48)),
          (int) Math.round(255 - t * (255 - 107)));
    }
  }
}
