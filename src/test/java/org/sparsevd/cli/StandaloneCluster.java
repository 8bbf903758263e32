package org.sparsevd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and workers, each its own JVM,
 * on free ports (never a developer's 7077), launching executors from a SPARK_HOME whose jars
 * are the build's provided Spark and Hadoop jars. {@link #close} stops every JVM it started,
 * executors included; a shutdown hook does the same if the test JVM exits first.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START_TIMEOUT_MS = 60_000;

  private final String masterUrl;
  private final int masterUiPort;
  private final List<Process> workers = new ArrayList<>();
  private final List<Process> started = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "stop test cluster");

  private StandaloneCluster(int masterPort, int masterUiPort) {
    this.masterUrl = "spark://127.0.0.1:" + masterPort;
    this.masterUiPort = masterUiPort;
  }

  /**
   * Starts the master and {@code workers} workers of 1 core and {@code workerMemory} each,
   * and waits until all workers are registered.
   *
   * @param dir logs and the workers' work directories go here
   */
  static StandaloneCluster start(Path dir, int workers, String workerMemory)
      throws IOException, InterruptedException {
    Path home = sparkHome();
    Files.createDirectories(dir);
    StandaloneCluster c = new StandaloneCluster(freePort(), freePort());
    Runtime.getRuntime().addShutdownHook(c.hook);
    try {
      c.started.add(c.launch(home, dir.resolve("master.log"),
          "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          c.masterUrl.substring(c.masterUrl.lastIndexOf(':') + 1), "--webui-port",
          String.valueOf(c.masterUiPort)));
      c.awaitWorkers(0);
      for (int w = 1; w <= workers; w++) {
        Path work = Files.createDirectories(dir.resolve("work-" + w));
        Process p = c.launch(home, dir.resolve("worker-" + w + ".log"),
            "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port",
            String.valueOf(freePort()), "--webui-port", String.valueOf(freePort()), "--cores", "1",
            "--memory", workerMemory, "--work-dir", work.toString(), c.masterUrl);
        c.started.add(p);
        c.workers.add(p);
      }
      c.awaitWorkers(workers);
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /** The live executor JVMs the workers launched (children of the worker processes). */
  List<ProcessHandle> executors() {
    return workers.stream().flatMap(Process::descendants)
        .filter(h -> h.isAlive() && h.info().arguments().map(a -> String.join(" ", a))
            .orElse("").contains("CoarseGrainedExecutorBackend"))
        .toList();
  }

  /** A port that was free a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The JVM flags, Spark classpath and directories that the build passes to the tests. */
  static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set (see the pom)");
    }
    return v;
  }

  /** The provided Spark and Hadoop jars of the build. */
  static List<String> sparkJars() throws IOException {
    Path file = Path.of(property("sparsevd.spark.classpath"));
    List<String> jars = List.of(Files.readString(file).trim().split(java.io.File.pathSeparator));
    if (jars.size() < 10) {
      throw new IllegalStateException(file + " lists " + jars.size() + " jars, not Spark's");
    }
    return jars;
  }

  /**
   * The tests' SPARK_HOME, in the build directory next to the classpath file and kept (the
   * links are the same from run to run): jars/ links to the Spark jars, from which workers and
   * YARN containers launch executors.
   */
  static Path sparkHome() throws IOException {
    Path home = Path.of(property("sparsevd.spark.classpath")).toAbsolutePath().getParent()
        .resolve("test-spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String jar : sparkJars()) {
      Path link = jars.resolve(Path.of(jar).getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, Path.of(jar));
      }
    }
    return home;
  }

  private Process launch(Path home, Path log, String main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-cp",
        home.resolve("jars") + "/*", main));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    // Without it every executor launch fails with "Cannot find any build directories".
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Polls the master's JSON status until {@code n} workers are alive. */
  private void awaitWorkers(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    String last = "no answer";
    while (System.currentTimeMillis() < deadline) {
      for (Process p : started) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster JVM exited with " + p.exitValue()
              + " while starting: " + p.info().commandLine().orElse("?"));
        }
      }
      try (InputStream in = URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL()
          .openStream()) {
        JsonNode state = JSON.readTree(in);
        if (state.path("aliveworkers").asInt(-1) >= n) {
          return;
        }
        last = "alive workers: " + state.path("aliveworkers").asText();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("cluster at " + masterUrl + " did not get " + n
        + " workers within " + START_TIMEOUT_MS + " ms; " + last);
  }

  private void stopAll() {
    // Executors first: they are the workers' children and would outlive a killed worker.
    for (Process w : workers) {
      w.descendants().forEach(ProcessHandle::destroyForcibly);
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and runs the hook itself.
    }
  }
}
