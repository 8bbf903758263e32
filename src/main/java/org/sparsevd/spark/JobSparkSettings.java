package org.sparsevd.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * The Spark settings the jobs depend on, applied to the job's {@link SparkConf} before the
 * session starts wherever the user (spark-submit, the cluster's spark-defaults.conf, -D
 * options) has not set them: a plain {@code spark-submit --class ... JOB_JAR CONFIG} behaves
 * like the job scripts, and an administrator's setting is never overridden.
 */
public final class JobSparkSettings {
  /** Key to value, each with the reason it is the jobs' default. */
  public static final Map<String, String> DEFAULTS = defaults();

  private JobSparkSettings() {}

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.ui.showConsoleProgress", "false");
    // Partial gradients (about 2 MB for LeNet-300-100) come back inside the task result instead
    // of through a second block-manager fetch.
    m.put("spark.task.maxDirectResultSize", "268435456");
    // Parameters and gradients are random-looking floats: compressing them costs time and saves
    // nothing; a checksum of every broadcast piece costs a pass over the parameters per step.
    m.put("spark.broadcast.compress", "false");
    m.put("spark.broadcast.checksum", "false");
    // Per-step arrays of about 2 MB are over G1's humongous threshold at small regions: each
    // step's arrays would go straight to the old generation. 16 MB regions keep them ordinary.
    m.put("spark.executor.extraJavaOptions", "-XX:G1HeapRegionSize=16m");
    // A file scan task becomes one float block in the reader, about 10x its compressed Parquet
    // bytes (MNIST-like rows: ~330 bytes on disk, 3,140 cached): 16 MB tasks keep that block
    // near 160 MB, within a 2 GB executor. Spark's default of 128 MB made 1.3 GB blocks and OOMs.
    m.put("spark.sql.files.maxPartitionBytes", "16m");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Sets each default the conf does not hold yet; returns the conf. */
  public static SparkConf applyMissing(SparkConf conf) {
    DEFAULTS.forEach(conf::setIfMissing);
    return conf;
  }
}
