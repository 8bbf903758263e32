package org.sparsevd.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.sparsevd.eval.Metrics;
import org.sparsevd.report.MethodTable;
import org.sparsevd.report.Progress;
import org.sparsevd.sparse.Quantization;

/**
 * The comparison's outputs: {@code comparison.json} (every number of every method), the
 * markdown table of {@code comparison.md} and the bar chart's {@link MethodTable}.
 */
final class ComparisonReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ComparisonReport() {}

  static String json(List<MethodRun.Result> results, CompareConfig cc, int epochs,
                     int testRows) throws java.io.IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("epochs", epochs);
    root.put("test_rows", testRows);
    root.put("mc_samples", cc.mcSamples());
    root.put("quant_bits", cc.quantBits().posterior()
        ? "posterior(" + cc.quantBits().fixed() + ")" : String.valueOf(cc.quantBits().fixed()));
    ArrayNode methods = root.putArray("methods");
    for (MethodRun.Result r : results) {
      ObjectNode o = methods.addObject();
      o.put("method", r.name());
      o.put("layers", r.layers());
      o.put("prediction", r.stochastic() ? "monte_carlo" : "deterministic");
      o.put("training_seconds", r.seconds());
      metrics(o.putObject("deterministic"), r.deterministic());
      metrics(o.putObject("predictive"), r.predictive());
      o.put("auroc_rotated_90", r.aurocRotated());
      o.put("auroc_uniform_noise", r.aurocNoise());
      o.put("weights", r.weights());
      o.put("kept_weights", r.kept());
      o.put("sparsity", r.sparsity());
      o.put("compression", r.compression());
      ArrayNode n = o.putArray("neurons_kept");
      for (int k : r.neurons()) {
        n.add(k);
      }
      o.put("flops_dense", r.denseFlops());
      o.put("flops_shrunk", r.shrunkFlops());
      ObjectNode q = o.putObject("quantized");
      q.put("bits_per_weight", r.quantized().bitsPerWeight());
      q.put("compression", r.quantized().compression());
      q.put("test_error", r.quantizedError());
      q.put("error_change", r.quantizedError() - r.deterministic().error());
      ArrayNode layers = q.putArray("layers");
      for (Quantization.LayerCode c : r.quantized().layers()) {
        ObjectNode l = layers.addObject();
        l.put("layer", c.layer());
        l.put("spec", c.spec());
        l.put("bits", c.bits());
        l.put("codebook_size", c.codebook().length);
        l.put("kept", c.kept());
        l.put("storage_bits", c.storageBits());
      }
      ArrayNode rates = o.putArray("concrete_drop_rates");
      r.dropRates().forEach(rates::add);
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  private static void metrics(ObjectNode o, Metrics m) {
    o.put("test_error", m.error());
    o.put("nll", m.nll());
    o.put("ece", m.ece());
    o.put("brier", m.brier());
  }

  static String markdown(List<MethodRun.Result> results) {
    StringBuilder s = new StringBuilder();
    s.append("| method | test error (det.) | test error | NLL | ECE | Brier | sparsity "
        + "| compression | quantised: bits/weight, compression, error change | neurons kept "
        + "| MFLOPs shrunk / dense | training | AUROC rotated 90 | AUROC noise |\n");
    s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (MethodRun.Result r : results) {
      Metrics p = r.predictive();
      s.append(String.format(Locale.ROOT, "| %s%s | %.2f%% | %.2f%% | %.4f | %.4f | %.4f "
              + "| %.2f%% | %.1fx | %.2f, %.1fx, %+.2f%% | %s | %.3f / %.3f | %s | %.3f | %.3f |%n",
          r.name(), r.stochastic() ? " (MC)" : "", 100 * r.deterministic().error(),
          100 * p.error(), p.nll(), p.ece(), p.brier(), 100 * r.sparsity(), r.compression(),
          r.quantized().bitsPerWeight(), r.quantized().compression(),
          100 * (r.quantizedError() - r.deterministic().error()),
          IntStream.of(r.neurons()).mapToObj(String::valueOf).collect(Collectors.joining("-")),
          r.shrunkFlops() / 1e6, r.denseFlops() / 1e6, Progress.duration(r.seconds()),
          r.aurocRotated(), r.aurocNoise()));
    }
    for (MethodRun.Result r : results) {
      if (!r.dropRates().isEmpty()) {
        s.append(String.format(Locale.ROOT, "%nLearned Concrete drop rates of %s, per layer: %s%n",
            r.name(), r.dropRates().stream().map(v -> String.format(Locale.ROOT, "%.3f", v))
                .collect(Collectors.joining(", "))));
      }
    }
    return s.toString();
  }

  /** The numbers the bar chart shows; an infinite compression (nothing kept) as missing. */
  static MethodTable table(List<MethodRun.Result> results) {
    MethodTable t = MethodTable.of("test error %", "NLL", "ECE", "compression",
        "quantised compression", "AUROC rotated 90", "AUROC noise");
    for (MethodRun.Result r : results) {
      t = t.with(r.name(), 100 * r.predictive().error(), r.predictive().nll(),
          r.predictive().ece(), finite(r.compression()), finite(r.quantized().compression()),
          r.aurocRotated(), r.aurocNoise());
    }
    return t;
  }

  private static double finite(double v) {
    return Double.isInfinite(v) ? Double.NaN : v;
  }
}
