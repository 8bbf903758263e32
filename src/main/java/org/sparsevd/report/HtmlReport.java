package org.sparsevd.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML page of a run: results and per-layer counts from its summary, the plots embedded as
 * {@code data:} URIs, and the configuration. One file with no scripts and no external
 * references, so it opens anywhere, also when copied off the cluster alone.
 */
final class HtmlReport {
  private static final String STYLE = """
      body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 960px;
             color: #222; }
      h1 { font-size: 1.6em; margin-bottom: 0.2em; }
      .where { color: #666; font-family: monospace; margin-top: 0; }
      table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
      th, td { border-bottom: 1px solid #ddd; padding: 0.3em 1em 0.3em 0; text-align: left; }
      td.n { text-align: right; font-variant-numeric: tabular-nums; }
      figure { margin: 1em 0 2em; }
      figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption { color: #555; font-size: 0.9em; }
      code { font-size: 0.95em; }
      """;

  /** A plot: a caption and the PNG bytes. */
  record Figure(String name, String caption, byte[] png) {}

  private HtmlReport() {}

  static String render(String title, String where, JsonNode summary, List<Figure> figures) {
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(STYLE)
        .append("</style>\n</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n")
        .append("<p class=\"where\">").append(esc(where)).append("</p>\n");
    results(b, summary);
    layers(b, summary.path("layers"));
    b.append("<h2>Plots</h2>\n");
    for (Figure f : figures) {
      b.append("<figure id=\"").append(esc(f.name())).append("\">\n<img alt=\"")
          .append(esc(f.caption())).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(f.png())).append("\">\n<figcaption>")
          .append(esc(f.caption())).append("</figcaption>\n</figure>\n");
    }
    b.append("<h2>Configuration</h2>\n<table>\n<tr><th>key</th><th>value</th></tr>\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = summary.path("config").fields();
         it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      b.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td><code>")
          .append(esc(e.getValue().asText())).append("</code></td></tr>\n");
    }
    return b.append("</table>\n</body>\n</html>\n").toString();
  }

  private static void results(StringBuilder b, JsonNode s) {
    b.append("<h2>Results</h2>\n<table>\n");
    if (s.has("test_accuracy")) {
      row(b, "test accuracy", pct(s.path("test_accuracy").asDouble()));
      row(b, "test error", pct(s.path("test_error").asDouble()));
      row(b, "test NLL", fmt("%.4f", s.path("test_nll").asDouble()));
    } else {
      row(b, "held-out evaluation", "none (no held-out set)");
    }
    row(b, "weights pruned", pct(s.path("sparsity").asDouble()));
    row(b, "compression (all / kept weights)", fmt("%.1fx", s.path("compression").asDouble()));
    row(b, "kept weights", fmt("%,d of %,d", s.path("kept_weights").asLong(),
        s.path("weights").asLong()));
    row(b, "epochs (steps)", fmt("%d (%,d)", s.path("epochs").asInt(), s.path("steps").asLong()));
    row(b, "training time of this run", fmt("%.1f s for %d epochs",
        s.path("seconds_this_run").asDouble(), s.path("epochs_this_run").asInt()));
    row(b, "training examples", fmt("%,d in %d partitions", s.path("train_examples").asLong(),
        s.path("partitions").asInt()));
    b.append("</table>\n");
  }

  private static void layers(StringBuilder b, JsonNode layers) {
    b.append("<h2>Layers</h2>\n<table>\n<tr><th>layer</th><th>spec</th><th>weights</th>")
        .append("<th>kept</th><th>pruned</th><th>outputs kept</th></tr>\n");
    for (JsonNode l : layers) {
      b.append("<tr><td class=\"n\">").append(l.path("layer").asInt()).append("</td><td><code>")
          .append(esc(l.path("spec").asText())).append("</code></td><td class=\"n\">")
          .append(fmt("%,d", l.path("weights").asLong())).append("</td><td class=\"n\">")
          .append(fmt("%,d", l.path("kept").asLong())).append("</td><td class=\"n\">")
          .append(pct(l.path("sparsity").asDouble())).append("</td><td class=\"n\">")
          .append(fmt("%,d", l.path("outputs_kept").asLong())).append(" of ")
          .append(fmt("%,d", l.path("outputs").asLong())).append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<tr><th>").append(esc(name)).append("</th><td class=\"n\">").append(esc(value))
        .append("</td></tr>\n");
  }

  private static String pct(double v) {
    return fmt("%.2f%%", 100 * v);
  }

  private static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
