package org.sparsevd.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local[2] session for the whole test JVM: a session costs about 3 s to start, a second
 * getOrCreate nothing.
 */
public final class TestSpark {
  private TestSpark() {}

  public static synchronized SparkSession session() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("sparsevd-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }
}
