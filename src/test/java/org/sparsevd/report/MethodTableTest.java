package org.sparsevd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.data.category.CategoryDataset;
import org.junit.jupiter.api.Test;

class MethodTableTest {
  private final MethodTable table = MethodTable.of("test error (%)", "compression (x)")
      .with("sparse VD", 1.8, 94)
      .with("dense", 1.6, 1)
      .with("pruning", 2.0, Double.NaN);

  @Test
  void oneBarPanelPerMetricWithEveryMethod() {
    JFreeChart chart = table.barChart("LeNet-300-100");
    CombinedDomainCategoryPlot plot = (CombinedDomainCategoryPlot) chart.getPlot();
    assertEquals(2, plot.getSubplots().size());
    CategoryPlot errorPanel = (CategoryPlot) plot.getSubplots().get(0);
    CategoryPlot compressionPanel = (CategoryPlot) plot.getSubplots().get(1);
    CategoryDataset error = errorPanel.getDataset();
    for (int c = 0; c < 3; c++) {
      assertEquals(List.of("sparse VD", "dense", "pruning").get(c), error.getColumnKey(c));
    }
    assertEquals(2.0, error.getValue("test error (%)", "pruning").doubleValue());
    CategoryDataset compression = compressionPanel.getDataset();
    assertEquals(94.0, compression.getValue("compression (x)", "sparse VD").doubleValue());
    assertEquals(3, compression.getColumnCount(), "a missing value keeps its column");
    assertNull(compression.getValue("compression (x)", "pruning"));
    assertEquals("compression (x)", compressionPanel.getRangeAxis().getLabel());
  }

  @Test
  void barsAreDrawnInEachMetricsColour() throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(
        Charts.png(table.barChart("t"), 600, 500)));
    for (int m = 0; m < 2; m++) {
      int rgb = Charts.PALETTE[m].getRGB();
      long pixels = 0;
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          pixels += img.getRGB(x, y) == rgb ? 1 : 0;
        }
      }
      assertTrue(pixels > 500, "metric " + m + ": " + pixels + " pixels of "
          + new Color(rgb));
    }
  }

  @Test
  void valuesAndErrors() {
    assertEquals(1.6, table.value("dense", "test error (%)"));
    assertTrue(Double.isNaN(table.value("pruning", "compression (x)")));
    assertEquals("method 'x' has 1 values for the 2 metrics [test error (%), compression (x)]",
        assertThrows(IllegalArgumentException.class, () -> table.with("x", 1.0)).getMessage());
    assertEquals("method 'dense' appears twice",
        assertThrows(IllegalArgumentException.class, () -> table.with("dense", 1, 2))
            .getMessage());
    assertEquals("method 'y', metric 'compression (x)': value is infinite",
        assertThrows(IllegalArgumentException.class,
            () -> table.with("y", 1, Double.POSITIVE_INFINITY)).getMessage());
    assertEquals("the method table is empty: nothing to plot",
        assertThrows(IllegalArgumentException.class,
            () -> MethodTable.of("a").barChart("t")).getMessage());
  }
}
