package org.sparsevd.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;

/**
 * The small train job the cluster tests run everywhere: 3,000 MNIST images as Parquet,
 * {@code vd(64) | relu | vd(10)}, batch 150 (20 steps an epoch: a step on a cluster costs
 * scheduling time whatever its size), 2 partitions, seed 5.
 */
final class ClusterJobConfig {
  private ClusterJobConfig() {}

  /** Writes the 3,000 images as Parquet to {@code data} (any Hadoop path). */
  static void writeData(SparkSession spark, String data) throws IOException {
    MnistParquet.write(spark, data, MnistIdx.readTrain(SharedData.mnistDir().toString(),
        new Configuration()).slice(0, 3000), y -> y);
  }

  /** Writes the config for data at {@code data}, with {@code extra} lines, to {@code file}. */
  static Path write(Path file, String data, int epochs, String... extra) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "data.format = parquet",
        "data.train = " + data,
        "data.scaling = divide_255",
        "layers = vd(64) | relu | vd(10)",
        "batch_size = 150",
        "epochs = " + epochs,
        "lr = 3e-3",
        "lr_schedule = constant",
        "kl_schedule = linear(1, 2)",
        "partitions = 2",
        "seed = 5"));
    lines.addAll(List.of(extra));
    return Files.writeString(file, String.join("\n", lines));
  }

  /** The reference: the config trained in local mode in this JVM, written to {@code out}. */
  static void trainLocally(SparkSession spark, Path config, String out) throws IOException {
    Train.run(spark, Train.COMMAND.parse(new String[] {config.toString(), "--output", out}));
  }
}
