package org.sparsevd.cli;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.Parameterization;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.train.TrainConfig;

/**
 * A job's settings: a properties file, then {@code --key value} overrides from the command
 * line. Every key, its default and its meaning is listed once, in {@link #KEYS}; an unknown
 * key is an error, so a typo never silently falls back to a default.
 */
public final class JobConfig {
  /** A setting: name, default ("" = none) and help text. */
  public record Key(String name, String defaultValue, String help) {}

  private static final TrainConfig T = TrainConfig.DEFAULTS;
  private static final VdSettings V = VdSettings.DEFAULTS;

  public static final List<Key> KEYS = List.of(
      new Key("pipeline", "none", "none: numeric features read straight into the engine's "
          + "blocks; tabular: a Spark ML Pipeline over a CSV with categorical columns "
          + "(indexing, one-hot, assembling, standardising, then SparseVDClassifier)"),
      new Key("data.format", "mnist", "mnist, libsvm, csv or parquet (tabular: csv)"),
      new Key("data.dir", "", "MNIST folder; empty: ../shared/data/mnist if present, else "
          + "download into data.cache"),
      new Key("data.cache", "~/.cache/sparsevd", "where downloaded data is kept (~ is the "
          + "user's home)"),
      new Key("data.train", "", "training file or folder (libsvm, csv, parquet)"),
      new Key("data.test", "", "held-out file or folder (libsvm, csv, parquet); empty: none"),
      new Key("data.label_col", "label", "label column (csv, parquet); tabular: any text, "
          + "indexed by frequency"),
      new Key("data.weight_col", "", "column of example weights (csv, parquet); empty: "
          + "every example weighs 1; rescaled to mean 1"),
      new Key("data.csv_header", "true", "whether CSV files start with a header line"),
      new Key("data.column_names", "", "tabular: comma-separated names of all CSV columns; "
          + "empty: the header's"),
      new Key("data.categorical_cols", "", "tabular: comma-separated text columns to one-hot "
          + "encode; the other non-label columns must be numbers"),
      new Key("data.test_fraction", "0", "tabular, when data.test is empty: hold out this "
          + "fraction of the rows (random split seeded by seed)"),
      new Key("data.features_col", "features", "vector column (parquet, libsvm)"),
      new Key("data.feature_cols", "", "comma-separated numeric columns (csv, parquet); "
          + "empty: all but the label"),
      new Key("data.num_features", "0", "expected feature count; 0: from the data"),
      new Key("data.num_classes", "10", "number of classes; labels are 0 .. n-1"),
      new Key("data.scaling", "center", "none, divide_255, center (x/256 minus the training "
          + "mean) or standardize"),
      new Key("data.skip_invalid", "false", "drop and count invalid rows instead of failing"),
      new Key("data.train_limit", "0", "use only the first N training rows; 0: all"),
      new Key("data.image_shape", "", "HEIGHTxWIDTH of image inputs, for the report's map of "
          + "kept inputs; empty: 28x28 when there are 784 features, else no map"),
      new Key("layers", T.layers(), "network: vd(N), dense(N), relu, gdrop(P), drop(P), nvd, "
          + "cdense(N), idrop(B); for images image(H, W, C) first, then conv(F, K[, S, P]), "
          + "vdconv(F, K[, S, P][, per=filter]), maxpool(K), flatten; joined by |"),
      new Key("parameterization", "log_sigma2", "log_sigma2 (additive) or log_alpha"),
      new Key("log_alpha_min", str(V.logAlphaMin()), "lower clip of log alpha"),
      new Key("log_alpha_max", str(V.logAlphaMax()), "upper clip of log alpha"),
      new Key("threshold", str(V.threshold()), "prune weights with log alpha >= threshold"),
      new Key("train_clip", String.valueOf(V.trainClip()),
          "drop pruned weights from the mean path during training"),
      new Key("theta_init_std", str(V.thetaInitStd()), "std of the initial weights"),
      new Key("log_sigma2_init", str(V.logSigma2Init()), "initial log sigma^2"),
      new Key("batch_size", String.valueOf(T.batchSize()), "global minibatch size"),
      new Key("epochs", String.valueOf(T.epochs()), "passes over the training set"),
      new Key("lr", String.valueOf(T.learningRate()), "base learning rate"),
      new Key("lr_schedule", T.lrSchedule(), "constant, linear(START) or step(EVERY, FACTOR)"),
      new Key("kl_schedule", T.klSchedule(),
          "constant(W), linear(DELAY, EPOCHS) or increment(START, DELTA)"),
      new Key("optimizer", T.optimizer(), "adam, adam(B1, B2, EPS) or sgd(MOMENTUM)"),
      new Key("seed", String.valueOf(T.seed()), "seed of initialisation, batches and noise"),
      new Key("eval_every", String.valueOf(T.evalEvery()), "evaluate every k epochs"),
      new Key("partitions", "0", "training partitions; 0: Spark's default parallelism"),
      new Key("storage_level", "MEMORY_ONLY", "MEMORY_ONLY, MEMORY_AND_DISK_SER or DISK_ONLY"),
      new Key("shuffle", "global", "epoch order: global (each batch a random sample of the "
          + "whole set, every step reads every partition) or blocks (partitions in random "
          + "order, rows shuffled within each: a step reads one or two partitions, for data "
          + "larger than memory)"),
      new Key("master", "local[*]", "Spark master when spark-submit did not set one"),
      new Key("output", "", "output directory (any Hadoop path); required"),
      new Key("init_model", "", "warm start: initial parameters (and scaling) from this model "
          + "directory, same network; empty: random initialisation"),
      new Key("checkpoint_every", "5", "write a checkpoint every k epochs; 0: never"),
      new Key("checkpoint_keep", "3", "checkpoints kept"),
      new Key("compare_mlp", "false", "tabular: also train Spark's "
          + "MultilayerPerceptronClassifier with the same hidden layers and report both"),
      new Key("mlp.max_iter", "100", "tabular: L-BFGS iterations of the comparison MLP"),
      new Key("mc_samples", "0", "Evaluate: Monte-Carlo samples in addition to the "
          + "deterministic prediction; 0: none"),
      new Key("model", "", "Evaluate: model directory (default: OUTPUT/model)"));

  private final Map<String, String> values;
  private final List<String> flags;

  private JobConfig(Map<String, String> values, List<String> flags) {
    this.values = values;
    this.flags = flags;
  }

  /**
   * Parses {@code [CONFIG] [--key value | --flag]...}; the config file may be any Hadoop path.
   *
   * @param knownFlags flags that take no value, e.g. {@code resume}
   */
  public static JobConfig parse(String[] args, List<String> knownFlags) throws IOException {
    Map<String, String> v = defaultsAndFile(KEYS, args);
    List<String> flags = new ArrayList<>();
    int i = args.length > 0 && !args[0].startsWith("--") ? 1 : 0;
    for (; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("argument '" + a + "': expected --key value");
      }
      String name = a.substring(2);
      if (knownFlags.contains(name)) {
        flags.add(name);
      } else if (name.equals("skip-invalid")) {
        v.put("data.skip_invalid", "true");
      } else if (i + 1 < args.length) {
        set(v, name, args[++i], "command line");
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    return new JobConfig(v, flags);
  }

  /**
   * The keys' defaults, overlaid with the config file when {@code args} starts with one (any
   * Hadoop path, not {@code --...}); a key the file has and {@code keys} lacks fails naming the
   * file. Shared by every job's command line.
   */
  static Map<String, String> defaultsAndFile(List<Key> keys, String[] args) throws IOException {
    Map<String, String> v = new LinkedHashMap<>();
    for (Key k : keys) {
      v.put(k.name(), k.defaultValue());
    }
    if (args.length > 0 && !args[0].startsWith("--")) {
      Properties p = new Properties();
      String text = HadoopFiles.readString(new Path(args[0]), new Configuration(), 1 << 20);
      p.load(new StringReader(text));
      for (String name : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
        set(v, name, p.getProperty(name), args[0]);
      }
    }
    return v;
  }

  /** Sets a known key; {@code where} names the file or the command line in the error. */
  static void set(Map<String, String> v, String name, String value, String where) {
    if (!v.containsKey(name)) {
      throw new IllegalArgumentException(where + ": unknown key '" + name + "' (known: "
          + String.join(", ", v.keySet()) + ")");
    }
    v.put(name, value.trim());
  }

  /** The value of a key that has no default and must be given. */
  static String required(Map<String, String> v, String key) {
    if (v.get(key).isEmpty()) {
      throw new IllegalArgumentException(key + " must be set (in the config or --" + key + ")");
    }
    return v.get(key);
  }

  public boolean flag(String name) { return flags.contains(name); }
  public String get(String key) { return values.get(key); }

  public int getInt(String key) {
    try {
      return Integer.parseInt(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + get(key) + "': not an integer", e);
    }
  }

  public double getDouble(String key) {
    try {
      return Double.parseDouble(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + get(key) + "': not a number", e);
    }
  }

  public boolean getBoolean(String key) {
    String s = get(key).toLowerCase(Locale.ROOT);
    if (!s.equals("true") && !s.equals("false")) {
      throw new IllegalArgumentException(key + " = '" + get(key) + "': expected true or false");
    }
    return s.equals("true");
  }

  public String require(String key) {
    if (get(key).isEmpty()) {
      throw new IllegalArgumentException(key + " must be set (in the config or --" + key + ")");
    }
    return get(key);
  }

  public VdSettings vdSettings() {
    return new VdSettings(Parameterization.parse(get("parameterization")),
        (float) getDouble("log_alpha_min"), (float) getDouble("log_alpha_max"),
        (float) getDouble("threshold"), getBoolean("train_clip"),
        (float) getDouble("theta_init_std"), (float) getDouble("log_sigma2_init"));
  }

  public TrainConfig trainConfig() {
    return new TrainConfig(get("layers"), vdSettings(), getInt("batch_size"), getInt("epochs"),
        getDouble("lr"), get("lr_schedule"), get("kl_schedule"), get("optimizer"),
        Long.parseLong(get("seed")), getInt("eval_every"));
  }

  public NetworkDef networkDef(int inputSize) {
    return new NetworkDef(get("layers"), inputSize, vdSettings());
  }

  /** All settings, sorted: recorded with the model and in the summary. */
  public Map<String, String> asMap() {
    return new TreeMap<>(values);
  }

  /** The keys as a Markdown table (what {@code --help} prints). */
  public static String markdownTable() {
    return markdownTable(KEYS);
  }

  /** Any job's keys as a Markdown table. */
  static String markdownTable(List<Key> keys) {
    StringBuilder b = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Key k : keys) {
      String d = k.defaultValue().isEmpty() ? "" : "`" + k.defaultValue().replace("|", "\\|") + "`";
      b.append("| `").append(k.name()).append("` | ").append(d).append(" | ")
          .append(k.help().replace("|", "\\|")).append(" |\n");
    }
    return b.toString();
  }

  private static String str(float f) {
    return f == Math.rint(f) ? String.valueOf((int) f) : String.valueOf(f);
  }
}
