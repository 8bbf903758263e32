package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The train config checked whole, before Spark starts: each fault named by its key. */
class ConfigCheckTest {

  private static String error(String... overrides) throws IOException {
    JobConfig c = config(overrides);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigCheck.train(c, new Configuration()));
    return e.getMessage();
  }

  private static JobConfig config(String... overrides) throws IOException {
    List<String> args = new ArrayList<>(List.of("conf/mnist-lenet300.properties", "--output",
        "/tmp/sparsevd-config-check"));
    args.addAll(List.of(overrides));
    return Train.COMMAND.parse(args.toArray(new String[0]));
  }

  @Test
  void theShippedConfigsAndASingleEpochPass() throws IOException {
    assertDoesNotThrow(() -> ConfigCheck.train(config(), new Configuration()));
    // The recipe's schedule starts its decay at epoch 50; the default one fits any epochs.
    assertTrue(error("--epochs", "1").startsWith("lr_schedule: learning rate schedule "
        + "'linear(50)': decay start must be in [0, 1)"));
    JobConfig defaults = Train.COMMAND.parse(new String[] {"--output", "/tmp/x", "--epochs", "1"});
    assertDoesNotThrow(() -> ConfigCheck.train(defaults, new Configuration()));
    for (String lenet5 : new String[] {"conf/mnist-lenet5.properties",
        "conf/mnist-lenet5-conv-clip.properties"}) {
      JobConfig c = Train.COMMAND.parse(new String[] {lenet5, "--output", "/tmp/x"});
      assertDoesNotThrow(() -> ConfigCheck.train(c, new Configuration()), lenet5);
    }
    for (String paper : new String[] {"conf/mnist-lenet300-paper.properties",
        "conf/mnist-lenet300-paper-shifts.properties"}) {
      JobConfig c = Train.COMMAND.parse(new String[] {paper, "--output", "/tmp/x"});
      assertDoesNotThrow(() -> ConfigCheck.train(c, new Configuration()), paper);
    }
    JobConfig cifar = Train.COMMAND.parse(new String[] {"conf/cifar10-vgg.properties",
        "--output", "/tmp/x"});
    assertDoesNotThrow(() -> ConfigCheck.train(cifar, new Configuration()));
    JobConfig cifarDense = Train.COMMAND.parse(new String[] {"conf/cifar10-vgg.properties",
        "--output", "/tmp/x", "--layers", "image(32, 32, 3) | crop(4) | flip | vgg_like(0.125, "
        + "dense)"});
    assertDoesNotThrow(() -> ConfigCheck.train(cifarDense, new Configuration()));
  }

  @Test
  void aLayerTypoOrAShapeThatDoesNotFitTheInputNamesLayers() throws IOException {
    String m = error("--layers", "vd(300) | rleu | vd(10)");
    assertTrue(m.startsWith("layers = 'vd(300) | rleu | vd(10)': network spec layer 2 'rleu'"),
        m);
    m = error("--data.format", "parquet", "--data.train", "/tmp/t", "--data.num_features", "100",
        "--layers", "image(28, 28, 1) | conv(4, 5) | flatten | vd(10)");
    assertTrue(m.startsWith("layers = 'image(28, 28, 1) | conv(4, 5) | flatten | vd(10)': "), m);
  }

  @Test
  void imageFoldersNeedARootAndAValidImageShape() throws IOException {
    String cifar = "image(32, 32, 3) | conv(8, 3) | relu | flatten | dense(10)";
    assertDoesNotThrow(() -> ConfigCheck.train(config("--data.format", "images",
        "--data.train", "/tmp/t", "--data.image_shape", "32x32x3", "--layers", cifar),
        new Configuration()));
    assertEquals("data.train must be set (in the config or --data.train)",
        error("--data.format", "images", "--layers", cifar));
    assertEquals("data.image_shape = '32x32x': '32x32x': expected HEIGHTxWIDTH or "
        + "HEIGHTxWIDTHxCHANNELS, e.g. 28x28 or 32x32x3", error("--data.format", "images",
        "--data.train", "/tmp/t", "--data.image_shape", "32x32x", "--layers", cifar));
  }

  @Test
  void schedulesAreCheckedAgainstTheEpochs() throws IOException {
    String m = error("--epochs", "50", "--lr_schedule", "linear(100)");
    assertTrue(m.startsWith("lr_schedule: learning rate schedule 'linear(100)': decay start "
        + "must be in [0, 50)"), m);
    assertTrue(error("--kl_schedule", "linear(5)").startsWith("kl_schedule: "));
    assertTrue(error("--optimizer", "adamw").startsWith("optimizer: "));
  }

  @Test
  void valuesAreNamedByTheirKey() throws IOException {
    assertEquals("lr = 0: must be a number > 0", error("--lr", "0"));
    assertEquals("batch_size = 0: must be >= 1", error("--batch_size", "0"));
    assertEquals("epochs = 'ten': not an integer", error("--epochs", "ten"));
    assertEquals("data.format = 'parqet': expected mnist, libsvm, csv, parquet, images",
        error("--data.format", "parqet"));
    assertEquals("shuffle = 'block': expected global, blocks", error("--shuffle", "block"));
    assertTrue(error("--data.scaling", "centre").startsWith("data.scaling = 'centre': "));
    assertTrue(error("--storage_level", "DISK").startsWith("storage_level = 'DISK': "));
    assertTrue(error("--aggregation", "sum").startsWith("aggregation = 'sum': "));
    assertEquals("data.train must be set (in the config or --data.train)",
        error("--data.format", "csv"));
  }

  @Test
  void aPathWithAFileSystemNobodyProvidesIsAnError() throws IOException {
    String m = error("--output", "s4://bucket/run");
    assertTrue(m.startsWith("output = 's4://bucket/run': no file system for scheme 's4'"), m);
    m = error("--data.format", "parquet", "--data.train", "gs3://b/train");
    assertTrue(m.startsWith("data.train = 'gs3://b/train': no file system for scheme 'gs3'"), m);
  }
}
