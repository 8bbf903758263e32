package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.train.TrainConfig;

class JobConfigTest {
  private static String trainConfigError(String... args) {
    return assertThrows(IllegalArgumentException.class,
        () -> Train.COMMAND.parse(args).trainConfig()).getMessage();
  }

  @Test
  void defaultsComeFromTheSettingsClasses() throws Exception {
    JobConfig c = Train.COMMAND.parse(new String[0]);
    assertEquals(TrainConfig.DEFAULTS.toString(), c.trainConfig().toString());
    assertEquals(VdSettings.DEFAULTS, c.vdSettings());
    assertEquals(NetworkSpec.LENET_300_100, c.get("layers"));
  }

  @Test
  void scheduleAndOptimiserErrorsNameTheirKey() {
    assertTrue(trainConfigError("--lr_schedule", "cosine").startsWith(
        "lr_schedule: learning rate schedule 'cosine': expected constant"));
    assertTrue(trainConfigError("--epochs", "10", "--lr_schedule", "linear(20)").startsWith(
        "lr_schedule: learning rate schedule 'linear(20)': decay start must be in [0, 10)"));
    assertTrue(trainConfigError("--kl_schedule", "linear(5)").startsWith("kl_schedule: "));
    assertTrue(trainConfigError("--optimizer", "rmsprop").startsWith(
        "optimizer: optimiser 'rmsprop': expected adam"));
    assertEquals("seed = 'x': not an integer", trainConfigError("--seed", "x"));
  }

  @Test
  void markdownTableKeepsItsFormat() {
    String t = JobConfig.markdownTable();
    assertTrue(t.startsWith("| key | default | meaning |\n|---|---|---|\n| `pipeline` | `none` | "),
        t);
    assertTrue(t.contains("\n| `layers` | `vd(300) \\| relu \\| vd(100) \\| relu \\| vd(10)` | "
        + "network: vd(N[, init=glorot]), dense(N[, init=glorot]), "), t);
    assertTrue(t.contains("\n| `data.test` |  | held-out"), t);
    assertEquals(JobConfig.KEYS.size() + 2, t.split("\n").length);
  }
}
