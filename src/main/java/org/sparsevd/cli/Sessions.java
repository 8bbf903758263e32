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

  /** What a job does in its session. */
  interface Body {
    void run(SparkSession spark) throws Exception;
  }

  /**
   * A job's {@code main}: runs {@code body} in a session {@link #create} makes, stops the
   * session, and exits as {@link JobCommand#runMain} does.
   */
  static void runMain(JobConfig c, String app, Body body) throws Exception {
    JobCommand.runMain(() -> {
      SparkSession spark = create(c, app);
      try {
        body.run(spark);
      } finally {
        spark.stop();
      }
    });
  }

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
