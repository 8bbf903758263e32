package org.sparsevd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.optim.OptimizerState;
import org.sparsevd.train.TrainingState;

class CheckpointStoreTest {
  @TempDir Path dir;

  private CheckpointStore store(int keep) {
    return new CheckpointStore(new org.apache.hadoop.fs.Path(dir.toString()), new Configuration(),
        keep);
  }

  private static TrainingState state(int epochs) {
    float[] p = {epochs, 2, 3};
    return new TrainingState(p, new OptimizerState(epochs * 10L, new float[] {1, 1, 1},
        new float[] {2, 2, 2}), epochs, epochs * 100L);
  }

  @Test
  void roundTripAndKeepsTheNewest() throws Exception {
    CheckpointStore s = store(2);
    for (int e = 1; e <= 4; e++) {
      s.write(state(e), 42);
    }
    try (var files = Files.list(dir)) {
      // Hidden files are the local file system's own .crc sidecars.
      assertEquals(List.of("ckpt-000003.bin", "ckpt-000004.bin"),
          files.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith("."))
              .sorted().toList());
    }
    TrainingState t = s.latest(42, w -> { }).orElseThrow();
    assertEquals(4, t.epochsDone());
    assertEquals(400, t.step());
    assertEquals(40, t.optimizer().steps());
    assertArrayEquals(new float[] {4, 2, 3}, t.params());
    assertArrayEquals(new float[] {2, 2, 2}, t.optimizer().second());
  }

  /** Checkpoints within an epoch come after their epochs' and before the next epoch's. */
  @Test
  void checkpointsWithinAnEpochAreOrderedByStep() throws Exception {
    CheckpointStore s = store(10);
    s.write(state(1), 5);
    TrainingState at = new TrainingState(new float[] {7, 2, 3}, new OptimizerState(17,
        new float[3], new float[3]), 1, 170);
    s.writeWithinEpoch(at, 5);
    s.writeWithinEpoch(new TrainingState(new float[] {9, 2, 3}, new OptimizerState(9,
        new float[3], new float[3]), 1, 90), 5);
    assertEquals(List.of("ckpt-000001.bin", "ckpt-000001-step-000000000090.bin",
        "ckpt-000001-step-000000000170.bin"), s.list().stream().map(p -> p.getName()).toList());
    TrainingState t = s.latest(5, w -> { }).orElseThrow();
    assertEquals(170, t.step());
    assertEquals(1, t.epochsDone());
    s.write(state(2), 5);
    assertEquals(200, s.latest(5, w -> { }).orElseThrow().step());
  }

  @Test
  void aCorruptedOrTruncatedNewestFallsBackWithAWarningNamingTheFile() throws Exception {
    CheckpointStore s = store(3);
    s.write(state(1), 7);
    s.write(state(2), 7);
    s.write(state(3), 7);
    Path newest = dir.resolve("ckpt-000003.bin");
    byte[] bytes = Files.readAllBytes(newest);
    bytes[40] ^= 1;
    Files.write(newest, bytes);
    Path second = dir.resolve("ckpt-000002.bin");
    Files.write(second, java.util.Arrays.copyOf(Files.readAllBytes(second), 50));
    List<String> warnings = new ArrayList<>();
    TrainingState t = s.latest(7, warnings::add).orElseThrow();
    assertEquals(1, t.epochsDone());
    assertEquals(2, warnings.size());
    // Either Hadoop's CRC of the local file system or the container's SHA-256 catches it.
    assertTrue(warnings.get(0).contains("ckpt-000003.bin")
        && warnings.get(0).toLowerCase(java.util.Locale.ROOT).contains("checksum"),
        warnings.get(0));
    assertTrue(warnings.get(1).contains("ckpt-000002.bin"), warnings.get(1));
  }

  @Test
  void aCheckpointOfAnotherConfigurationIsRefused() throws Exception {
    CheckpointStore s = store(3);
    s.write(state(1), 7);
    Exception e = assertThrows(java.io.IOException.class, () -> s.latest(8, w -> { }));
    assertTrue(e.getMessage().contains("different configuration"), e.getMessage());
  }

  @Test
  void headerFieldsCannotClaimMoreThanTheFileHolds() {
    byte[] good = FloatArrays.encode(new long[] {1}, new float[] {1, 2, 3});
    // The length of the first array sits after magic (8), nLongs (4), one long (8), nArrays (4).
    java.nio.ByteBuffer.wrap(good).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24, 1 << 30);
    byte[] body = java.util.Arrays.copyOf(good, good.length - 32);
    byte[] resealed = java.util.Arrays.copyOf(body, good.length);
    System.arraycopy(FloatArrays.sha256(body, body.length), 0, resealed, body.length, 32);
    Exception e = assertThrows(java.io.IOException.class,
        () -> FloatArrays.decode(resealed, "x.bin"));
    assertTrue(e.getMessage().startsWith("x.bin: header says 1073741824 floats of array 0"),
        e.getMessage());
    e = assertThrows(java.io.IOException.class,
        () -> FloatArrays.decode("not a model file at all, sorry".getBytes(), "y.bin"));
    assertTrue(e.getMessage().startsWith("y.bin: not a SparseVD array file"), e.getMessage());
  }
}
