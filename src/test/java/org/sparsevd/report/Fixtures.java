package org.sparsevd.report;

import java.util.Map;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;

/**
 * A small model whose pruning is known by construction, and a metrics file of three epochs.
 * The first layer takes 2x2 "images": theta = 1 everywhere, so log alpha = log sigma^2 (up to
 * 1e-8), set to -5 (kept) or 5 (pruned, threshold 3).
 */
final class Fixtures {
  static final ImageShape SHAPE = new ImageShape(2, 2);
  /** Kept weights of each input pixel of the first layer (6 outputs). */
  static final int[] KEPT_PER_PIXEL = {0, 2, 6, 3};

  private Fixtures() {}

  static SparseVdModel model() {
    NetworkDef def = new NetworkDef("vd(6) | relu | vd(3)", 4, VdSettings.DEFAULTS);
    Network net = def.build();
    float[] p = net.initParams(7);
    int n = 4 * 6;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 6; j++) {
        int k = i * 6 + j;
        p[k] = 1f;
        p[n + k] = j < KEPT_PER_PIXEL[i] ? -5f : 5f;
      }
    }
    return new SparseVdModel(def, 3, p, Scaling.none(), Map.of());
  }

  static String metricsLines() {
    StringBuilder b = new StringBuilder();
    double[] acc = {0.5, Double.NaN, 0.9};
    for (int e = 0; e < 3; e++) {
      b.append("{\"epoch\":").append(e).append(",\"step\":").append(10 * (e + 1))
          .append(",\"loss\":").append(1.0 / (e + 1) + 0.5).append(",\"nll\":")
          .append(1.0 / (e + 1)).append(",\"kl\":").append(5.0 / (e + 1))
          .append(",\"kl_weight\":0.1,\"lr\":0.001");
      if (!Double.isNaN(acc[e])) {
        b.append(",\"test_accuracy\":").append(acc[e]).append(",\"test_nll\":0.3");
      }
      b.append(",\"sparsity\":").append(0.2 * e).append(",\"compression\":1.5")
          .append(",\"layers\":[{\"layer\":0,\"spec\":\"vd(6)\",\"weights\":24,\"kept\":11,")
          .append("\"sparsity\":").append(0.25 * e).append("},{\"layer\":2,\"spec\":\"vd(3)\",")
          .append("\"weights\":18,\"kept\":18,\"sparsity\":").append(0.1 * e).append("}]")
          .append(",\"epoch_seconds\":1.0,\"examples_per_second\":100.0}\n");
    }
    return b.toString();
  }

  static String summaryJson() {
    return """
        {"epochs": 3, "steps": 30, "seconds_this_run": 4.5, "epochs_this_run": 3,
         "train_examples": 1000, "cached_bytes_per_example": 20, "partitions": 2,
         "test_accuracy": 0.9, "test_error": 0.1, "test_nll": 0.3,
         "sparsity": 0.5, "compression": 2.0, "kept_weights": 29, "weights": 42,
         "layers": [{"layer": 0, "spec": "vd(6)", "weights": 24, "kept": 11, "sparsity": 0.54},
                    {"layer": 2, "spec": "vd(3)<script>console.error('spec ran')</script>",
                     "weights": 18, "kept": 18, "sparsity": 0.0}],
         "config": {"layers": "vd(6) | relu | vd(3)", "note": "<b>&'quoted'</b>",
                    "data.train": "<script>console.error('config ran')</script>",
                    "<img src=x onerror=console.error('key ran')>": "1"}}
        """;
  }
}
