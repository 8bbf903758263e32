package org.sparsevd.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A job's driver in a JVM of its own, as {@code jobs/train.sh} starts it: the project's classes
 * and the Spark jars on the classpath, Spark's module flags, the project's log configuration.
 * Executors get the project's classes through {@code spark.executor.extraClassPath}. Output
 * (stdout and stderr) goes to a log file the test reads.
 */
final class DriverProcess implements AutoCloseable {
  private static final long TIMEOUT_MS = 240_000;
  private final Process process;
  private final Path log;

  private DriverProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code main} with the job's arguments. */
  static DriverProcess start(Path log, String main, List<String> jobArgs) throws IOException {
    String classes = Path.of(Train.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath()).toString();
    List<String> cmd = new ArrayList<>(List.of(StandaloneCluster.javaBinary(), "-Xmx1g",
        "-XX:G1HeapRegionSize=16m"));
    cmd.addAll(List.of(StandaloneCluster.property("sparsevd.jvm.flags").trim().split("\\s+")));
    cmd.addAll(List.of(
        "-Dlog4j.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath(),
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dspark.ui.enabled=false", "-Dspark.executor.memory=1g",
        "-Dspark.executor.extraClassPath=" + classes,
        "-cp", classes + java.io.File.pathSeparator
            + Files.readString(Path.of(StandaloneCluster.property("sparsevd.job.classpath")))
                .trim() + java.io.File.pathSeparator
            + String.join(java.io.File.pathSeparator, StandaloneCluster.sparkJars()),
        main));
    cmd.addAll(jobArgs);
    return run(log, cmd, Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
  }

  /**
   * Runs {@code command} (a job script, say) with the test JVM's environment changed by
   * {@code env}: a null value removes the variable.
   */
  static DriverProcess run(Path log, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    return new DriverProcess(pb.start(), log);
  }

  /** Everything the driver printed so far. */
  String output() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until {@code condition} holds; fails if the driver exits first or time runs out.
   */
  void awaitWhileRunning(String what, BooleanSupplier condition)
      throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new AssertionError("driver exited with " + process.exitValue() + " before "
            + what + "; output:\n" + output());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no " + what + " within " + TIMEOUT_MS + " ms; output:\n"
            + output());
      }
      Thread.sleep(50);
    }
  }

  /** Waits for the driver to exit and returns its exit code. */
  int await() throws InterruptedException, IOException {
    if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("driver still running after " + TIMEOUT_MS + " ms; output:\n"
          + output());
    }
    return process.exitValue();
  }

  /** Kills the driver JVM with SIGKILL: no shutdown hook, no clean-up, like a lost machine. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
