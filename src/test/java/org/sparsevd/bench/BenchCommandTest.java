package org.sparsevd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparsevd.cli.JobCommand;
import org.sparsevd.cli.JobConfig;
import org.sparsevd.data.MnistDownloader;

class BenchCommandTest {
  @Test
  void helpListsTheArgumentsAndTheirDefaults() {
    String conv = ConvBench.COMMAND.help();
    assertTrue(conv.startsWith("usage: jobs/bench.sh conv [OUT] [MNIST_DIR] [MODEL_DIR]\n"),
        conv);
    assertTrue(conv.contains("(default target/bench/conv.json)"), conv);
    for (JobCommand c : new JobCommand[] {AggregationBench.COMMAND, MatMulBench.COMMAND,
        SparkStepBench.COMMAND, TrainStepBench.COMMAND, ScoreBench.COMMAND}) {
      assertTrue(c.help().contains("\n  OUT "), c.help());
    }
  }

  @Test
  void argumentsAreOptionalAndFlagsRefused() throws Exception {
    JobConfig a = TrainStepBench.COMMAND.parse(new String[] {"x.json"});
    assertEquals("x.json", a.get("OUT"));
    assertEquals(MnistDownloader.DEFAULT_SHARED_DIR.toString(), a.get("MNIST_DIR"));
    assertEquals("", a.get("MODEL_DIR"));
    assertEquals(100, a.getInt("batch"));
    assertEquals(1000, TrainStepBench.COMMAND.parse(new String[] {"x.json", "--batch", "1000"})
        .getInt("batch"));
    assertTrue(TrainStepBench.COMMAND.help().startsWith(
        "usage: jobs/bench.sh engine [OUT] [MNIST_DIR] [MODEL_DIR] [--batch BATCH]\n"));
    assertTrue(ScoreBench.COMMAND.help().startsWith(
        "usage: jobs/bench.sh score [OUT] [MODEL_DIR] [INPUT] [--rounds ROUNDS]\n"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> MatMulBench.COMMAND.parse(new String[] {"--overwrite"})).getMessage()
        .startsWith("command line: unknown key 'overwrite'"));
  }
}
