package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.compare.CompareConfig;
import org.sparsevd.data.MnistDownloader;

class JobCommandTest {
  @TempDir static Path tmp;

  private static String error(JobCommand c, String... args) {
    return assertThrows(IllegalArgumentException.class, () -> c.parse(args)).getMessage();
  }

  @Test
  void unknownKeysNameTheNearestOne() throws Exception {
    assertTrue(error(Train.COMMAND, "--batchsize", "5").startsWith(
        "command line: unknown key 'batchsize'; did you mean '--batch_size'?\n"
            + "usage: jobs/train.sh CONFIG"));
    assertTrue(error(Train.COMMAND, "--data.trian", "x")
        .contains("did you mean '--data.train'?"));
    Path file = tmp.resolve("typo.properties");
    Files.writeString(file, "epochs = 3\nlog_alpha_maxx = 4\n");
    assertEquals(file + ": unknown key 'log_alpha_maxx'; did you mean 'log_alpha_max'?",
        error(Train.COMMAND, file.toString()));
    assertTrue(error(RetrainConfig.COMMAND, "--mergin", "0.1")
        .contains("did you mean '--margin'?"));
    // Nothing near: no guess.
    assertTrue(error(Train.COMMAND, "--zzzzzzzzzzzzzzzz", "1")
        .startsWith("command line: unknown key 'zzzzzzzzzzzzzzzz'\n"));
  }

  @Test
  void unknownFlagsNameTheNearestOne() {
    assertTrue(error(Train.COMMAND, "--resum").startsWith(
        "command line: unknown flag 'resum'; did you mean '--resume'?"));
    assertTrue(error(Compare.COMMAND, "--overwrit")
        .startsWith("command line: unknown flag 'overwrit'; did you mean '--overwrite'?"));
  }

  @Test
  void aFlagTheJobDoesNotTakeIsRefused() {
    assertTrue(error(Evaluate.COMMAND, "--resume").startsWith("command line: unknown"));
    assertTrue(error(RetrainConfig.COMMAND, "--overwrite").startsWith("command line: unknown"));
    assertTrue(error(Export.COMMAND, "m", "o", "--format", "csr", "--resume")
        .startsWith("command line: unknown"));
    assertTrue(error(Generate.COMMAND, "out", "10", "--skip-invalid")
        .startsWith("command line: unknown"));
  }

  @Test
  void aKeyTheJobDoesNotReadIsRefusedOnTheCommandLineButNotInItsConfig() throws Exception {
    assertTrue(error(Evaluate.COMMAND, "--epochs", "3")
        .startsWith("command line: this job does not read the key 'epochs'"));
    assertTrue(error(Train.COMMAND, "--mc_samples", "3")
        .startsWith("command line: this job does not read the key 'mc_samples'"));
    Path file = tmp.resolve("train.properties");
    Files.writeString(file, "epochs = 3\nmc_samples = 4\n");
    assertEquals("4", Evaluate.COMMAND.parse(new String[] {file.toString()}).get("mc_samples"));
    assertEquals(3, Train.COMMAND.parse(new String[] {file.toString()}).getInt("epochs"));
  }

  @Test
  void valuesComeFromDefaultsThenTheFileThenTheCommandLine() throws Exception {
    Path file = tmp.resolve("layered.properties");
    Files.writeString(file, "epochs = 3\nbatch_size = 7\n");
    JobConfig c = Train.COMMAND.parse(new String[] {file.toString(), "--epochs", " 5 ",
        "--skip-invalid", "--resume"});
    assertEquals(5, c.getInt("epochs"));
    assertEquals(7, c.getInt("batch_size"));
    assertEquals(JobConfig.keys("seed").get(0).defaultValue(), c.get("seed"));
    assertTrue(c.getBoolean("data.skip_invalid"));
    assertTrue(c.flag("resume"));
    assertFalse(c.flag("overwrite"));
    assertEquals(Map.of("epochs", "5", "data.skip_invalid", "true"), c.commandLine());
    assertTrue(error(Train.COMMAND, file.toString(), "extra").startsWith(
        "argument 'extra': expected --key value"));
    assertTrue(error(Train.COMMAND, "--epochs").startsWith("--epochs needs a value"));
  }

  @Test
  void positionalArgumentsHaveTheirDefaults() throws Exception {
    JobConfig c = Generate.COMMAND.parse(new String[] {"out", "100"});
    assertEquals("out", c.get("OUTPUT"));
    assertEquals(100, c.getLong("EXAMPLES"));
    assertEquals(1, c.getLong("SEED"));
    assertEquals("", c.get("PARTITIONS"));
    assertEquals(MnistDownloader.DEFAULT_SHARED_DIR.toString(), c.get("MNIST_DIR"));
    assertTrue(error(Generate.COMMAND, "out").startsWith(
        "expected 2 arguments (OUTPUT EXAMPLES), got 1\nusage: jobs/generate.sh OUTPUT"));
    assertTrue(error(Generate.COMMAND, "a", "1", "2", "3", "4", "5")
        .startsWith("argument '5': expected at most 5 arguments"));
  }

  @Test
  void compareSendsTrainKeysToItsTrainConfig() throws Exception {
    CompareConfig cc = Compare.parse(new String[] {"--train_config", "t.properties",
        "--methods", "a: vd(10)", "--epochs", "2", "--output", "o", "--overwrite",
        "--mc_samples", "3"});
    assertEquals(List.of("--epochs", "2", "--overwrite"), cc.trainOverrides());
    assertEquals(3, cc.mcSamples());
    assertEquals("o", cc.output());
  }

  /** A config names another relative to its own folder; the command line, to the caller's. */
  @Test
  void aConfigNamesItsTrainConfigRelativeToItself(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("jobs/compare.properties");
    Files.createDirectories(conf.getParent());
    Files.writeString(conf, "train_config = train.properties\nmethods = a: vd(10)\noutput = o\n");
    assertEquals(dir.resolve("jobs/train.properties").toString(),
        Compare.parse(new String[] {conf.toString()}).trainConfig());
    Files.writeString(conf, "train_config = ../shared/t.properties\nmethods = a: vd(10)\noutput = o\n");
    assertEquals(dir.resolve("shared/t.properties").toString(),
        Compare.parse(new String[] {conf.toString()}).trainConfig());
    for (String kept : List.of("/abs/t.properties", "hdfs://nn:8020/c/t.properties")) {
      Files.writeString(conf, "train_config = " + kept + "\nmethods = a: vd(10)\noutput = o\n");
      assertEquals(kept, Compare.parse(new String[] {conf.toString()}).trainConfig());
    }
    assertEquals("t.properties", Compare.parse(new String[] {conf.toString(),
        "--train_config", "t.properties"}).trainConfig());
  }

  @Test
  void helpListsTheJobsFlagsAndOnlyTheKeysItReads() {
    String train = Train.COMMAND.help();
    assertTrue(train.startsWith("usage: jobs/train.sh CONFIG [--key value ...] [--resume] "
        + "[--overwrite] [--skip-invalid]\n"), train);
    for (String flag : List.of("--resume", "--overwrite", "--skip-invalid")) {
      assertTrue(train.contains("\n  " + flag + " "), flag);
    }
    assertTrue(train.contains("| `epochs` | `200` |"), train);
    assertFalse(train.contains("`mc_samples`"), train);

    String evaluate = Evaluate.COMMAND.help();
    assertTrue(evaluate.contains("  --skip-invalid "), evaluate);
    assertFalse(evaluate.contains("--resume"), evaluate);
    for (String key : List.of("output", "model", "mc_samples", "data.test", "seed")) {
      assertTrue(evaluate.contains("| `" + key + "` |"), key);
    }
    for (String key : List.of("epochs", "layers", "lr_schedule", "init_model")) {
      assertFalse(evaluate.contains("| `" + key + "` |"), key);
    }

    String retrain = RetrainConfig.COMMAND.help();
    assertTrue(retrain.contains("| `data.newest` | `7` |"), retrain);
    assertFalse(retrain.contains("flags:"), retrain);
    assertFalse(retrain.contains("`epochs`"), retrain);

    String compare = Compare.COMMAND.help();
    assertTrue(compare.contains("  --overwrite "), compare);
    assertTrue(compare.contains("| `methods` |") && compare.contains("| `epochs` |"), compare);
    assertTrue(compare.contains("| `mc_samples` | `20` |"), compare);

    String export = Export.COMMAND.help();
    assertTrue(export.contains("  MODEL_DIR ") && export.contains("  OUT "), export);
    assertTrue(export.contains("| `format` |") && export.contains("| `weights` | `dense` |"),
        export);
    assertFalse(export.contains("`epochs`") || export.contains("flags:"), export);

    String generate = Generate.COMMAND.help();
    for (String arg : List.of("OUTPUT", "EXAMPLES", "SEED", "PARTITIONS", "MNIST_DIR")) {
      assertTrue(generate.contains("\n  " + arg + " "), arg);
    }
    assertTrue(generate.contains("(default 1)"), generate);
  }

  @Test
  void editDistance() {
    assertEquals(0, JobCommand.distance("lr", "lr"));
    assertEquals(1, JobCommand.distance("batchsize", "batch_size"));
    assertEquals(2, JobCommand.distance("ephocs", "epochs"));
    assertEquals(3, JobCommand.distance("", "abc"));
  }
}
