package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.spark.TestSpark;

/**
 * The train job on a real YARN (a MiniYARNCluster: resource manager and node manager in this
 * JVM, containers in JVMs of their own) over HDFS (a MiniDFSCluster), submitted by
 * {@code jobs/train.sh ... --master yarn} as a user submits it, with HADOOP_CONF_DIR naming the
 * clusters' site files. Data and output are on HDFS. In client mode the driver runs in the
 * script's JVM; in cluster mode it runs in the application master's container, with the config
 * file and {@code log4j2.properties} shipped by {@code --files} and named by their base names.
 * Both must give the bits of local mode.
 *
 * <p>Tagged {@code cluster}.
 */
@Tag("cluster")
class YarnTrainJobTest {
  private static final int EPOCHS = 3;
  private static final Path JOBS = Path.of("jobs").toAbsolutePath();
  @TempDir static Path tmp;
  private static MiniDFSCluster hdfs;
  private static MiniYARNCluster yarn;
  private static Path confDir;
  private static Path config;
  private static String root;
  private static byte[] reference;

  @BeforeAll
  static void setUp() throws Exception {
    Configuration dfsConf = new Configuration();
    dfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(dfsConf).numDataNodes(1).build();
    root = hdfs.getURI().toString();

    YarnConfiguration yarnConf = new YarnConfiguration();
    yarnConf.set("fs.defaultFS", root);
    // A full disk must not make the node unhealthy and hang the test.
    yarnConf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage",
        "100.0");
    // hadoop-client-minicluster holds no capacity-scheduler.xml: one queue, all of it.
    yarnConf.set("yarn.scheduler.capacity.root.queues", "default");
    yarnConf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    yarnConf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    yarnConf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    yarnConf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    yarnConf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
    yarnConf.setInt("yarn.nodemanager.resource.memory-mb", 6144);
    yarnConf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
    // JVMs reserve far more virtual memory than they use.
    yarnConf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    yarnConf.set("yarn.resourcemanager.hostname", "127.0.0.1");
    // Keep finished containers' logs, which the cluster-mode test reads.
    yarnConf.setInt("yarn.nodemanager.delete.debug-delay-sec", 600);
    yarn = new MiniYARNCluster(YarnTrainJobTest.class.getSimpleName(), 1, 1, 1);
    yarn.init(yarnConf);
    yarn.start();
    // start() may return before the resource manager has its port in the configuration.
    long deadline = System.currentTimeMillis() + 30_000;
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the resource manager has no address after 30 s");
      }
      Thread.sleep(100);
    }
    // What a user's HADOOP_CONF_DIR holds: the clusters' addresses.
    confDir = Files.createDirectories(tmp.resolve("hadoop-conf"));
    try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
      yarn.getConfig().writeXml(out);
    }
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", root);
    try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
      core.writeXml(out);
    }

    SparkSession spark = TestSpark.session();
    ClusterJobConfig.writeData(spark, root + "/data/mnist-3000.parquet");
    config = ClusterJobConfig.write(tmp.resolve("yarn.properties"),
        root + "/data/mnist-3000.parquet", EPOCHS);
    ClusterJobConfig.trainLocally(spark, config, root + "/runs/local");
    reference = read("/runs/local/model/params.bin");
  }

  @AfterAll
  static void tearDown() {
    if (yarn != null) {
      yarn.stop();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  @Test
  void clientModeTrainsTheBitsOfLocalMode() throws Exception {
    submit("client", config.toString());
    assertArrayEquals(reference, read("/runs/client/model/params.bin"));
  }

  @Test
  void clusterModeFindsItsShippedFilesByBaseNameAndTrainsTheBitsOfLocalMode()
      throws Exception {
    submit("cluster", config.getFileName().toString(), "--files",
        config + "," + Path.of("conf/log4j2.properties").toAbsolutePath());
    assertArrayEquals(reference, read("/runs/cluster/model/params.bin"));
    // The driver ran in the application master's container (its output is there), and its
    // log lines have the shipped log4j2.properties' layout (time only; Spark's own starts with
    // the date).
    String out = containerLogs("stdout");
    assertTrue(out.contains("model written to " + root + "/runs/cluster/model"), out);
    String log = containerLogs("stderr");
    assertTrue(Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d (INFO|WARN|ERROR) \\w+: ")
        .matcher(log).find(), log);
  }

  /** jobs/train.sh CONFIG --master yarn in the given deploy mode, writing runs/MODE. */
  private static void submit(String mode, String configArg, String... submitArgs)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HADOOP_CONF_DIR", confDir.toString());
    env.put("SPARSEVD_JAVA_OPTS", "-Xmx1g");
    String javaHome = System.getProperty("java.home");
    env.put("SPARSEVD_SUBMIT_ARGS", String.join(" ", Stream.concat(Stream.of(
        "--deploy-mode", mode,
        // The Spark jars are on every node of this one-machine cluster: no upload.
        "--conf", "spark.yarn.jars=local:" + StandaloneCluster.sparkHome() + "/jars/*",
        // No web UI, as in the other tests: YARN adds its proxy filter to the UI while the UI
        // starts, and Jetty then failed the driver's start with a ConcurrentModificationException.
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.instances=2",
        "--conf", "spark.executor.memory=512m",
        "--conf", "spark.driver.memory=512m",
        "--conf", "spark.yarn.am.memory=512m",
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
        "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome), Stream.of(submitArgs)).toList()));
    Path log = tmp.resolve(mode + ".log");
    try (DriverProcess p = DriverProcess.run(log, List.of(JOBS + "/train.sh", configArg,
        "--master", "yarn", "--output", root + "/runs/" + mode), env)) {
      assertEquals(0, p.await(), p.output() + containerLogs("stderr"));
    }
  }

  /** The named log of every container, concatenated, each headed by its path. */
  private static String containerLogs(String name) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(yarn.getTestWorkDir().toPath())) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals(name)
          && f.toString().contains("container_")).sorted().toList()) {
        all.append("== ").append(f).append('\n').append(Files.readString(f));
      }
    }
    return all.toString();
  }

  private static byte[] read(String path) throws IOException {
    FileSystem fs = hdfs.getFileSystem();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root + path);
    try (FSDataInputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }
}
