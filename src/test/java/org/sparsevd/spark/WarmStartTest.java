package org.sparsevd.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingState;

class WarmStartTest {
  private static final String CONVS = "image(8, 8, 1) | vdconv(3, 3) | relu | maxpool(2) "
      + "| flatten | vd(5) | relu | vd(4)";

  @TempDir Path dir;

  private WarmStart saved() throws Exception {
    NetworkDef def = new NetworkDef(CONVS, 64, VdSettings.DEFAULTS);
    float[] params = new float[def.build().paramCount()];
    for (int i = 0; i < params.length; i++) {
      params[i] = 0.25f + i * 1e-3f;
    }
    ModelFormat.write(new SparseVdModel(def, 4, params, Scaling.none(), Map.of()),
        new org.apache.hadoop.fs.Path(dir.toString()), new Configuration());
    return WarmStart.read(dir.toString(), "init_model", "none", new Configuration());
  }

  @Test
  void theSameNetworkStartsFromTheModelsParameters() throws Exception {
    TrainingState s = saved().initialState(new NetworkDef(CONVS, 64, VdSettings.DEFAULTS), 4,
        TrainConfig.DEFAULTS);
    assertArrayEquals(saved().initialState(new NetworkDef(CONVS.replace(" ", ""), 64,
        VdSettings.DEFAULTS), 4, TrainConfig.DEFAULTS).params(), s.params());
    assertTrue(s.params()[0] == 0.25f && s.step() == 0, "first parameter " + s.params()[0]);
  }

  @Test
  void anotherInitialisationOptionStillStartsFromTheModel() throws Exception {
    float[] want = saved().initialState(new NetworkDef(CONVS, 64, VdSettings.DEFAULTS), 4,
        TrainConfig.DEFAULTS).params();
    String glorot = CONVS.replace("vdconv(3, 3)", "vdconv(3, 3, init=glorot)")
        .replace("vd(5)", "vd(5, init=glorot)");
    assertArrayEquals(want, saved().initialState(new NetworkDef(glorot, 64,
        VdSettings.DEFAULTS), 4, TrainConfig.DEFAULTS).params());
  }

  @Test
  void addedSbpLayersStartFromTheirOwnInitialisation() throws Exception {
    String layers = "image(8, 8, 1) | vdconv(3, 3) | sbp | relu | maxpool(2) | flatten "
        + "| vd(5) | sbp | relu | vd(4)";
    NetworkDef def = new NetworkDef(layers, 64, VdSettings.DEFAULTS);
    float[] got = saved().initialState(def, 4, TrainConfig.DEFAULTS).params();
    Network to = def.build();
    Network from = new NetworkDef(CONVS, 64, VdSettings.DEFAULTS).build();
    float[] fresh = to.initParams(TrainConfig.DEFAULTS.seed());
    int[] fromLayer = {0, 1, -1, 2, 3, 4, 5, -1, 6, 7};
    for (int l = 0; l < to.layers().size(); l++) {
      int n = to.layers().get(l).paramCount();
      float[] part = Arrays.copyOfRange(got, to.offset(l), to.offset(l) + n);
      float[] want = fromLayer[l] < 0
          ? Arrays.copyOfRange(fresh, to.offset(l), to.offset(l) + n)
          : Arrays.copyOfRange(saved().initialState(new NetworkDef(CONVS, 64,
              VdSettings.DEFAULTS), 4, TrainConfig.DEFAULTS).params(), from.offset(fromLayer[l]),
              from.offset(fromLayer[l]) + n);
      assertArrayEquals(want, part, "layer " + l + " " + to.layers().get(l).spec());
    }
  }

  @Test
  void passThroughLayersMayBeAddedOrDropped() throws Exception {
    float[] want = saved().initialState(new NetworkDef(CONVS, 64, VdSettings.DEFAULTS), 4,
        TrainConfig.DEFAULTS).params();
    String augmented = CONVS.replace("image(8, 8, 1) |", "image(8, 8, 1) | crop(1) | flip |");
    assertArrayEquals(want, saved().initialState(new NetworkDef(augmented, 64,
        VdSettings.DEFAULTS), 4, TrainConfig.DEFAULTS).params());
    Path back = dir.resolve("augmented");
    ModelFormat.write(new SparseVdModel(new NetworkDef(augmented, 64, VdSettings.DEFAULTS), 4,
        want, Scaling.none(), Map.of()), new org.apache.hadoop.fs.Path(back.toString()),
        new Configuration());
    WarmStart fromAugmented = WarmStart.read(back.toString(), "init_model", "none",
        new Configuration());
    assertArrayEquals(want, fromAugmented.initialState(new NetworkDef(CONVS, 64,
        VdSettings.DEFAULTS), 4, TrainConfig.DEFAULTS).params());
    String flat = "vd(64) | relu | vd(5) | relu | vd(4)";
    String shaped = "image(8, 8, 1) | crop(2) | gdrop(0.5) | flatten | " + flat;
    NetworkDef flatDef = new NetworkDef(flat, 64, VdSettings.DEFAULTS);
    float[] flatParams = flatDef.build().initParams(7);
    Path flatDir = dir.resolve("flat");
    ModelFormat.write(new SparseVdModel(flatDef, 4, flatParams, Scaling.none(), Map.of()),
        new org.apache.hadoop.fs.Path(flatDir.toString()), new Configuration());
    assertArrayEquals(flatParams, WarmStart.read(flatDir.toString(), "init_model", "none",
        new Configuration()).initialState(new NetworkDef(shaped, 64, VdSettings.DEFAULTS), 4,
        TrainConfig.DEFAULTS).params());
    assertThrows(IllegalArgumentException.class, () -> fromAugmented.initialState(
        new NetworkDef(augmented.replace("vd(5)", "vd(6)"), 64, VdSettings.DEFAULTS), 4,
        TrainConfig.DEFAULTS));
  }

  @Test
  void anyOtherChangeOfTheNetworkIsRefusedByName() throws Exception {
    WarmStart warm = saved();
    for (String layers : new String[] {
        CONVS.replace("vd(5)", "vd(6)"),
        CONVS.replace("| relu | vd(4)", "| vd(4)"),
        CONVS.replace("vd(4)", "vd(4) | sbp").replace("vdconv(3, 3)", "vdconv(3, 3) | bn"),
        CONVS.replace("| vd(4)", "| vd(5) | relu | vd(4)")}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> warm.initialState(new NetworkDef(layers, 64, VdSettings.DEFAULTS), 4,
              TrainConfig.DEFAULTS), layers);
      assertTrue(e.getMessage().contains(dir.toString())
          && e.getMessage().contains("the same with sbp layers added"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> warm.initialState(
        new NetworkDef(CONVS.replace("vd(4)", "vd(3)"), 64, VdSettings.DEFAULTS), 3,
        TrainConfig.DEFAULTS));
  }
}
