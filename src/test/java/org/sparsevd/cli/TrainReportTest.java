package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.SharedData;
import org.sparsevd.spark.TestSpark;

/**
 * What the train job shows besides its results: the report and plots it writes before the
 * completion marker, the Spark UI's name of each step's job, and the console bar.
 */
class TrainReportTest {
  @TempDir Path tmp;

  private String[] args(Path out, String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("--data.format", "mnist", "--data.dir",
        SharedData.mnistDir().toString(), "--data.train_limit", "1000", "--layers",
        "vd(32) | relu | vd(10)", "--batch_size", "250", "--epochs", "2", "--partitions", "2",
        "--checkpoint_every", "0", "--lr", "3e-3", "--lr_schedule", "constant",
        "--kl_schedule", "linear(0, 2)", "--output", out.toString()));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  @Test
  void writesPlotsAndReportAndNamesEachStepsJob() throws Exception {
    SparkSession spark = TestSpark.session();
    List<String> descriptions = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        String d = job.properties() == null ? null
            : job.properties().getProperty("spark.job.description");
        if (d != null) {
          descriptions.add(d);
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    Path out = tmp.resolve("run");
    try {
      Train.run(spark, Train.COMMAND.parse(args(out)));
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    for (String plot : List.of("training", "sparsity", "log_alpha", "kept_inputs")) {
      assertTrue(Files.size(out.resolve("plots/" + plot + ".png")) > 1000, plot);
    }
    String html = Files.readString(out.resolve("report.html"));
    assertEquals(4, html.split("<img ", -1).length - 1);
    assertTrue(html.contains("data.train_limit"), "config in the report");
    assertTrue(Files.exists(out.resolve(OutputDir.MARKER)));
    // Listener events arrive asynchronously; the last step's job started long before the end.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!descriptions.contains("sparsevd: epoch 2/2 step 4/4 (250 examples)")
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(descriptions.contains("sparsevd: epoch 1/2 step 1/4 (250 examples)"),
        descriptions.toString());
    assertTrue(descriptions.contains("sparsevd: epoch 2/2 step 4/4 (250 examples)"),
        descriptions.toString());
  }

  @Test
  void consoleBarShowsStepsAndTimeLeft() {
    assertEquals("epoch 3/150 [##########....................] 40/120 steps  ETA 5m02s",
        ProgressBar.line(2, 150, 40, 120, 302));
    assertEquals("epoch 1/2 [..............................] 0/4 steps  ETA --",
        ProgressBar.line(0, 2, 0, 4, Double.NaN));
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new java.io.PrintStream(buf, true), 2, 0,
        System.nanoTime());
    bar.step(0, 0, 4);
    bar.clear();
    assertEquals("\repoch 1/2 [..............................] 0/4 steps  ETA --\u001b[K"
        + "\r\u001b[K", buf.toString());
  }
}
