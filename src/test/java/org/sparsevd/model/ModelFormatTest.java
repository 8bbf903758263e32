package org.sparsevd.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.Scaling;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.Parameterization;
import org.sparsevd.nn.VdSettings;

class ModelFormatTest {
  @TempDir Path dir;

  private SparseVdModel model() {
    NetworkDef def = new NetworkDef("vd(4) | relu | vd(3)", 5,
        VdSettings.DEFAULTS.withParameterization(Parameterization.LOG_ALPHA));
    float[] params = def.build().initParams(3);
    return new SparseVdModel(def, 3, params, Scaling.divide255(), Map.of("seed", "3"));
  }

  private org.apache.hadoop.fs.Path path() {
    return new org.apache.hadoop.fs.Path(dir.resolve("m").toString());
  }

  /** Rewrites a file as another program would, without the local file system's CRC sidecar. */
  private static void edit(Path file, String text) throws java.io.IOException {
    Files.writeString(file, text);
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
  }

  @Test
  void roundTrip() throws Exception {
    SparseVdModel m = model();
    ModelFormat.write(m, path(), new Configuration());
    SparseVdModel r = ModelFormat.read(path(), new Configuration());
    assertEquals(m.def(), r.def());
    assertArrayEquals(m.params(), r.params());
    assertEquals(m.scaling().serialize(), r.scaling().serialize());
    assertEquals("3", r.provenance().get("seed"));
  }

  @Test
  void corruptedTruncatedAndForeignFilesFailClearly() throws Exception {
    ModelFormat.write(model(), path(), new Configuration());
    Path params = dir.resolve("m/params.bin");
    byte[] good = Files.readAllBytes(params);
    Files.write(params, java.util.Arrays.copyOf(good, good.length - 7));
    Files.deleteIfExists(dir.resolve("m/.params.bin.crc"));
    Exception e = assertThrows(java.io.IOException.class,
        () -> ModelFormat.read(path(), new Configuration()));
    assertTrue(e.getMessage().contains("params.bin: SHA-256"), e.getMessage());
    // With the local file system's CRC sidecar in place, that catches it first.
    ModelFormat.write(model(), path(), new Configuration());
    byte[] flipped = Files.readAllBytes(params);
    flipped[20] ^= 4;
    Files.write(params, flipped);
    e = assertThrows(java.io.IOException.class,
        () -> ModelFormat.read(path(), new Configuration()));
    assertTrue(e.getMessage().contains("params.bin") && e.getMessage().contains("hecksum"),
        e.getMessage());

    ModelFormat.write(model(), path(), new Configuration());
    Path json = dir.resolve("m/model.json");
    edit(json, Files.readString(json).replace("\"version\" : 1", "\"version\" : 9"));
    e = assertThrows(java.io.IOException.class, () -> ModelFormat.read(path(), new Configuration()));
    assertTrue(e.getMessage().contains("format version 9, this reader knows 1"), e.getMessage());

    edit(json, "{\"hello\": \"world\"}");
    e = assertThrows(java.io.IOException.class, () -> ModelFormat.read(path(), new Configuration()));
    assertTrue(e.getMessage().contains("not a sparsevd-model file"), e.getMessage());

    edit(json, "{ not json");
    e = assertThrows(java.io.IOException.class, () -> ModelFormat.read(path(), new Configuration()));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }
}
