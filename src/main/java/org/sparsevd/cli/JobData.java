package org.sparsevd.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparsevd.data.MnistDownloader;
import org.sparsevd.data.Scaling;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.BlockStats;
import org.sparsevd.spark.data.Blocks;
import org.sparsevd.spark.data.DataBlock;
import org.sparsevd.spark.data.DataSource;

/**
 * A job's data: the training blocks and the optional held-out blocks, scaled with statistics
 * fitted on the training blocks, persisted at the configured storage level. Closing
 * unpersists them.
 */
final class JobData implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobData.class);

  private final Held train;
  private final long[] trainStarts;
  private final Held test;
  private final int cols;
  private final int numClasses;
  private final Scaling scaling;

  /** Persisted blocks and their row count. */
  record Held(JavaRDD<DataBlock> blocks, long rows) implements AutoCloseable {
    @Override
    public void close() {
      blocks.unpersist(false);
    }
  }

  private JobData(Held train, long[] trainStarts, Held test, int cols, int numClasses,
                  Scaling scaling) {
    this.train = train;
    this.trainStarts = trainStarts;
    this.test = test;
    this.cols = cols;
    this.numClasses = numClasses;
    this.scaling = scaling;
  }

  JavaRDD<DataBlock> train() { return train.blocks(); }
  JavaRDD<DataBlock> test() { return test == null ? null : test.blocks(); }
  long trainRows() { return train.rows(); }
  /** Training block p holds rows [trainStarts()[p], trainStarts()[p + 1]). */
  long[] trainStarts() { return trainStarts.clone(); }
  int cols() { return cols; }
  int numClasses() { return numClasses; }
  Scaling scaling() { return scaling; }

  /** Bytes of the cached training arrays per example (features and label). */
  long cachedBytesPerExample() {
    return DataBlock.bytesPerExample(cols);
  }

  /**
   * @param scaling the scaling to apply (a warm start's), or null to fit one on the training
   *     data
   */
  static JobData load(SparkSession spark, JobConfig c, Scaling scaling) throws IOException {
    int partitions = partitions(spark, c);
    Blocks raw = BlockReader.read(spark, source(spark, c, DataSource.Split.TRAIN), partitions);
    report("training", raw);
    JavaRDD<DataBlock> trainRdd = raw.rdd();
    long rows = raw.rows();
    long[] starts = raw.starts();
    int limit = c.getInt("data.train_limit");
    if (limit > 0 && limit < rows) {
      trainRdd = trainRdd.map(b -> b.before(limit));
      rows = limit;
      for (int p = 0; p < starts.length; p++) {
        starts[p] = Math.min(starts[p], limit);
      }
    }
    trainRdd = BlockStats.normalizeWeights(trainRdd, rows, c.get("data.train"));
    if (scaling == null) {
      scaling = BlockStats.fit(Scaling.Mode.parse(c.get("data.scaling")), trainRdd);
    }
    Held train = persist(BlockStats.apply(scaling, trainRdd), rows, c, "training");
    Held test = null;
    if (hasTest(c)) {
      Blocks t = BlockReader.read(spark, source(spark, c, DataSource.Split.TEST), partitions);
      report("held-out", t);
      test = persist(BlockStats.apply(scaling, t.rdd()), t.rows(), c, "held-out");
    }
    System.out.printf(Locale.ROOT, "data: %d training examples x %d features in %d partitions, "
        + "%d cached bytes per example%s%n", rows, raw.cols(), partitions,
        DataBlock.bytesPerExample(raw.cols()),
        test == null ? ", no held-out set" : ", " + test.rows() + " held-out examples");
    return new JobData(train, starts, test, raw.cols(), raw.numClasses(), scaling);
  }

  /** The held-out set alone, scaled with a model's statistics (the evaluate job). */
  static Held loadTest(SparkSession spark, JobConfig c, Scaling scaling, int cols,
                       int numClasses) throws IOException {
    if (!hasTest(c)) {
      throw new IllegalArgumentException("no held-out data: set data.test (or use mnist)");
    }
    Blocks t = BlockReader.read(spark, source(spark, c, DataSource.Split.TEST),
        partitions(spark, c));
    if (t.cols() != cols || t.numClasses() != numClasses) {
      throw new IllegalArgumentException("held-out data has " + t.cols() + " features and "
          + t.numClasses() + " classes, the model " + cols + " and " + numClasses);
    }
    report("held-out", t);
    return persist(BlockStats.apply(scaling, t.rdd()), t.rows(), c, "held-out");
  }

  private static boolean hasTest(JobConfig c) {
    return c.get("data.format").equalsIgnoreCase("mnist") || !c.get("data.test").isEmpty();
  }

  private static int partitions(SparkSession spark, JobConfig c) {
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

  private static Held persist(JavaRDD<DataBlock> blocks, long rows, JobConfig c, String what) {
    StorageLevel level = StorageLevel.fromString(c.get("storage_level").toUpperCase(Locale.ROOT));
    JavaRDD<DataBlock> cached = blocks.persist(level);
    JavaSparkContext.fromSparkContext(cached.context()).setJobDescription("sparsevd: cache "
        + what + " data");
    // Stores every block without reading it back: with DISK_ONLY a count would deserialise
    // the whole set once more.
    cached.foreachPartition(it -> { });
    return new Held(cached, rows);
  }

  @Override
  public void close() {
    train.close();
    if (test != null) {
      test.close();
    }
  }
}
