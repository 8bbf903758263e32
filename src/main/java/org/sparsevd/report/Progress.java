package org.sparsevd.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.sparsevd.nn.Sparsity;
import org.sparsevd.train.EpochReport;

/** The console line and the metrics.jsonl record of an epoch. */
public final class Progress {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Progress() {}

  /** One line per epoch, with an estimate of the time left. */
  public static String line(EpochReport r, int epochs, double secondsSoFar, int epochsThisRun) {
    double eta = epochsThisRun == 0 ? 0 : secondsSoFar / epochsThisRun * (epochs - r.epoch() - 1);
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "epoch %d/%d  loss %.4f  nll %.4f  kl/N %.4f (w %.2f)  lr %.2e", r.epoch() + 1, epochs,
        r.loss(), r.nll(), r.kl(), r.klWeight(), r.lr()));
    if (r.evaluation() != null) {
      s.append(String.format(Locale.ROOT, "  test acc %.2f%% nll %.4f",
          100 * r.evaluation().accuracy(), r.evaluation().nll()));
    }
    s.append(String.format(Locale.ROOT, "  sparsity %.2f%% (x%.1f)  %.1fs  %.0f ex/s  ETA %s",
        100 * r.sparsity().sparsity(), r.sparsity().compression(), r.seconds(),
        r.examplesPerSecond(), duration(eta)));
    return s.toString();
  }

  public static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  /** The metrics.jsonl record: one JSON object on one line. */
  public static String json(EpochReport r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("epoch", r.epoch());
    o.put("step", r.step());
    o.put("loss", r.loss());
    o.put("nll", r.nll());
    o.put("kl", r.kl());
    o.put("kl_weight", r.klWeight());
    o.put("lr", r.lr());
    if (r.evaluation() != null) {
      o.put("test_accuracy", r.evaluation().accuracy());
      o.put("test_nll", r.evaluation().nll());
    }
    o.put("sparsity", r.sparsity().sparsity());
    o.put("compression", r.sparsity().compression());
    o.set("layers", layers(r.sparsity()));
    o.put("epoch_seconds", r.seconds());
    o.put("examples_per_second", r.examplesPerSecond());
    return o.toString();
  }

  public static ArrayNode layers(Sparsity s) {
    ArrayNode a = JSON.createArrayNode();
    for (Sparsity.LayerCount c : s.layers()) {
      a.addObject().put("layer", c.layer()).put("spec", c.spec()).put("weights", c.weights())
          .put("kept", c.kept()).put("sparsity", c.sparsity()).put("outputs", c.outputs())
          .put("outputs_kept", c.outputsKept());
    }
    return a;
  }
}
