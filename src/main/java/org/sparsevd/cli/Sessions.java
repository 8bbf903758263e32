package org.sparsevd.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.spark.JobSparkSettings;

/**
 * The job's SparkSession: spark-submit's settings win; the config's master and the jobs' own
 * settings ({@link JobSparkSettings}) fill in what nobody set.
 */
final class Sessions {
  /** The master when neither spark-submit nor the config sets one. */
  static final String LOCAL_MASTER = "local[*]";

  private Sessions() {}

  static SparkSession create(JobConfig c, String app) {
    SparkConf conf = JobSparkSettings.applyMissing(new SparkConf());
    if (!conf.contains("spark.master")) {
      conf.setMaster(c.get("master"));
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(app);
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
