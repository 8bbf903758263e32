package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.spark.TestSpark;

/**
 * The train job on a standalone cluster spread over three hosts, each a network namespace of its
 * own ({@link NetnsHosts}): the master and worker 1 on host 1, worker 2 on host 2, the driver on
 * host 3, started the way a user starts them ({@code jobs/cluster.sh start --host},
 * {@code jobs/cluster.sh worker --master}, {@code jobs/train.sh ... --master spark://HOST:7077}),
 * with no address pinned anywhere: every process finds its own host's address. A process that
 * dialled 127.0.0.1 would reach its own namespace only. The hosts share this machine's files,
 * as cluster hosts share a network file system. The model must be the bits of local mode, also
 * when the executor on host 2 is killed mid-run, and when the cluster runs with {@code
 * spark.authenticate} and network encryption (a driver without the secret is refused).
 *
 * <p>Tagged {@code cluster}; skipped, saying why, where {@code ip netns} is refused (not root).
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostTrainJobTest {
  private static final int EPOCHS = 4;
  /** The job scripts, run from the checkout as the README runs them. */
  private static final Path JOBS = Path.of("jobs").toAbsolutePath();
  private static final String MASTER = "spark://" + NetnsHosts.address(1) + ":7077";
  @TempDir static Path tmp;
  private static NetnsHosts hosts;
  private static Path config;
  private static byte[] reference;

  @BeforeAll
  static void setUp() throws Exception {
    try {
      hosts = NetnsHosts.create(3);
    } catch (IOException e) {
      Assumptions.abort("network namespaces are refused here: " + e.getMessage());
    }
    SparkSession spark = TestSpark.session();
    String data = tmp.resolve("mnist-3000.parquet").toString();
    ClusterJobConfig.writeData(spark, data);
    config = ClusterJobConfig.write(tmp.resolve("multihost.properties"), data, EPOCHS);
    ClusterJobConfig.trainLocally(spark, config, tmp.resolve("local").toString());
    reference = Files.readAllBytes(tmp.resolve("local/model/params.bin"));

    // Built here, where Maven has its repository: the hosts start from the result offline.
    script(tmp.resolve("prepare.log"), List.of(JOBS + "/cluster.sh", "prepare"), 0, null);
    script(tmp.resolve("host1.log"), hosts.on(1, List.of(JOBS + "/cluster.sh", "start", "1",
        "--host", NetnsHosts.address(1))), 1, null);
    script(tmp.resolve("host2.log"), hosts.on(2, List.of(JOBS + "/cluster.sh", "worker",
        "--master", MASTER, "--host", NetnsHosts.address(2))), 2, null);
    String master = Files.readString(tmp.resolve("cluster-1/master.log"));
    assertEquals(2, master.split("Registering worker", -1).length - 1,
        "workers registered with the master on host 1:\n" + master);
  }

  @AfterAll
  static void tearDown() {
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  @Order(1)
  void trainsAcrossThreeHostsToTheBitsOfLocalMode() throws Exception {
    try (DriverProcess d = train("fault-free", null)) {
      d.awaitWhileRunning("executors on hosts 1 and 2", () -> executorHosts().size() == 2);
      assertEquals(List.of(NetnsHosts.address(1), NetnsHosts.address(2)), executorHosts());
      assertTrue(executors().stream().allMatch(e -> e.contains("--driver-url spark://"
          + "CoarseGrainedScheduler@" + NetnsHosts.address(3) + ":")),
          "executors must dial the driver on host 3: " + executors());
      assertEquals(0, d.await(), d.output());
    }
    assertArrayEquals(reference, Files.readAllBytes(tmp.resolve("fault-free/model/params.bin")));
    assertTrue(Files.exists(tmp.resolve("fault-free/_SUCCESS")));
  }

  @Test
  @Order(2)
  void survivesTheLossOfTheExecutorOnAnotherHost() throws Exception {
    try (DriverProcess d = train("executor-killed", null)) {
      d.awaitWhileRunning("the first epoch", () -> outputOf(d).contains("epoch 1/" + EPOCHS));
      ProcessHandle victim = executorProcesses().stream()
          .filter(h -> commandLine(h).contains("--hostname " + NetnsHosts.address(2)))
          .findFirst().orElseThrow(() -> new AssertionError("no executor on host 2: "
              + executors()));
      assertTrue(victim.destroyForcibly());
      assertTrue(d.isAlive(), "the job must still be training when its executor dies");
      assertEquals(0, d.await(), d.output());
      assertTrue(d.output().contains("Lost executor"), "the driver never saw it die:\n"
          + d.output());
      assertFalse(victim.isAlive());
    }
    assertArrayEquals(reference,
        Files.readAllBytes(tmp.resolve("executor-killed/model/params.bin")));
  }

  /**
   * The same hosts, the cluster restarted with authentication and encryption switched on in the
   * cluster's own spark-defaults.conf ({@code SPARK_CONF_DIR}), as an administrator does.
   */
  @Test
  @Order(3)
  void aSecuredClusterTrainsWithItsSecretAndRefusesADriverWithout() throws Exception {
    for (int host = 1; host <= 2; host++) {
      script(tmp.resolve("stop-" + host + ".log"), List.of(JOBS + "/cluster.sh", "stop"), host,
          null);
    }
    Path secured = sparkConf("secured-conf", "spark.authenticate true",
        "spark.authenticate.secret " + Long.toHexString(new java.security.SecureRandom()
            .nextLong()), "spark.network.crypto.enabled true");
    script(tmp.resolve("secured-host1.log"), hosts.on(1, List.of(JOBS + "/cluster.sh", "start",
        "1", "--host", NetnsHosts.address(1))), 1, secured);
    script(tmp.resolve("secured-host2.log"), hosts.on(2, List.of(JOBS + "/cluster.sh", "worker",
        "--master", MASTER, "--host", NetnsHosts.address(2))), 2, secured);
    Path masterLog = tmp.resolve("cluster-1/master.log");
    assertEquals(2, Files.readString(masterLog).split("Registering worker", -1).length - 1,
        "workers registered with the secured master:\n" + Files.readString(masterLog));

    try (DriverProcess d = train("secured", secured)) {
      assertEquals(0, d.await(), d.output());
    }
    assertArrayEquals(reference, Files.readAllBytes(tmp.resolve("secured/model/params.bin")));

    Path open = sparkConf("open-conf", "spark.authenticate false");
    try (DriverProcess d = train("no-secret", open)) {
      d.awaitWhileRunning("the refusal", () -> outputOf(d).contains("Failed to connect to "
          + "master " + NetnsHosts.address(1) + ":7077"));
      assertEquals(1, Files.readString(masterLog).split("Registering app", -1).length - 1,
          "only the job with the secret may register:\n" + Files.readString(masterLog));
    }
  }

  /** A folder holding a spark-defaults.conf of these lines. */
  private static Path sparkConf(String name, String... lines) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("spark-defaults.conf"), String.join("\n", lines) + "\n");
    return dir;
  }

  /**
   * The train job's driver on host 3, started as a user starts it.
   *
   * @param sparkConf the folder of the cluster's spark-defaults.conf, or null for none
   */
  private static DriverProcess train(String name, Path sparkConf) throws IOException {
    return DriverProcess.run(tmp.resolve(name + ".log"), hosts.on(3, List.of(JOBS + "/train.sh",
        config.toString(), "--master", MASTER, "--output", tmp.resolve(name).toString())),
        environment(3, sparkConf));
  }

  /**
   * Runs a short script to its end on the test machine or a host; a non-zero exit fails with
   * its output.
   */
  private static void script(Path log, List<String> command, int host, Path sparkConf)
      throws Exception {
    try (DriverProcess p = DriverProcess.run(log, command, environment(host, sparkConf))) {
      assertEquals(0, p.await(), String.join(" ", command) + ":\n" + p.output());
    }
  }

  /**
   * What the scripts of a host see: no SPARK_LOCAL_IP (the test JVM's pins loopback), small
   * JVMs, and cluster files of the host's own.
   */
  private static Map<String, String> environment(int host, Path sparkConf) {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_CONF_DIR", sparkConf == null ? null : sparkConf.toString());
    env.put("SPARK_LOCAL_IP", null);
    env.put("SPARSEVD_JAVA_OPTS", "-Xmx1g");
    env.put("SPARSEVD_WORKER_MEMORY", "1g");
    env.put("SPARSEVD_CLUSTER_DIR", tmp.resolve("cluster-" + host).toString());
    return env;
  }

  /** The executors of this test's cluster: those that talk to a driver on host 3. */
  private static List<ProcessHandle> executorProcesses() {
    return ProcessHandle.allProcesses().filter(h -> {
      String cmd = commandLine(h);
      return cmd.contains("CoarseGrainedExecutorBackend")
          && cmd.contains("@" + NetnsHosts.address(3) + ":");
    }).toList();
  }

  private static List<String> executors() {
    return executorProcesses().stream().map(MultiHostTrainJobTest::commandLine).toList();
  }

  /** The hosts the executors run on (their --hostname), sorted. */
  private static List<String> executorHosts() {
    return executors().stream().map(cmd -> cmd.replaceAll(".*--hostname (\\S+).*", "$1"))
        .sorted().distinct().collect(Collectors.toList());
  }

  private static String commandLine(ProcessHandle h) {
    return h.info().arguments().map(a -> String.join(" ", a)).orElse("");
  }

  private static String outputOf(DriverProcess d) {
    try {
      return d.output();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
