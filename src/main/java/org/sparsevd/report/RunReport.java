package org.sparsevd.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;

/**
 * The plots and the HTML report of a run, from its per-epoch history, its summary (the JSON
 * the train job writes) and its model. Every file is written atomically.
 */
public final class RunReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReport() {}

  /**
   * Writes {@code plotsDir/NAME.png} for each plot, then {@code html} with the same plots
   * embedded.
   *
   * @param shape the input's image shape; the kept-input map is drawn only when present
   */
  public static void write(Path html, Path plotsDir, Configuration conf, RunHistory history,
                           String summaryJson, SparseVdModel model, Optional<ImageShape> shape)
      throws IOException {
    JsonNode summary = JSON.readTree(summaryJson);
    List<HtmlReport.Figure> figures = figures(history, model, shape);
    plotsDir.getFileSystem(conf).mkdirs(plotsDir);
    for (HtmlReport.Figure f : figures) {
      HadoopFiles.writeAtomically(new Path(plotsDir, f.name() + ".png"), conf,
          out -> out.write(f.png()));
    }
    HadoopFiles.writeString(html, conf, HtmlReport.render("SparseVD run " + html.getParent()
        .getName(), html.getParent().toString(), summary, figures));
  }

  static List<HtmlReport.Figure> figures(RunHistory history, SparseVdModel model,
                                         Optional<ImageShape> shape) {
    Network net = model.network();
    List<HtmlReport.Figure> figures = new ArrayList<>();
    figures.add(new HtmlReport.Figure("training", "Held-out accuracy and training losses per "
        + "epoch (objective / N = NLL + KL weight x KL / N)",
        Charts.png(Plots.training(history))));
    figures.add(new HtmlReport.Figure("sparsity", "Weights pruned per layer and epoch",
        Charts.png(Plots.sparsity(history))));
    int panels = Plots.variationalLayers(net, model.params());
    if (panels > 0) {
      figures.add(new HtmlReport.Figure("log_alpha", "Distribution of log alpha per layer; "
          + "weights at or above the threshold are pruned",
          Charts.png(Plots.logAlpha(net, model.params()), Charts.WIDTH, 260 * Math.max(2, panels))));
    }
    shape.ifPresent(s -> figures.add(new HtmlReport.Figure("kept_inputs", "Kept weights of "
        + "each input pixel in the first layer (" + s + ")",
        Charts.png(Plots.keptInputs(net, model.params(), s), 720, 600))));
    return figures;
  }
}
