package org.sparsevd.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.sparsevd.data.MnistDownloader;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.Parameterization;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.OptimizerSpec;
import org.sparsevd.optim.Schedules;
import org.sparsevd.spark.data.DataSource;
import org.sparsevd.train.TrainConfig;

/**
 * A job's settings, as {@link JobCommand} read them: a properties file, then {@code --key value}
 * overrides from the command line. Every key of a train config, its default and its meaning is
 * listed once, in {@link #KEYS}; defaults that belong to a settings class are read from it.
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
      new Key("data.format", "mnist", "mnist, libsvm, csv, parquet or images (folders "
          + "ROOT/CLASS/*.jpg, png, ...; labels: the sorted class folders) (tabular: csv)"),
      new Key("data.dir", "", "MNIST folder; empty: " + MnistDownloader.DEFAULT_SHARED_DIR
          + " if present, else download into data.cache"),
      new Key("data.cache", "~/.cache/sparsevd", "where downloaded data is kept (~ is the "
          + "user's home)"),
      new Key("data.train", "", "training file or folder (libsvm, csv, "
          + "parquet); images: the root of the class folders"),
      new Key("data.test", "", "held-out file or folder (libsvm, csv, "
          + "parquet); images: a root with the training root's class folders; empty: none"),
      new Key("data.label_col", DataSource.DEFAULT_LABEL_COL, "label column (csv, parquet); tabular: any text, "
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
      new Key("data.features_col", DataSource.DEFAULT_FEATURES_COL, "vector column (parquet)"),
      new Key("data.feature_cols", "", "comma-separated numeric columns (csv, parquet); "
          + "empty: all but the label (score: and the kept columns)"),
      new Key("data.num_features", "0", "expected feature count; 0: from the data"),
      new Key("data.num_classes", String.valueOf(MnistIdx.NUM_CLASSES),
          "number of classes; labels are 0 .. n-1 (mnist: 10; images: the number of class "
          + "folders)"),
      new Key("data.scaling", "center", "none, divide_255, center (x/256 minus the training "
          + "mean) or standardize"),
      new Key("data.skip_invalid", "false", "drop and count invalid rows instead of failing"),
      new Key("data.train_limit", "0", "use only the first N training rows; 0: all"),
      new Key("data.image_shape", "", "HEIGHTxWIDTH or HEIGHTxWIDTHxCHANNELS of image inputs: "
          + "the report's map of kept inputs (channels summed) and, for images, the size every "
          + "image must have (HEIGHTxWIDTH: grey); empty: for images the first image's size (and "
          + "no map), else 28x28 when there are 784 features, else no map"),
      new Key("layers", T.layers(), "network: " + NetworkSpec.LAYERS + "; joined by |"),
      new Key("parameterization", V.parameterization().name().toLowerCase(Locale.ROOT),
          "log_sigma2 (additive) or log_alpha"),
      new Key("log_alpha_min", str(V.logAlphaMin()), "lower clip of log alpha"),
      new Key("log_alpha_max", str(V.logAlphaMax()), "upper clip of log alpha"),
      new Key("threshold", str(V.threshold()), "prune weights with log alpha >= threshold"),
      new Key("train_clip", String.valueOf(V.trainClip()),
          "drop pruned weights from the mean path during training"),
      new Key("theta_init_std", str(V.thetaInitStd()),
          "std of the initial weights (of layers without init=glorot)"),
      new Key("log_sigma2_init", str(V.logSigma2Init()), "initial log sigma^2"),
      new Key("batch_size", String.valueOf(T.batchSize()), "global minibatch size"),
      new Key("epochs", String.valueOf(T.epochs()), "passes over the training set"),
      new Key("lr", String.valueOf(T.learningRate()), "base learning rate"),
      new Key("lr_schedule", T.lr().spec(), "constant, linear(START), linear(PERCENT%) (from that "
          + "share of the epochs) or step(EVERY, FACTOR)"),
      new Key("kl_schedule", T.klWeight().spec(),
          "constant(W), linear(DELAY, EPOCHS) or increment(START, DELTA)"),
      new Key("optimizer", T.optimizer().text(), "adam, adam(B1, B2, EPS) or sgd(MOMENTUM)"),
      new Key("seed", String.valueOf(T.seed()), "seed of initialisation, batches and noise"),
      new Key("eval_every", String.valueOf(T.evalEvery()), "evaluate every k epochs"),
      new Key("partitions", "0", "training partitions; 0: Spark's default parallelism"),
      new Key("storage_level", "MEMORY_ONLY", "MEMORY_ONLY, MEMORY_AND_DISK_SER or DISK_ONLY"),
      new Key("shuffle", "global", "epoch order: global (each batch a random sample of the "
          + "whole set, every step reads every partition) or blocks (partitions in random "
          + "order, rows shuffled within each: a step reads one or two partitions, for data "
          + "larger than memory)"),
      new Key("block_streams", "1", "shuffle = blocks: streams of blocks a step reads side "
          + "by side (B / G rows of each); set it to the executors' task slots so that every "
          + "slot computes at every step. Part of the order: the model depends on it, not on "
          + "the cluster"),
      new Key("aggregation", "auto", "how a step's partial gradients are summed, each in a "
          + "fixed order: collect (the driver adds them), tree (reducers add groups of about "
          + "sqrt(partitions), the driver the group sums) or auto (tree from "
          + org.sparsevd.spark.Aggregation.TREE_FROM_PARTITIONS + " partitions)"),
      new Key("master", Sessions.LOCAL_MASTER, "Spark master when spark-submit did not set one"),
      new Key("output", "", "output directory (any Hadoop path); required"),
      new Key("init_model", "", "warm start: initial parameters (and scaling) from this model "
          + "directory, same network or the same with sbp layers added (image, flatten, crop, "
          + "flip and dropout may differ); empty: random initialisation"),
      new Key("checkpoint_every", "5", "write a checkpoint every k epochs; 0: never"),
      new Key("checkpoint_every_steps", "0", "also write one every k steps within an epoch, "
          + "so that a crash loses at most k steps of a long epoch; 0: never"),
      new Key("checkpoint_keep", String.valueOf(org.sparsevd.io.CheckpointStore.DEFAULT_KEEP),
          "checkpoints kept"),
      new Key("compare_mlp", "false", "tabular: also train Spark's "
          + "MultilayerPerceptronClassifier with the same hidden layers and report both "
          + "(layers vd(N) | relu | ... | vd(CLASSES) only)"),
      new Key("mlp.max_iter", "100", "tabular: L-BFGS iterations of the comparison MLP"),
      new Key("mc_samples", "0", "evaluate, score: Monte-Carlo samples in addition to the "
          + "deterministic prediction; 0: none"),
      new Key("model", "", "Evaluate: model directory (default: OUTPUT/model)"));

  /** Sets data.skip_invalid: for every job that reads data. */
  static final JobCommand.Flag SKIP_INVALID = new JobCommand.Flag("skip-invalid",
      "drop and count invalid rows instead of failing (data.skip_invalid = true)",
      "data.skip_invalid");

  private final Map<String, String> values;
  private final Set<String> flags;
  private final Map<String, String> commandLine;

  JobConfig(Map<String, String> values, Set<String> flags, Map<String, String> commandLine) {
    this.values = values;
    this.flags = flags;
    this.commandLine = commandLine;
  }

  /** The keys of {@link #KEYS} with these names, in that order. */
  static List<Key> keys(String... names) {
    List<String> n = List.of(names);
    List<Key> out = KEYS.stream().filter(k -> n.contains(k.name())).toList();
    if (out.size() != n.size()) {
      throw new IllegalArgumentException("not all of " + n + " are keys");
    }
    return out;
  }

  /** The keys of {@link #KEYS} but those named. */
  static List<Key> keysExcept(String... names) {
    List<String> n = List.of(names);
    return KEYS.stream().filter(k -> !n.contains(k.name())).toList();
  }

  public boolean flag(String name) { return flags.contains(name); }
  public String get(String key) { return values.get(key); }

  /** The {@code --key value} settings of the command line, in their order. */
  public Map<String, String> commandLine() { return commandLine; }

  public int getInt(String key) {
    try {
      return Integer.parseInt(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + get(key) + "': not an integer", e);
    }
  }

  public long getLong(String key) {
    try {
      return Long.parseLong(get(key));
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

  /** Whether the config trains the tabular Spark ML pipeline ({@code pipeline = tabular}). */
  boolean tabular() {
    return get("pipeline").trim().equalsIgnoreCase("tabular");
  }

  public VdSettings vdSettings() {
    return new VdSettings(Parameterization.parse(get("parameterization")),
        (float) getDouble("log_alpha_min"), (float) getDouble("log_alpha_max"),
        (float) getDouble("threshold"), getBoolean("train_clip"),
        (float) getDouble("theta_init_std"), (float) getDouble("log_sigma2_init"));
  }

  /** The training settings; schedules and optimiser are parsed here, errors name their key. */
  public TrainConfig trainConfig() {
    int epochs = getInt("epochs");
    double lr = getDouble("lr");
    return new TrainConfig(get("layers"), vdSettings(), getInt("batch_size"), epochs, lr,
        parsed("lr_schedule", s -> Schedules.learningRate(s, lr, epochs)),
        parsed("kl_schedule", Schedules::klWeight), parsed("optimizer", OptimizerSpec::parse),
        getLong("seed"), getInt("eval_every"));
  }

  private <T> T parsed(String key, Function<String, T> parse) {
    try {
      return parse.apply(get(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
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
