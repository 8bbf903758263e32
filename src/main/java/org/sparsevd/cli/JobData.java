package org.sparsevd.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparsevd.data.ImageSize;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistDownloader;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.Blocks;
import org.sparsevd.spark.data.PersistedBlocks;
import org.sparsevd.spark.data.DataSource;
import org.sparsevd.spark.data.ImageFolders;
import org.sparsevd.spark.data.TrainingData;

/**
 * A job's data: the training blocks ({@link TrainingData}) and the optional held-out blocks,
 * scaled with statistics fitted on the training blocks, persisted at the configured storage
 * level. Closing unpersists them.
 */
final class JobData implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobData.class);

  private final TrainingData train;
  private final PersistedBlocks test;
  private final Skipped skipped;

  /**
   * Rows dropped as invalid under {@code --skip-invalid}.
   *
   * @param reasons why the first few were dropped, training rows first, each naming its file
   */
  record Skipped(long train, long test, List<String> reasons) {}

  private JobData(TrainingData train, PersistedBlocks test, Skipped skipped) {
    this.train = train;
    this.test = test;
    this.skipped = skipped;
  }

  TrainingData train() { return train; }
  /** The held-out blocks, or null without a held-out set. */
  PersistedBlocks test() { return test; }
  Skipped skipped() { return skipped; }

  /**
   * @param scaling the scaling to apply (a warm start's), or null to fit one on the training
   *     data
   */
  static JobData load(SparkSession spark, JobConfig c, Scaling scaling) throws IOException {
    int partitions = partitions(spark, c);
    DataSource src = source(spark, c, DataSource.Split.TRAIN);
    Blocks raw = BlockReader.read(spark, src, partitions);
    report("training", raw);
    // Both sets are opened, and their shapes compared, before either is cached.
    Blocks t = null;
    if (hasTest(c)) {
      DataSource testSrc = source(spark, c, DataSource.Split.TEST);
      t = BlockReader.read(spark, testSrc, partitions);
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      requireSameShape(named(testSrc, conf), t, named(src, conf), raw);
      report("held-out", t);
    }
    int limit = c.getInt("data.train_limit");
    TrainingData train = scaling == null
        ? TrainingData.fitScaling(raw, src.path(), limit,
            Scaling.Mode.parse(c.get("data.scaling")), storageLevel(c))
        : TrainingData.withScaling(raw, src.path(), limit, scaling, storageLevel(c));
    PersistedBlocks test = t == null ? null
        : train.heldOut(t, storageLevel(c), "held-out data");
    System.out.printf(Locale.ROOT, "data: %d training examples x %d features in %d partitions, "
        + "%d cached bytes per example%s%n", train.rows(), train.cols(), partitions,
        train.cachedBytesPerExample(),
        test == null ? ", no held-out set" : ", " + test.rows() + " held-out examples");
    List<String> reasons = new ArrayList<>(raw.skipReasons());
    if (t != null) {
      t.skipReasons().stream().limit(Math.max(0, LabeledData.MAX_REPORTED_REASONS
          - reasons.size())).forEach(reasons::add);
    }
    return new JobData(train, test, new Skipped(raw.skipped(), t == null ? 0 : t.skipped(),
        reasons));
  }

  /** The held-out set alone, scaled with a model's statistics (the evaluate job). */
  static PersistedBlocks loadTest(SparkSession spark, JobConfig c, Scaling scaling, int cols,
                                  int numClasses) throws IOException {
    if (!hasTest(c)) {
      throw new IllegalArgumentException("no held-out data: set data.test (or use mnist)");
    }
    DataSource src = source(spark, c, DataSource.Split.TEST);
    Blocks t = BlockReader.read(spark, src, partitions(spark, c));
    if (t.cols() != cols || t.numClasses() != numClasses) {
      throw new InvalidDataException(src.path() + ": " + t.cols() + " features and "
          + t.numClasses() + " classes, the model " + cols + " and " + numClasses);
    }
    report("held-out", t);
    return PersistedBlocks.scaled(t, scaling, storageLevel(c), "held-out data");
  }

  /** The path a source's rows come from: for MNIST, its images file, not the folder. */
  private static String named(DataSource s, Configuration conf) throws IOException {
    if (s.format() != DataSource.Format.MNIST) {
      return s.path();
    }
    return MnistIdx.find(s.path(), s.split() == DataSource.Split.TRAIN ? MnistIdx.TRAIN_IMAGES
        : MnistIdx.TEST_IMAGES, conf);
  }

  /** @throws InvalidDataException naming both paths when their feature counts differ */
  private static void requireSameShape(String path, Blocks b, String otherPath, Blocks other) {
    if (b.cols() != other.cols()) {
      throw new InvalidDataException(path + ": " + b.cols() + " features, but the training data "
          + otherPath + " has " + other.cols());
    }
  }

  static StorageLevel storageLevel(JobConfig c) {
    return StorageLevel.fromString(c.get("storage_level").toUpperCase(Locale.ROOT));
  }

  private static boolean hasTest(JobConfig c) {
    return c.get("data.format").equalsIgnoreCase("mnist") || !c.get("data.test").isEmpty();
  }

  static int partitions(SparkSession spark, JobConfig c) {
    int p = c.getInt("partitions");
    return p > 0 ? p : spark.sparkContext().defaultParallelism();
  }

  private static DataSource source(SparkSession spark, JobConfig c, DataSource.Split split)
      throws IOException {
    DataSource.Format format =
        DataSource.Format.valueOf(c.get("data.format").toUpperCase(Locale.ROOT));
    int classes = c.getInt("data.num_classes");
    DataSource s;
    if (format == DataSource.Format.MNIST) {
      s = DataSource.mnist(mnistDir(spark, c), split);
    } else if (format == DataSource.Format.IMAGES) {
      s = images(spark.sparkContext().hadoopConfiguration(), c, split);
    } else {
      String path = split == DataSource.Split.TRAIN ? c.require("data.train") : c.get("data.test");
      s = switch (format) {
        case LIBSVM -> DataSource.libsvm(path, c.getInt("data.num_features"), classes);
        case CSV -> DataSource.csv(path, classes).withCsvHeader(c.getBoolean("data.csv_header"));
        case PARQUET -> DataSource.parquet(path, classes);
        default -> throw new IllegalStateException(format.toString());
      };
      s = s.withLabelCol(c.get("data.label_col")).withFeaturesCol(c.get("data.features_col"))
          .withWeightCol(c.get("data.weight_col"))
          .withNumFeatures(c.getInt("data.num_features"));
      String cols = c.get("data.feature_cols");
      if (!cols.isEmpty()) {
        s = s.withFeatureCols(Arrays.stream(cols.split(",")).map(String::trim).toList());
      }
    }
    return s.withSkipInvalid(c.getBoolean("data.skip_invalid"));
  }

  /**
   * Image folders. The labels follow the training root's class folders (the held-out root's
   * own only when there is no training root, to evaluate), which a held-out root must share.
   */
  private static DataSource images(Configuration conf, JobConfig c, DataSource.Split split) {
    String path = split == DataSource.Split.TRAIN ? c.require("data.train") : c.get("data.test");
    String trainRoot = c.get("data.train").isEmpty() ? path : c.get("data.train");
    List<String> classes = ImageFolders.classes(trainRoot, conf);
    if (!path.equals(trainRoot)) {
      ImageFolders.requireSameClasses(path, ImageFolders.classes(path, conf), trainRoot, classes);
    }
    String shape = c.get("data.image_shape");
    ImageSize size;
    try {
      size = shape.isBlank() ? null : ImageSize.parse(shape);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("data.image_shape = " + e.getMessage(), e);
    }
    return DataSource.images(path, classes).withNumFeatures(c.getInt("data.num_features"))
        .withImageSize(size);
  }

  /** The MNIST folder of the config: data.dir, the shared copy, or a checked download. */
  static String mnistDir(SparkSession spark, JobConfig c) throws IOException {
    return new MnistDownloader(spark.sparkContext().hadoopConfiguration(),
        MnistDownloader.DEFAULT_SHARED_DIR).locate(c.get("data.dir"),
        java.nio.file.Path.of(c.get("data.cache").replaceFirst("^~",
            java.util.regex.Matcher.quoteReplacement(System.getProperty("user.home"))),
            "mnist"));
  }

  private static void report(String what, Blocks b) {
    if (b.skipped() > 0) {
      LOG.warn("{} data: skipped {} invalid rows; first reasons: {}", what, b.skipped(),
          String.join("; ", b.skipReasons()));
    }
  }

  @Override
  public void close() {
    try (TrainingData t = train) {
      if (test != null) {
        test.close();
      }
    }
  }
}
