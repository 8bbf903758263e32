package org.sparsevd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.spark.BatchScoring;
import org.sparsevd.spark.data.DataSource;
import org.sparsevd.spark.data.ScoringInput;

/**
 * The score job: {@code Score MODEL INPUT OUTPUT [--format parquet|csv|libsvm] [--mc_samples T]
 * [--keep_cols a,b] ...}; its options are {@link #KEYS}. Reads a table of examples (any Hadoop path; a label is not needed)
 * with the training readers' checks, scores it with the pruned network in CSR form, batch by
 * batch in each partition ({@link BatchScoring}), and writes Parquet to OUTPUT: the kept
 * columns, {@code prediction}, {@code probability} and, with T > 0, the Monte-Carlo
 * uncertainty columns. Spark's committer writes {@code _SUCCESS} after every part file, so a
 * failed run leaves none; an existing OUTPUT is refused unless {@code --overwrite}.
 */
public final class Score {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The options, as {@code --key value}. */
  static final List<JobConfig.Key> KEYS = java.util.stream.Stream.concat(List.of(
      new JobConfig.Key("format", "parquet", "parquet, csv or libsvm"),
      new JobConfig.Key("keep_cols", "", "comma-separated input columns written with each "
          + "score, e.g. an id (csv, parquet; a LibSVM row's label is always kept)"),
      new JobConfig.Key("threshold", "", "prune at this log alpha instead of the model's"),
      new JobConfig.Key("partition_by", "", "comma-separated kept columns to partition "
          + "the output folders by")).stream(), JobConfig.keys("data.label_col",
      "data.features_col", "data.feature_cols", "data.csv_header", "mc_samples", "seed",
      "master", "data.skip_invalid").stream()).toList();

  static final JobCommand COMMAND = JobCommand.positional(
      "jobs/score.sh MODEL INPUT OUTPUT [--format parquet|csv|libsvm] [--mc_samples T] "
          + "[--keep_cols a,b] [--key value ...] [--skip-invalid] [--overwrite]", 3, List.of(
          new JobConfig.Key("MODEL", "", "a run folder, its model/ folder or a saved "
              + "SparseVDClassificationModel"),
          new JobConfig.Key("INPUT", "", "the rows to score: a file, folder or glob (any "
              + "Hadoop path)"),
          new JobConfig.Key("OUTPUT", "", "the Parquet folder to write")), KEYS,
      JobConfig.SKIP_INVALID, OutputDir.OVERWRITE);

  private Score() {}

  public static void main(String[] args) throws Exception {
    JobConfig c = COMMAND.parseMain(args);
    Sessions.runMain(c, "sparsevd-score", spark -> System.out.println(run(spark, c)));
  }

  /** Scores; returns a one-line JSON report of what was written. */
  static String run(SparkSession spark, JobConfig c) throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    int samples = c.getInt("mc_samples");
    if (samples < 0) {
      throw new IllegalArgumentException("--mc_samples " + samples + " must be at least 0");
    }
    SparseVdModel model = ModelLocator.readUnwrapped(new Path(c.get("MODEL")), hconf, "score");
    if (!c.get("threshold").isEmpty()) {
      model = model.withThreshold((float) c.getDouble("threshold"));
    }
    DataSource src = source(c, model);
    List<String> keep = list(c.get("keep_cols"));
    List<String> partitionBy = list(c.get("partition_by"));
    for (String p : partitionBy) {
      if (!keep.contains(p) && !(src.format() == DataSource.Format.LIBSVM
          && p.equals(ScoringInput.LIBSVM_LABEL))) {
        throw new IllegalArgumentException("--partition_by " + p + ": not a kept column "
            + keep);
      }
    }
    Path out = new Path(c.get("OUTPUT"));
    SaveMode mode = c.flag(OutputDir.OVERWRITE.name()) ? SaveMode.Overwrite
        : SaveMode.ErrorIfExists;
    if (mode == SaveMode.ErrorIfExists && out.getFileSystem(hconf).exists(out)) {
      throw new IllegalArgumentException(out + " exists; --overwrite replaces it");
    }
    long start = System.nanoTime();
    // Updated in the write job's own tasks, so Spark applies each task's count once.
    LongAccumulator skipped = spark.sparkContext().longAccumulator("skipped rows");
    CollectionAccumulator<String> reasons = spark.sparkContext()
        .collectionAccumulator("skip reasons");
    ScoringInput input = ScoringInput.open(spark, src, keep);
    Dataset<Row> scores = BatchScoring.score(spark, input, model, samples, c.getLong("seed"),
        skipped, reasons);
    DataFrameWriter<Row> w = scores.write().mode(mode);
    if (!partitionBy.isEmpty()) {
      w = w.partitionBy(partitionBy.toArray(new String[0]));
    }
    w.parquet(out.toString());
    double seconds = (System.nanoTime() - start) / 1e9;
    // Counted from the written files' footers: exact even where a task ran twice.
    long rows = spark.read().parquet(out.toString()).count();
    ObjectNode o = JSON.createObjectNode();
    o.put("output", out.toString());
    o.put("rows", rows);
    o.put("skipped_rows", skipped.value());
    if (skipped.value() > 0) {
      var first = o.putArray("skip_reasons");
      reasons.value().stream().sorted().limit(5).forEach(first::add);
    }
    o.put("seconds", Math.round(seconds * 1000) / 1000.0);
    o.put("rows_per_second", Math.round(rows / seconds));
    o.put("mc_samples", samples);
    o.put("model", c.get("MODEL"));
    return JSON.writeValueAsString(o);
  }

  private static DataSource source(JobConfig c, SparseVdModel model) {
    String path = c.get("INPUT");
    int classes = model.numClasses();
    DataSource src = switch (c.get("format").toLowerCase(Locale.ROOT)) {
      case "parquet" -> DataSource.parquet(path, classes);
      case "csv" -> DataSource.csv(path, classes).withCsvHeader(c.getBoolean("data.csv_header"));
      case "libsvm" -> DataSource.libsvm(path, 0, classes);
      default -> throw new IllegalArgumentException("--format '" + c.get("format")
          + "': expected parquet, csv or libsvm");
    };
    if (src.format() != DataSource.Format.LIBSVM) {
      src = src.withLabelCol(c.get("data.label_col")).withFeaturesCol(c.get("data.features_col"))
          .withFeatureCols(list(c.get("data.feature_cols")));
    }
    return src.withNumFeatures(model.def().inputSize())
        .withSkipInvalid(c.getBoolean("data.skip_invalid"));
  }

  private static List<String> list(String csv) {
    return csv.isBlank() ? List.of()
        : java.util.Arrays.stream(csv.split(",")).map(String::trim).toList();
  }
}
