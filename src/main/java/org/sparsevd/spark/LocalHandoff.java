package org.sparsevd.spark;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The parameters of a step and its partial gradients passed by reference between the driver
 * and its tasks when they share a JVM (Spark's local mode, where executors are threads of the
 * driver). Spark would otherwise serialise the 2 MB parameters into a broadcast and each 2 MB
 * partial into its task result, copying them several times: about 7 ms of a step whose empty
 * job costs 14. Tasks still report rows and loss through their results.
 *
 * <p>Slots are keyed by (source, step[, partition]): a retried task overwrites its own slot,
 * and the driver takes every slot of a step, or drops them if the step fails.
 */
final class LocalHandoff {
  private static final ConcurrentHashMap<String, float[]> SLOTS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, float[]> PARAMS = new ConcurrentHashMap<>();

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

  /** Makes the step's parameters readable by its tasks; not copied, must stay unchanged. */
  static void publishParams(String source, long step, float[] params) {
    PARAMS.put(source + ":" + step, params);
  }

  static float[] params(String source, long step) {
    float[] p = PARAMS.get(source + ":" + step);
    if (p == null) {
      throw new IllegalStateException("parameters of " + source + ":" + step
          + " were not published");
    }
    return p;
  }

  static void withdrawParams(String source, long step) {
    PARAMS.remove(source + ":" + step);
  }

  /** Drops whatever the tasks of a failed step left behind. */
  static void dropStep(String source, long step) {
    String prefix = source + ":" + step + ":";
    SLOTS.keySet().removeIf(k -> k.startsWith(prefix));
  }
}
