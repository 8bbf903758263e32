package org.sparsevd.spark;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparsevd.spark.data.DataBlock;

/**
 * The blocks the latest steps of a block-ordered epoch read in this JVM, kept deserialised:
 * consecutive steps take their batches from the same block, which is then read (from a
 * DISK_ONLY or serialised cache, or recomputed) once per epoch instead of once per step. Two
 * blocks are held, the most recently used: a step at a block boundary needs both. Keys name
 * the gradient source, so that blocks of another data set or run are never taken for these.
 */
final class HeldBlocks {
  static final int CAPACITY = 2;
  private static final Map<String, DataBlock> HELD = new LinkedHashMap<>(4, 0.75f, true);

  private HeldBlocks() {}

  /**
   * The block of {@code partition}: the held one, or else the one partition's iterator yields
   * (read only then), which is held from now on.
   */
  static DataBlock get(String source, int partition, Iterator<DataBlock> blocks) {
    String key = source + ":" + partition;
    synchronized (HELD) {
      DataBlock held = HELD.get(key);
      if (held != null) {
        return held;
      }
    }
    // Read outside the lock: the two blocks of a boundary step may be read side by side.
    DataBlock block = blocks.next();
    if (blocks.hasNext()) {
      throw new IllegalStateException("partition " + partition + " holds more than one block");
    }
    synchronized (HELD) {
      HELD.put(key, block);
      Iterator<String> oldest = HELD.keySet().iterator();
      while (HELD.size() > CAPACITY) {
        oldest.next();
        oldest.remove();
      }
    }
    return block;
  }
}
