package org.sparsevd.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A comparison of methods: one row per method, one value per metric (NaN where a method has
 * no value), e.g. test error and compression of several training recipes. {@link #barChart}
 * draws one panel per metric, each with its own scale, methods side by side.
 */
public record MethodTable(List<String> metrics, List<Row> rows) {
  /** One method's values, in the order of the table's metrics. */
  public record Row(String method, double[] values) {
    public Row {
      values = values.clone();
    }

    /** A copy: the row stays as constructed. */
    @Override
    public double[] values() {
      return values.clone();
    }
  }

  public MethodTable {
    metrics = List.copyOf(metrics);
    rows = List.copyOf(rows);
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("a method table needs at least one metric");
    }
    if (new HashSet<>(metrics).size() != metrics.size()) {
      throw new IllegalArgumentException("metric names repeat: " + metrics);
    }
    Set<String> seen = new HashSet<>();
    for (Row r : rows) {
      if (r.method() == null || r.method().isBlank()) {
        throw new IllegalArgumentException("a method table row has no method name");
      }
      if (!seen.add(r.method())) {
        throw new IllegalArgumentException("method '" + r.method() + "' appears twice");
      }
      if (r.values().length != metrics.size()) {
        throw new IllegalArgumentException("method '" + r.method() + "' has "
            + r.values().length + " values for the " + metrics.size() + " metrics " + metrics);
      }
      for (int m = 0; m < metrics.size(); m++) {
        if (Double.isInfinite(r.values()[m])) {
          throw new IllegalArgumentException("method '" + r.method() + "', metric '"
              + metrics.get(m) + "': value is infinite");
        }
      }
    }
  }

  /** An empty table with these metrics; add rows with {@link #with}. */
  public static MethodTable of(String... metrics) {
    return new MethodTable(List.of(metrics), List.of());
  }

  /** This table with one more row. */
  public MethodTable with(String method, double... values) {
    List<Row> more = new ArrayList<>(rows);
    more.add(new Row(method, values));
    return new MethodTable(metrics, more);
  }

  /** The value of a method for a metric; NaN when missing. */
  public double value(String method, String metric) {
    int m = metrics.indexOf(metric);
    if (m < 0) {
      throw new IllegalArgumentException("no metric '" + metric + "' in " + metrics);
    }
    for (Row r : rows) {
      if (r.method().equals(method)) {
        return r.values()[m];
      }
    }
    throw new IllegalArgumentException("no method '" + method + "' in the table");
  }

  /** Bars of every method, one panel per metric, values printed on the bars. */
  public JFreeChart barChart(String title) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the method table is empty: nothing to plot");
    }
    CategoryAxis methods = new CategoryAxis("method");
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(methods);
    plot.setGap(12);
    for (int m = 0; m < metrics.size(); m++) {
      DefaultCategoryDataset data = new DefaultCategoryDataset();
      for (Row r : rows) {
        // Every panel lists every method (a missing value as null): the panels share one
        // category axis, and a panel with fewer columns would place its bars off it.
        double v = r.values()[m];
        data.addValue(Double.isNaN(v) ? null : Double.valueOf(v), metrics.get(m), r.method());
      }
      BarRenderer bars = new BarRenderer();
      bars.setBarPainter(new StandardBarPainter());
      bars.setShadowVisible(false);
      bars.setSeriesPaint(0, Charts.PALETTE[m % Charts.PALETTE.length]);
      bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator());
      bars.setDefaultItemLabelsVisible(true);
      bars.setMaximumBarWidth(0.12);
      NumberAxis y = new NumberAxis(metrics.get(m));
      y.setUpperMargin(0.15);
      CategoryPlot p = new CategoryPlot(data, null, y, bars);
      p.setBackgroundPaint(java.awt.Color.WHITE);
      p.setRangeGridlinePaint(new java.awt.Color(0xdddddd));
      plot.add(p);
    }
    return Charts.chart(title, plot);
  }
}
