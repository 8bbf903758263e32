package org.sparsevd.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.storage.StorageLevel;
import org.sparsevd.data.ImageSize;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.spark.Aggregation;

/**
 * Checks a train config whole before Spark starts, so that a typo fails in a second instead of
 * after the session has started and the data is read. Every message names the key as the user
 * writes it ({@code lr}, not "learning rate") and the value given. What only the data can
 * decide (the feature count of a file, the rows) is checked when the data is read.
 */
final class ConfigCheck {
  /** The keys that name files or folders: each must have a scheme Hadoop can open. */
  private static final List<String> PATH_KEYS =
      List.of("data.dir", "data.train", "data.test", "output", "init_model");

  private ConfigCheck() {}

  /**
   * @throws IllegalArgumentException naming the first key whose value the job cannot use
   */
  static void train(JobConfig c, Configuration hadoop) {
    String pipeline = oneOf(c, "pipeline", "none", "tabular");
    String format = oneOf(c, "data.format", "mnist", "libsvm", "csv", "parquet",
        "images");
    String shuffle = oneOf(c, "shuffle", "global", "blocks");
    if (pipeline.equals("tabular") && !shuffle.equals("global")) {
      throw new IllegalArgumentException("shuffle = " + c.get("shuffle")
          + ": the tabular pipeline trains with shuffle = global");
    }
    if (!format.equals("mnist") || pipeline.equals("tabular")) {
      c.require("data.train");
    }
    check(c, "data.scaling", () -> Scaling.Mode.parse(c.get("data.scaling")));
    if (!c.get("data.image_shape").isBlank()) {
      check(c, "data.image_shape", () -> ImageSize.parse(c.get("data.image_shape")));
    }
    check(c, "storage_level",
        () -> StorageLevel.fromString(c.get("storage_level").toUpperCase(Locale.ROOT)));
    check(c, "aggregation", () -> Aggregation.parse(c.get("aggregation"), 1));
    atLeast(c, "partitions", 0);
    atLeast(c, "block_streams", 1);
    atLeast(c, "batch_size", 1);
    atLeast(c, "epochs", 1);
    atLeast(c, "eval_every", 1);
    atLeast(c, "data.num_features", 0);
    atLeast(c, "data.num_classes", 2);
    atLeast(c, "data.train_limit", 0);
    atLeast(c, "checkpoint_every", 0);
    atLeast(c, "checkpoint_every_steps", 0);
    atLeast(c, "checkpoint_keep", 1);
    if (!(c.getDouble("lr") > 0) || Double.isInfinite(c.getDouble("lr"))) {
      throw new IllegalArgumentException("lr = " + c.get("lr") + ": must be a number > 0");
    }
    c.getBoolean("data.skip_invalid");
    c.getLong("seed");
    c.trainConfig();
    VdSettings vd = c.vdSettings();
    int inputs = format.equals("mnist") && pipeline.equals("none")
        ? MnistIdx.PIXELS : c.getInt("data.num_features");
    check(c, "layers", () -> NetworkSpec.parse(c.get("layers"),
        inputs > 0 ? inputs : impliedInputs(c.get("layers")), vd));
    for (String key : PATH_KEYS) {
      path(c, key, hadoop);
    }
    c.require("output");
  }

  /**
   * The input size a layer list implies by itself: that of a leading image(H, W, C), else 1
   * (dense layers take any width).
   */
  private static int impliedInputs(String layers) {
    String first = layers.split("\\|")[0].trim().toLowerCase(Locale.ROOT).replace(" ", "");
    if (!first.startsWith("image(") || !first.endsWith(")")) {
      return 1;
    }
    int size = 1;
    for (String d : first.substring(6, first.length() - 1).split(",")) {
      try {
        size = Math.multiplyExact(size, Integer.parseInt(d));
      } catch (NumberFormatException | ArithmeticException e) {
        return 1;
      }
    }
    return Math.max(1, size);
  }

  private static String oneOf(JobConfig c, String key, String... allowed) {
    String v = c.get(key).trim().toLowerCase(Locale.ROOT);
    if (!List.of(allowed).contains(v)) {
      throw new IllegalArgumentException(key + " = '" + c.get(key) + "': expected "
          + String.join(", ", allowed));
    }
    return v;
  }

  private static void atLeast(JobConfig c, String key, long min) {
    if (c.getLong(key) < min) {
      throw new IllegalArgumentException(key + " = " + c.get(key) + ": must be >= " + min);
    }
  }

  private static void check(JobConfig c, String key, Runnable parse) {
    try {
      parse.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " = '" + c.get(key) + "': " + e.getMessage(), e);
    }
  }

  /** A set path must name a file system Hadoop has a client for (hdfs, s3a, file, ...). */
  private static void path(JobConfig c, String key, Configuration hadoop) {
    String value = c.get(key);
    if (value == null || value.isBlank()) {
      return;
    }
    String scheme;
    try {
      scheme = new Path(value).toUri().getScheme();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " = '" + value + "': not a path: "
          + e.getMessage(), e);
    }
    if (scheme == null) {
      return;
    }
    try {
      FileSystem.getFileSystemClass(scheme, hadoop);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " = '" + value + "': no file system for scheme '"
          + scheme + "' on the classpath (" + e.getMessage() + ")", e);
    }
  }
}
