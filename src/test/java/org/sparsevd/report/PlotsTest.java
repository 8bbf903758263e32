package org.sparsevd.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.Test;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;

class PlotsTest {
  private final RunHistory history = RunHistory.parse(Fixtures.metricsLines(), "metrics.jsonl");
  private final SparseVdModel model = Fixtures.model();

  @Test
  void historyReadsEveryEpochAndNamesBadLines() {
    assertEquals(3, history.epochs().size());
    RunHistory.Epoch e = history.epochs().get(2);
    assertEquals(0.9, e.testAccuracy());
    assertTrue(Double.isNaN(history.epochs().get(1).testAccuracy()));
    assertEquals(List.of("layer 0 vd(6)", "layer 2 vd(3)"), List.copyOf(e.layerSparsity().keySet()));
    assertEquals(0.5, e.layerSparsity().get("layer 0 vd(6)"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> RunHistory.parse(Fixtures.metricsLines().replace("\"nll\":0.5", "\"nll\":\"x\""),
            "m.jsonl"));
    assertEquals("m.jsonl line 2: field 'nll' is not a number: \"x\"", bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class,
        () -> RunHistory.parse("\n{\"epoch\": 0,", "m.jsonl"));
    assertTrue(bad.getMessage().startsWith("m.jsonl line 2: not valid JSON"), bad.getMessage());
  }

  @Test
  void trainingCurvesShowEvaluatedEpochsAndTheThreeLosses() {
    CombinedDomainXYPlot plot = (CombinedDomainXYPlot) Plots.training(history).getPlot();
    List<XYPlot> panels = plot.getSubplots();
    assertEquals(2, panels.size());
    XYDataset acc = panels.get(0).getDataset();
    assertEquals(2, acc.getItemCount(0), "only epochs 1 and 3 were evaluated");
    assertEquals(3.0, acc.getXValue(0, 1));
    assertEquals(90.0, acc.getYValue(0, 1), 1e-9);
    XYDataset losses = panels.get(1).getDataset();
    assertEquals(3, losses.getSeriesCount());
    assertEquals(1.0 / 3 + 0.5, losses.getYValue(0, 2), 1e-12);
    assertEquals(5.0 / 3, losses.getYValue(2, 2), 1e-12);
    assertInstanceOf(LogarithmicAxis.class, panels.get(1).getRangeAxis());
  }

  @Test
  void sparsityHasOneLinePerLayerAndTheTotal() {
    XYDataset d = ((XYPlot) Plots.sparsity(history).getPlot()).getDataset();
    assertEquals(3, d.getSeriesCount());
    assertEquals("all weights", d.getSeriesKey(2));
    assertEquals(50.0, d.getYValue(0, 2), 1e-9);
    assertEquals(40.0, d.getYValue(2, 2), 1e-9);
  }

  @Test
  void logAlphaHistogramsCountEveryWeightAndMarkTheThreshold() {
    Network net = model.network();
    CombinedDomainXYPlot plot = (CombinedDomainXYPlot) Plots.logAlpha(net, model.params())
        .getPlot();
    List<XYPlot> panels = plot.getSubplots();
    assertEquals(2, panels.size());
    XYDataset first = panels.get(0).getDataset();
    assertEquals("layer 0 vd(6): 11 of 24 weights kept", first.getSeriesKey(0));
    assertEquals(2, first.getItemCount(0), "weights sit at -5 and 5 only");
    assertEquals(11, first.getYValue(0, 0));
    assertEquals(13, first.getYValue(0, 1));
    assertTrue(first.getXValue(0, 0) < -4.5 && first.getXValue(0, 0) > -5.5);
    int total = 0;
    XYDataset second = panels.get(1).getDataset();
    for (int i = 0; i < second.getItemCount(0); i++) {
      total += (int) second.getYValue(0, i);
    }
    assertEquals(18, total);
    ValueMarker m = (ValueMarker) panels.get(1).getDomainMarkers(
        org.jfree.chart.ui.Layer.FOREGROUND).iterator().next();
    assertEquals(3.0, m.getValue());
  }

  @Test
  void keptInputMapCountsKeptWeightsPerPixel() {
    Network net = model.network();
    XYPlot plot = (XYPlot) Plots.keptInputs(net, model.params(), Fixtures.SHAPE).getPlot();
    XYZDataset d = (XYZDataset) plot.getDataset();
    int[] kept = new int[4];
    for (int i = 0; i < d.getItemCount(0); i++) {
      kept[(int) d.getYValue(0, i) * 2 + (int) d.getXValue(0, i)] = (int) d.getZValue(0, i);
    }
    assertArrayEquals(Fixtures.KEPT_PER_PIXEL, kept);
    // The same 4 inputs as one row of 2 pixels of 2 channels each: channels last, summed.
    XYZDataset two = (XYZDataset) ((XYPlot) Plots.keptInputs(net, model.params(),
        new ImageShape(1, 2, 2)).getPlot()).getDataset();
    int[] k = Fixtures.KEPT_PER_PIXEL;
    assertEquals(2, two.getItemCount(0));
    assertEquals(k[0] + k[1], (int) two.getZValue(0, 0));
    assertEquals(k[2] + k[3], (int) two.getZValue(0, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Plots.keptInputs(net, model.params(), new ImageShape(3, 3)));
    assertEquals("image shape 3x3 has 9 values, the network 4 inputs", e.getMessage());
  }

  @Test
  void rendersDecodablePngsWithContent() throws Exception {
    for (JFreeChart c : List.of(Plots.training(history), Plots.sparsity(history),
        Plots.logAlpha(model.network(), model.params()),
        Plots.keptInputs(model.network(), model.params(), Fixtures.SHAPE))) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Charts.png(c, 400, 300)));
      assertEquals(400, img.getWidth());
      assertEquals(300, img.getHeight());
      assertTrue(colours(img) > 20, c.getTitle().getText() + " looks empty");
    }
  }

  @Test
  void imageShapeDefaultsToMnistAndChecksTheInputs() {
    assertEquals(ImageShape.MNIST, ImageShape.of("", 784, "k").orElseThrow());
    assertTrue(ImageShape.of(" ", 100, "k").isEmpty());
    assertEquals(new ImageShape(10, 10), ImageShape.of("10x10", 100, "k").orElseThrow());
    assertEquals(new ImageShape(4, 5, 3), ImageShape.of("4x5x3", 60, "k").orElseThrow());
    assertEquals("k = '10x9' has 90 values, the data 100 features",
        assertThrows(IllegalArgumentException.class, () -> ImageShape.of("10x9", 100, "k"))
            .getMessage());
    assertEquals("k = '10x10x3' has 300 values, the data 100 features",
        assertThrows(IllegalArgumentException.class, () -> ImageShape.of("10x10x3", 100, "k"))
            .getMessage());
    assertEquals("k = 'ten': expected HEIGHTxWIDTH or HEIGHTxWIDTHxCHANNELS, e.g. 28x28 or 32x32x3",
        assertThrows(IllegalArgumentException.class, () -> ImageShape.of("ten", 100, "k"))
            .getMessage());
  }

  static int colours(BufferedImage img) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        seen.add(img.getRGB(x, y));
      }
    }
    return seen.size();
  }
}
