package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.spark.TestSpark;

/**
 * The train job on a real Spark standalone cluster (a master and 2 workers, each its own JVM,
 * the driver a JVM of its own) reading from and writing to HDFS (a MiniDFSCluster), and its
 * faults: a killed executor, a killed driver resumed, corrupted checkpoints (this one with the
 * driver in local mode), and the block-ordered epoch ({@code shuffle = blocks}) from a DISK_ONLY
 * cache. Every run must end with the bits of the model trained in local mode
 * in this JVM with the same seed and partitioning.
 *
 * <p>Tagged {@code cluster}: {@code mvn test -DexcludedGroups=cluster} skips it.
 */
@Tag("cluster")
class ClusterTrainJobTest {
  private static final int EPOCHS = 5;
  @TempDir static Path tmp;
  private static MiniDFSCluster hdfs;
  private static StandaloneCluster cluster;
  private static String root;
  private static Path config;
  private static byte[] reference;

  @BeforeAll
  static void setUp() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    root = hdfs.getURI().toString();
    cluster = StandaloneCluster.start(tmp.resolve("cluster"), 2, "1g");

    SparkSession spark = TestSpark.session();
    ClusterJobConfig.writeData(spark, root + "/data/mnist-3000.parquet");
    config = ClusterJobConfig.write(tmp.resolve("cluster.properties"),
        root + "/data/mnist-3000.parquet", EPOCHS, "checkpoint_every = 1",
        "checkpoint_keep = " + EPOCHS);
    // The reference: local mode (executors are threads of this JVM), same data and seed.
    ClusterJobConfig.trainLocally(spark, config, root + "/runs/local");
    reference = read("/runs/local/model/params.bin");
  }

  @AfterAll
  static void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  @Test
  void trainsOnTheClusterFromHdfsToTheBitsOfLocalMode() throws Exception {
    DriverProcess d = train("fault-free");
    assertEquals(0, d.await(), d.output());
    assertArrayEquals(reference, read("/runs/fault-free/model/params.bin"));
    assertTrue(fs().exists(new org.apache.hadoop.fs.Path(root + "/runs/fault-free/_SUCCESS")));
    for (int e = 1; e <= EPOCHS; e++) {
      assertTrue(fs().exists(checkpoint("fault-free", e)), "checkpoint of epoch " + e);
    }
  }

  @Test
  void survivesAKilledExecutor() throws Exception {
    DriverProcess d = train("executor-killed");
    d.awaitWhileRunning("the first epoch", () -> outputOf(d).contains("epoch 1/" + EPOCHS));
    List<ProcessHandle> executors = cluster.executors();
    assertEquals(2, executors.size(), "executors of the running job");
    ProcessHandle victim = executors.get(0);
    assertTrue(victim.destroyForcibly());
    assertTrue(d.isAlive(), "the job must still be training when its executor dies");
    assertEquals(0, d.await(), d.output());
    String out = d.output();
    assertTrue(out.contains("Lost executor"), "the driver never saw the executor die:\n" + out);
    assertFalse(victim.isAlive());
    assertArrayEquals(reference, read("/runs/executor-killed/model/params.bin"));
  }

  @Test
  void aKilledDriverResumesToTheSameModel() throws Exception {
    DriverProcess d = train("driver-killed");
    d.awaitWhileRunning("the checkpoint of epoch 2", () -> exists(checkpoint("driver-killed", 2)));
    assertTrue(d.isAlive(), "the job must still be training when its driver dies");
    d.kill();
    assertFalse(fs().exists(new org.apache.hadoop.fs.Path(root + "/runs/driver-killed/_SUCCESS")));
    assertFalse(fs().exists(new org.apache.hadoop.fs.Path(root + "/runs/driver-killed/model")));

    DriverProcess resumed = train("driver-killed", "--resume");
    assertEquals(0, resumed.await(), resumed.output());
    assertTrue(resumed.output().matches("(?s).*resuming after epoch [2-4] .*"), resumed.output());
    assertArrayEquals(reference, read("/runs/driver-killed/model/params.bin"));
  }

  @Test
  void resumeSkipsCorruptedCheckpointsNamingThem() throws Exception {
    // A crashed run's checkpoints: epoch 2 intact, epoch 3 with one flipped bit, epoch 4 cut
    // short (the newest).
    byte[] two = read("/runs/local/checkpoints/ckpt-000002.bin");
    byte[] three = read("/runs/local/checkpoints/ckpt-000003.bin");
    byte[] four = read("/runs/local/checkpoints/ckpt-000004.bin");
    three[three.length / 2] ^= 0x10;
    write(checkpoint("corrupt", 2), two);
    write(checkpoint("corrupt", 3), three);
    write(checkpoint("corrupt", 4), Arrays.copyOf(four, four.length - 1000));

    // Checkpoints are the job's business, not the cluster's: this driver runs in local mode.
    DriverProcess d = trainOn("local[2]", "corrupt", "--resume");
    assertEquals(0, d.await(), d.output());
    String out = d.output();
    assertTrue(out.matches("(?s).*WARN .*skipping checkpoint \\S*/ckpt-000004\\.bin: .*"), out);
    assertTrue(out.matches("(?s).*WARN .*skipping checkpoint \\S*/ckpt-000003\\.bin: .*"), out);
    assertTrue(out.contains("resuming after epoch 2 "), out);
    assertArrayEquals(reference, read("/runs/corrupt/model/params.bin"));
  }

  @Test
  void blockOrderedEpochsReadFromDiskGiveTheBitsOfLocalMode() throws Exception {
    String[] blocks = {"--shuffle", "blocks", "--storage_level", "DISK_ONLY"};
    List<String> local = new ArrayList<>(List.of(config.toString(), "--output",
        root + "/runs/blocks-local"));
    local.addAll(List.of(blocks));
    Train.run(TestSpark.session(), Train.COMMAND.parse(local.toArray(new String[0])));
    DriverProcess d = train("blocks", blocks);
    assertEquals(0, d.await(), d.output());
    byte[] onCluster = read("/runs/blocks/model/params.bin");
    assertArrayEquals(read("/runs/blocks-local/model/params.bin"), onCluster);
    assertFalse(Arrays.equals(reference, onCluster), "the blocks order must change the model");
  }

  /** Starts the train job's driver on the cluster writing to runs/NAME. */
  private static DriverProcess train(String name, String... extra) throws IOException {
    return trainOn(cluster.masterUrl(), name, extra);
  }

  private static DriverProcess trainOn(String master, String name, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of(config.toString(), "--master", master,
        "--output", root + "/runs/" + name));
    args.addAll(List.of(extra));
    return DriverProcess.start(tmp.resolve(name + (extra.length > 0 ? "-resumed" : "") + ".log"),
        Train.class.getName(), args);
  }

  private static org.apache.hadoop.fs.Path checkpoint(String run, int epoch) {
    return new org.apache.hadoop.fs.Path(String.format("%s/runs/%s/checkpoints/ckpt-%06d.bin",
        root, run, epoch));
  }

  private static FileSystem fs() throws IOException {
    return hdfs.getFileSystem();
  }

  private static boolean exists(org.apache.hadoop.fs.Path p) {
    try {
      return fs().exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String outputOf(DriverProcess d) {
    try {
      return d.output();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(String path) throws IOException {
    try (var in = fs().open(new org.apache.hadoop.fs.Path(root + path))) {
      return in.readAllBytes();
    }
  }

  private static void write(org.apache.hadoop.fs.Path p, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs().create(p)) {
      out.write(bytes);
    }
  }
}
