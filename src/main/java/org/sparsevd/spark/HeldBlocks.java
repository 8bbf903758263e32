package org.sparsevd.spark;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparsevd.spark.data.DataBlock;

/**
 * The blocks the latest steps of a block-ordered epoch read in this JVM, kept deserialised:
 * consecutive steps take their batches from the same blocks, which are then read (from a
 * DISK_ONLY or serialised cache, or recomputed) once per epoch instead of once per step. For
 * each stream of the order (partition p is in stream p mod G) the two most recently used blocks
 * are held: a step at a block boundary needs both. Keys name the gradient source, so that
 * blocks of another data set or run are never taken for these; a new source's first block
 * drops the blocks of the others.
 */
final class HeldBlocks {
  private static final int PER_STREAM = 2;
  private static final Map<String, Held> HELD = new LinkedHashMap<>(8, 0.75f, true);

  private record Held(String source, int stream, DataBlock block) {}

  private HeldBlocks() {}

  /**
   * The block of {@code partition}: the held one, or else the one partition's iterator yields
   * (read only then), which is held from now on.
   *
   * @param streams G of the block order
   */
  static DataBlock get(String source, int partition, int streams, Iterator<DataBlock> blocks) {
    String key = source + ":" + partition;
    synchronized (HELD) {
      Held held = HELD.get(key);
      if (held != null) {
        return held.block();
      }
    }
    // Read outside the lock: the blocks of a step may be read side by side.
    DataBlock block = blocks.next();
    if (blocks.hasNext()) {
      throw new IllegalStateException("partition " + partition + " holds more than one block");
    }
    int stream = partition % streams;
    synchronized (HELD) {
      HELD.put(key, new Held(source, stream, block));
      long same = HELD.values().stream()
          .filter(h -> h.source().equals(source) && h.stream() == stream).count();
      // Least recently used first.
      Iterator<Held> it = HELD.values().iterator();
      while (it.hasNext()) {
        Held h = it.next();
        if (!h.source().equals(source)) {
          it.remove();
        } else if (h.stream() == stream && same > PER_STREAM) {
          it.remove();
          same--;
        }
      }
    }
    return block;
  }
}
