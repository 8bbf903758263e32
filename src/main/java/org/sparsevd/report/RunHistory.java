package org.sparsevd.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.io.HadoopFiles;

/**
 * The per-epoch records of a run, as the train job writes them to {@code metrics.jsonl}: one
 * JSON object per line with at least epoch, loss, nll, kl, sparsity and layers (each with
 * layer, spec and sparsity); test_accuracy only in epochs that were evaluated.
 */
public record RunHistory(List<Epoch> epochs) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_BYTES = 64L << 20;

  /**
   * One epoch. Losses are per training example, {@code testAccuracy} is NaN when the epoch was
   * not evaluated, {@code layerSparsity} maps a layer's label (e.g. "layer 0 vd(300)") to the
   * fraction of its weights pruned.
   */
  public record Epoch(int epoch, double loss, double nll, double kl, double testAccuracy,
                      double sparsity, Map<String, Double> layerSparsity) {}

  public RunHistory {
    epochs = List.copyOf(epochs);
  }

  /** Reads {@code metrics.jsonl} from any Hadoop path. */
  public static RunHistory read(Path metrics, Configuration conf) throws IOException {
    return parse(HadoopFiles.readString(metrics, conf, MAX_BYTES), metrics.toString());
  }

  /** The history of an in-memory training (a fitted Estimator's), as its metrics file reads. */
  public static RunHistory of(List<org.sparsevd.train.EpochReport> reports) {
    return parse(reports.stream().map(Progress::json)
        .collect(java.util.stream.Collectors.joining("\n")), "the training history");
  }

  /**
   * Parses the lines of a metrics file; blank lines are skipped.
   *
   * @param source named in error messages
   */
  public static RunHistory parse(String jsonLines, String source) {
    List<Epoch> epochs = new ArrayList<>();
    String[] lines = jsonLines.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        epochs.add(epoch(lines[i], source + " line " + (i + 1)));
      }
    }
    return new RunHistory(epochs);
  }

  private static Epoch epoch(String line, String where) {
    JsonNode o;
    try {
      o = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": not valid JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException(where + ": expected a JSON object");
    }
    Map<String, Double> layers = new LinkedHashMap<>();
    JsonNode list = o.get("layers");
    if (list == null || !list.isArray()) {
      throw new IllegalArgumentException(where + ": missing array 'layers'");
    }
    for (JsonNode l : list) {
      layers.put("layer " + (int) number(l, "layer", where) + " " + l.path("spec").asText(),
          number(l, "sparsity", where));
    }
    JsonNode acc = o.get("test_accuracy");
    return new Epoch((int) number(o, "epoch", where), number(o, "loss", where),
        number(o, "nll", where), number(o, "kl", where),
        acc == null ? Double.NaN : number(o, "test_accuracy", where),
        number(o, "sparsity", where), layers);
  }

  private static double number(JsonNode o, String field, String where) {
    JsonNode v = o.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(where + ": field '" + field + "' "
          + (v == null ? "is missing" : "is not a number: " + v));
    }
    return v.asDouble();
  }
}
