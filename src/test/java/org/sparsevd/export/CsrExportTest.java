package org.sparsevd.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparsevd.data.Scaling;
import org.sparsevd.io.FloatArrays;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.sparse.SparseNetwork;

/** The CSR file: round trips, and every kind of damage is a clear error naming the file. */
class CsrExportTest {
  private static final int ROWS = TrainedModels.TEST_ROWS;
  /** Magic, version, input size, classes: the scaling's byte count follows. */
  private static final int SCALING_COUNT_AT = 20;
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Scaling.Mode.class)
  void loadedFilePredictsAsTheModel(Scaling.Mode mode) throws Exception {
    roundTrip(TrainedModels.model(OnnxExportTest.LAYERS, mode));
  }

  @Test
  void denseLayerAndGaussianDropoutRoundTrip() throws Exception {
    roundTrip(TrainedModels.model("vd(64) | relu | gdrop(0.2) | dense(32) | relu | vd(10)",
        Scaling.Mode.STANDARDIZE));
  }

  @Test
  void softplusRoundTrips() throws Exception {
    roundTrip(TrainedModels.model(OnnxExportTest.SOFTPLUS_LAYERS, Scaling.Mode.CENTER));
  }

  private void roundTrip(SparseVdModel model) throws Exception {
    OnnxExportTest.assertPruned(model);
    CsrModel memory = CsrModel.of(model);
    Path file = dir.resolve("model.csr");
    Files.write(file, CsrExport.encode(memory));
    CsrModel loaded = CsrExport.read(file);
    float[] raw = TrainedModels.rawTestFeatures();
    assertArrayEquals(memory.logits(raw, ROWS), loaded.logits(raw, ROWS));
    assertArrayEquals(memory.probabilities(raw, ROWS), loaded.probabilities(raw, ROWS));
    assertEquals(model.scaling().serialize(), loaded.scaling().serialize());
    assertEquals(model.network().sparsity(model.params()).kept(), nonZeros(loaded.network()));
    OnnxExportTest.assertClose(TrainedModels.enginePrediction(model, raw, ROWS),
        new float[][] {loaded.logits(raw, ROWS), loaded.probabilities(raw, ROWS)},
        model.def().layers() + " / " + model.scaling().mode());
  }

  @Test
  void readingNeedsNeitherSparkNorHadoop() throws Exception {
    SparseVdModel model = TrainedModels.model(OnnxExportTest.LAYERS, Scaling.Mode.CENTER);
    Path file = dir.resolve("model.csr");
    Files.write(file, CsrExport.encode(CsrModel.of(model)));
    float[] raw = TrainedModels.rawTestFeatures();
    URL classes = CsrExport.class.getProtectionDomain().getCodeSource().getLocation();
    // Only the project's own classes and the JDK: any use of Spark or Hadoop would fail.
    try (URLClassLoader alone = new URLClassLoader(new URL[] {classes},
        ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class,
          () -> alone.loadClass("org.apache.hadoop.conf.Configuration"));
      Class<?> reader = alone.loadClass(CsrExport.class.getName());
      Object loaded = reader.getMethod("read", Path.class).invoke(null, file);
      assertTrue(loaded.getClass().getClassLoader() == alone);
      float[] p = (float[]) loaded.getClass().getMethod("probabilities", float[].class,
          int.class).invoke(loaded, raw, ROWS);
      assertArrayEquals(CsrModel.of(model).probabilities(raw, ROWS), p);
    }
  }

  @Test
  void truncatedFlippedAndForeignFilesFailNamingTheFile() throws Exception {
    byte[] good = encoded();
    assertFails(Arrays.copyOf(good, good.length - 9), "checksum mismatch");
    assertFails(Arrays.copyOf(good, 30), "not a SparseVD CSR file (bad magic or too short");
    assertFails(new byte[0], "not a SparseVD CSR file (bad magic or too short, 0 bytes)");
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    assertFails(flipped, "checksum mismatch");
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertFails(magic, "not a SparseVD CSR file");
    assertFails(withChecksum(putInt(good.clone(), 8, 2)),
        "CSR format version 2, this reader knows 1");
  }

  @Test
  void hugeCountsAreRefusedBeforeAnyAllocation() throws Exception {
    byte[] good = encoded();
    int step0 = firstStepAt(good);
    assertRefusedCheaply(putInt(good.clone(), SCALING_COUNT_AT, Integer.MAX_VALUE),
        "header says 2147483647 scaling bytes, only");
    assertRefusedCheaply(putInt(good.clone(), step0 - 4, Integer.MAX_VALUE),
        "header says 2147483647 steps, only");
    assertRefusedCheaply(putInt(good.clone(), step0 + 4, 1 << 30),
        "step 0 says 1073741824x784 with");
    assertRefusedCheaply(putInt(good.clone(), step0 + 12, Integer.MAX_VALUE),
        "with 2147483647 non-zeros (17179869692 bytes), only");
    assertRefusedCheaply(putInt(good.clone(), step0 + 12, -1), "with -1 non-zeros");
  }

  @Test
  void inconsistentContentIsAnErrorNamingTheStep() throws Exception {
    byte[] good = encoded();
    int step0 = firstStepAt(good);
    assertFails(withChecksum(putInt(good.clone(), step0, 7)),
        "step 0 has kind 7, expected 0 (ReLU), 1 (sparse linear) or 2 (softplus)");
    assertFails(withChecksum(putInt(good.clone(), step0 + 8, 783)),
        "step 0 takes 783 inputs, the previous step gives 784");
    assertFails(withChecksum(putInt(good.clone(), step0 + 4, 0)), "rows of step 0 is 0");
    // The first column index of step 0, after its 65 row pointers.
    assertFails(withChecksum(putInt(good.clone(), step0 + 16 + 4 * 65, 900)),
        "csr entry 0: column 900 outside [0, 784)");
    byte[] longer = Arrays.copyOf(good, good.length + 4);
    System.arraycopy(good, good.length - 32, longer, longer.length - 32, 32);
    assertFails(withChecksum(longer), "4 unexpected bytes after step 4");
    assertFails(withChecksum(putInt(good.clone(), 12, 785)),
        "step 0 takes 784 inputs, the previous step gives 785");
    SparseNetwork net = CsrModel.of(TrainedModels.model(OnnxExportTest.LAYERS,
        Scaling.Mode.CENTER)).network();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CsrModel(net, Scaling.fromStatistics(Scaling.Mode.CENTER, new double[5], null)));
    assertEquals("scaling fitted on 5 features, the network reads 784", e.getMessage());
  }

  /** The CENTER model's file: scaling with 784 means, then vd(64), relu, vd(32), relu, vd(10). */
  private static byte[] encoded() throws Exception {
    return CsrExport.encode(CsrModel.of(
        TrainedModels.model(OnnxExportTest.LAYERS, Scaling.Mode.CENTER)));
  }

  private static int firstStepAt(byte[] file) {
    return SCALING_COUNT_AT + 4 + getInt(file, SCALING_COUNT_AT) + 4;
  }

  private void assertRefusedCheaply(byte[] withBadCount, String message) throws Exception {
    byte[] bytes = withChecksum(withBadCount);
    Path file = dir.resolve("huge.csr");
    Files.write(file, bytes);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    IOException e = assertThrows(IOException.class, () -> CsrExport.read(file));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(message),
        e.getMessage());
    // Reading the file and parsing the scaling text; nothing near what the count claims.
    assertTrue(allocated < 8L * bytes.length + (4 << 20), allocated + " bytes allocated");
  }

  private void assertFails(byte[] bytes, String message) throws Exception {
    Path file = dir.resolve("bad.csr");
    Files.write(file, bytes);
    IOException e = assertThrows(IOException.class, () -> CsrExport.read(file));
    assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(message),
        e.getMessage());
  }

  private static byte[] withChecksum(byte[] b) {
    byte[] sha = FloatArrays.sha256(b, b.length - 32);
    System.arraycopy(sha, 0, b, b.length - 32, 32);
    return b;
  }

  private static byte[] putInt(byte[] b, int at, int value) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    return b;
  }

  private static int getInt(byte[] b, int at) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
  }

  private static long nonZeros(SparseNetwork net) {
    return net.steps().stream().filter(s -> s.weights() != null)
        .mapToLong(s -> s.weights().nonZeros()).sum();
  }
}
