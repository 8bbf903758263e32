package org.sparsevd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.sparsevd.nn.Parameterization;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.Adam;
import org.sparsevd.optim.OptimizerSpec;
import org.sparsevd.optim.Schedules;

class TrainConfigTest {
  /**
   * The text is what checkpoints are fingerprinted with and what models record as provenance:
   * the same settings must keep giving exactly this text, or checkpoints stop resuming.
   */
  @Test
  void textIsPinned() {
    assertEquals("TrainConfig[layers=vd(300) | relu | vd(100) | relu | vd(10), "
        + "vd=VdSettings[parameterization=LOG_SIGMA2, logAlphaMin=-8.0, logAlphaMax=8.0, "
        + "threshold=3.0, trainClip=true, thetaInitStd=0.01, logSigma2Init=-10.0], "
        + "batchSize=100, epochs=200, learningRate=0.001, lrSchedule=linear(50%), "
        + "klSchedule=linear(5, 15), optimizer=adam, seed=1, evalEvery=1]",
        TrainConfig.DEFAULTS.toString());
    VdSettings vd = VdSettings.DEFAULTS.withParameterization(Parameterization.LOG_ALPHA)
        .withThreshold(2.5f);
    TrainConfig c = new TrainConfig("vd(50) | relu | vd(10)", vd, 64, 30, 3e-3,
        Schedules.learningRate("step(10, 0.5)", 3e-3, 30), Schedules.klWeight("constant(1)"),
        OptimizerSpec.parse("sgd(0.9)"), 42, 5);
    assertEquals("TrainConfig[layers=vd(50) | relu | vd(10), "
        + "vd=VdSettings[parameterization=LOG_ALPHA, logAlphaMin=-8.0, logAlphaMax=8.0, "
        + "threshold=2.5, trainClip=true, thetaInitStd=0.01, logSigma2Init=-10.0], "
        + "batchSize=64, epochs=30, learningRate=0.003, lrSchedule=step(10, 0.5), "
        + "klSchedule=constant(1), optimizer=sgd(0.9), seed=42, evalEvery=5]", c.toString());
    assertEquals(c.toString().replace("vd(50) | relu | vd(10)", "vd(10)"),
        c.withLayers("vd(10)").toString());
  }

  @Test
  void parsedOnce() {
    TrainConfig d = TrainConfig.DEFAULTS;
    assertSame(d.lr(), d.lr());
    assertSame(Adam.DEFAULT, d.optimizer().optimizer());
    assertEquals(1e-3, d.lr().at(0));
    assertEquals(1e-3 * 50 / 100, d.lr().at(150), 1e-18);
    assertEquals(7.0 / 15, d.klWeight().at(12), 1e-15);
  }
}
