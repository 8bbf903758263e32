package org.sparsevd.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts for multi-host tests on one machine: each host is a Linux network namespace with its own
 * loopback and one address on a private /24, joined to the others by veth pairs on a bridge in a
 * namespace of its own. No process in one host reaches another through 127.0.0.1, and nothing
 * outside these namespaces is given an address or a route. Needs root ({@code ip netns});
 * {@link #close} kills every process left in the namespaces and deletes them, also after a
 * failure (and from a shutdown hook if the JVM exits first).
 */
final class NetnsHosts implements AutoCloseable {
  private static final String SUBNET = "10.77.0.";

  private final String prefix;
  private final int hosts;
  private final List<String> namespaces = new ArrayList<>();
  private final Thread hook = new Thread(this::removeAll, "remove test namespaces");

  private NetnsHosts(String prefix, int hosts) {
    this.prefix = prefix;
    this.hosts = hosts;
  }

  /**
   * Creates {@code hosts} hosts, host i (from 1) at {@link #address}(i).
   *
   * @throws IOException when {@code ip netns} is refused (not root, no iproute2, no namespaces)
   */
  static NetnsHosts create(int hosts) throws IOException, InterruptedException {
    // Short and unique per test JVM: interface names hold at most 15 characters.
    String prefix = "svd" + Long.toString(ProcessHandle.current().pid() % 100_000, 36);
    NetnsHosts h = new NetnsHosts(prefix, hosts);
    Runtime.getRuntime().addShutdownHook(h.hook);
    try {
      String bridge = h.bridgeNamespace();
      h.addNamespace(bridge);
      ip("-n", bridge, "link", "add", "br0", "type", "bridge");
      ip("-n", bridge, "link", "set", "br0", "up");
      for (int i = 1; i <= hosts; i++) {
        String ns = h.namespace(i);
        h.addNamespace(ns);
        String inHost = prefix + "h" + i;
        String onBridge = prefix + "b" + i;
        ip("link", "add", inHost, "netns", ns, "type", "veth", "peer", "name", onBridge,
            "netns", bridge);
        ip("-n", bridge, "link", "set", onBridge, "master", "br0");
        ip("-n", bridge, "link", "set", onBridge, "up");
        ip("-n", ns, "addr", "add", address(i) + "/24", "dev", inHost);
        ip("-n", ns, "link", "set", inHost, "up");
        ip("-n", ns, "link", "set", "lo", "up");
      }
      return h;
    } catch (IOException | InterruptedException | RuntimeException e) {
      h.close();
      throw e;
    }
  }

  /** The address of host i (from 1) on the bridge. */
  static String address(int host) {
    return SUBNET + host;
  }

  /** The namespace of host i (from 1). */
  String namespace(int host) {
    if (host < 1 || host > hosts) {
      throw new IllegalArgumentException("host " + host + " of " + hosts);
    }
    return prefix + "-" + host;
  }

  /** {@code command} run in host i's namespace: prefix it to a process's command line. */
  List<String> on(int host, List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    cmd.addAll(command);
    return cmd;
  }

  private String bridgeNamespace() {
    return prefix + "-br";
  }

  private void addNamespace(String ns) throws IOException, InterruptedException {
    ip("netns", "add", ns);
    namespaces.add(ns);
  }

  /** Runs {@code ip ARGS}; a non-zero exit is an IOException carrying its message. */
  private static String ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + ": no answer in 30 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": "
          + out);
    }
    return out;
  }

  /** Kills what runs in each namespace, then deletes it (its interfaces go with it). */
  private void removeAll() {
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      String ns = namespaces.get(i);
      try {
        for (String pid : ip("netns", "pids", ns).split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        waitUntilEmpty(ns);
        ip("netns", "del", ns);
      } catch (IOException e) {
        System.err.println("removing namespace " + ns + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    namespaces.clear();
  }

  private static void waitUntilEmpty(String ns) throws IOException, InterruptedException {
    for (int k = 0; k < 100 && !ip("netns", "pids", ns).isBlank(); k++) {
      Thread.sleep(100);
    }
  }

  @Override
  public void close() {
    removeAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and runs the hook itself.
    }
  }
}
