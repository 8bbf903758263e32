package org.sparsevd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The jobs' Spark settings fill in what is missing and never replace the user's. */
class JobSparkSettingsTest {
  @Test
  void fillsInWhatNobodySetAndKeepsTheRest() {
    SparkConf conf = new SparkConf(false)
        .set("spark.sql.files.maxPartitionBytes", "64m")
        .set("spark.executor.extraJavaOptions", "-XX:+UseParallelGC");
    JobSparkSettings.applyMissing(conf);
    assertEquals("64m", conf.get("spark.sql.files.maxPartitionBytes"));
    assertEquals("-XX:+UseParallelGC", conf.get("spark.executor.extraJavaOptions"));
    assertEquals("268435456", conf.get("spark.task.maxDirectResultSize"));
    assertEquals("false", conf.get("spark.broadcast.compress"));
    for (String key : JobSparkSettings.DEFAULTS.keySet()) {
      assertEquals(true, conf.contains(key), key);
    }
  }
}
