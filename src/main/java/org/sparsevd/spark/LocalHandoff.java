package org.sparsevd.spark;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Partial gradients passed from tasks to the driver by reference when they share a JVM
 * (Spark's local mode, where executors are threads of the driver). Spark would otherwise
 * serialise each 2 MB partial into its task result and copy it several times on the way to
 * {@code collect}: about 5 ms per step for two partitions, a third of an empty job's cost.
 * The task still reports through its result (rows, loss); only the array skips the copies.
 *
 * <p>A slot is keyed by (source, step, partition): a retried task overwrites its own slot, and
 * the driver takes every slot of a step or drops them if the step fails.
 */
final class LocalHandoff {
  private static final ConcurrentHashMap<String, float[]> SLOTS = new ConcurrentHashMap<>();

  private LocalHandoff() {}

  static String key(String source, long step, int partition) {
    return source + ":" + step + ":" + partition;
  }

  static void put(String key, float[] grad) {
    SLOTS.put(key, grad);
  }

  /** Removes and returns the slot; fails if the task's array is not there. */
  static float[] take(String key) {
    float[] g = SLOTS.remove(key);
    if (g == null) {
      throw new IllegalStateException("partial gradient " + key + " was not handed over");
    }
    return g;
  }

  /** Drops whatever the tasks of a failed step left behind. */
  static void dropStep(String source, long step) {
    String prefix = source + ":" + step + ":";
    SLOTS.keySet().removeIf(k -> k.startsWith(prefix));
  }
}
