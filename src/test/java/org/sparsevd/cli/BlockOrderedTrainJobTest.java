package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.SharedData;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.spark.TestSpark;

/**
 * The train job with {@code shuffle = blocks} in local[2]: it learns, gives the same bits
 * whether the blocks are held in memory or on disk, resumes to the uninterrupted model, and
 * refuses a checkpoint of another epoch order.
 */
class BlockOrderedTrainJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  private static Path config;
  @TempDir static Path tmp;

  @BeforeAll
  static void setUp() throws Exception {
    spark = TestSpark.session();
    config = tmp.resolve("blocks.properties");
    // 4 blocks of 1000 rows, batches of 100: 10 steps in a block, then the next block.
    Files.writeString(config, String.join("\n",
        "data.format = mnist",
        "data.dir = " + SharedData.mnistDir(),
        "data.train_limit = 4000",
        "data.scaling = divide_255",
        "layers = vd(64) | relu | vd(10)",
        "batch_size = 100",
        "epochs = 3",
        "lr = 3e-3",
        "lr_schedule = constant",
        "kl_schedule = linear(1, 2)",
        "partitions = 4",
        "shuffle = blocks",
        "checkpoint_every = 1",
        "seed = 5"));
  }

  private static void train(Path out, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(config.toString(), "--output", out.toString()));
    args.addAll(List.of(extra));
    Train.run(spark, Train.COMMAND.parse(args.toArray(new String[0])));
  }

  private static float[] params(Path out) throws Exception {
    return ModelFormat.read(new org.apache.hadoop.fs.Path(out.resolve("model").toString()),
        new Configuration()).params();
  }

  @Test
  void learnsRepeatsOnDiskAndResumesToTheSameModel() throws Exception {
    Path memory = tmp.resolve("memory");
    train(memory);
    JsonNode summary = JSON.readTree(memory.resolve("summary.json").toFile());
    assertTrue(summary.get("test_accuracy").asDouble() > 0.8, summary.toString());
    assertEquals(3 * 40, summary.get("steps").asInt());

    Path disk = tmp.resolve("disk");
    train(disk, "--storage_level", "DISK_ONLY");
    assertArrayEquals(params(memory), params(disk));

    Path global = tmp.resolve("global");
    train(global, "--shuffle", "global");
    assertFalse(java.util.Arrays.equals(params(memory), params(global)),
        "the blocks order must change the batches");

    // A crash after epoch 1: its checkpoint and metrics are there, nothing else.
    Path resumed = tmp.resolve("resumed");
    Files.createDirectories(resumed.resolve("checkpoints"));
    Files.copy(memory.resolve("checkpoints/ckpt-000001.bin"),
        resumed.resolve("checkpoints/ckpt-000001.bin"));
    Files.copy(memory.resolve("metrics.jsonl"), resumed.resolve("metrics.jsonl"));
    train(resumed, "--resume");
    assertArrayEquals(params(memory), params(resumed));
  }

  /** Resumes into a fresh directory from the first checkpoint of a finished run. */
  private static Exception resumeFails(Path from, String to, String... extra) throws Exception {
    Path out = tmp.resolve(to);
    Files.createDirectories(out.resolve("checkpoints"));
    Files.copy(from.resolve("checkpoints/ckpt-000001.bin"),
        out.resolve("checkpoints/ckpt-000001.bin"));
    List<String> args = new ArrayList<>(List.of("--resume"));
    args.addAll(List.of(extra));
    return assertThrows(java.io.IOException.class,
        () -> train(out, args.toArray(new String[0])));
  }

  @Test
  void aCheckpointOfAnotherOrderOrLayoutIsRefused() throws Exception {
    Path global = tmp.resolve("global-1");
    train(global, "--shuffle", "global", "--epochs", "1");
    Exception e = resumeFails(global, "from-global");
    assertTrue(e.getMessage().contains("written by a different configuration"), e.getMessage());
    Path blocks = tmp.resolve("blocks-1");
    train(blocks, "--epochs", "1");
    e = resumeFails(blocks, "other-layout", "--partitions", "5");
    assertTrue(e.getMessage().contains("written by a different configuration"), e.getMessage());
    e = resumeFails(blocks, "other-streams", "--block_streams", "2");
    assertTrue(e.getMessage().contains("written by a different configuration"), e.getMessage());
  }

  /**
   * Checkpoints every 7 steps within the 40-step epochs: a crash mid-epoch resumes from the
   * newest (here 21 steps into epoch 2) to the bits of the uninterrupted run, which are those
   * of a run without such checkpoints.
   */
  @Test
  void aCheckpointWithinAnEpochResumesToTheUninterruptedModel() throws Exception {
    Path whole = tmp.resolve("steps-whole");
    train(whole, "--checkpoint_every_steps", "7", "--checkpoint_keep", "100");
    Path plain = tmp.resolve("steps-plain");
    train(plain);
    assertArrayEquals(params(plain), params(whole));
    String mid = "ckpt-000001-step-000000000061.bin";
    assertTrue(Files.exists(whole.resolve("checkpoints/" + mid)), mid);
    assertTrue(Files.exists(whole.resolve("checkpoints/ckpt-000002-step-000000000115.bin")));

    // The crash: epoch 1's metrics line and the checkpoints up to 21 steps into epoch 2.
    Path resumed = tmp.resolve("steps-resumed");
    Files.createDirectories(resumed.resolve("checkpoints"));
    for (String name : List.of("ckpt-000001.bin", "ckpt-000001-step-000000000054.bin", mid)) {
      Files.copy(whole.resolve("checkpoints/" + name), resumed.resolve("checkpoints/" + name));
    }
    Files.writeString(resumed.resolve("metrics.jsonl"),
        Files.readAllLines(whole.resolve("metrics.jsonl")).get(0) + "\n");
    train(resumed, "--resume", "--checkpoint_every_steps", "7");
    assertArrayEquals(params(whole), params(resumed));
    assertEquals(3, Files.readAllLines(resumed.resolve("metrics.jsonl")).size());
  }

  /** Two streams: each step reads two blocks side by side; learns, repeats, resumes. */
  @Test
  void twoStreamsLearnRepeatAndResumeToTheSameModel() throws Exception {
    Path two = tmp.resolve("two-streams");
    train(two, "--block_streams", "2");
    JsonNode summary = JSON.readTree(two.resolve("summary.json").toFile());
    assertTrue(summary.get("test_accuracy").asDouble() > 0.8, summary.toString());
    Path again = tmp.resolve("two-streams-again");
    train(again, "--block_streams", "2", "--storage_level", "DISK_ONLY");
    assertArrayEquals(params(two), params(again));
    Path resumed = tmp.resolve("two-streams-resumed");
    Files.createDirectories(resumed.resolve("checkpoints"));
    Files.copy(two.resolve("checkpoints/ckpt-000002.bin"),
        resumed.resolve("checkpoints/ckpt-000002.bin"));
    Files.copy(two.resolve("metrics.jsonl"), resumed.resolve("metrics.jsonl"));
    train(resumed, "--block_streams", "2", "--resume");
    assertArrayEquals(params(two), params(resumed));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(tmp.resolve("streams-global"), "--shuffle", "global", "--block_streams",
            "2"));
    assertTrue(e.getMessage().startsWith("block_streams = 2 orders the blocks"), e.getMessage());
  }

  @Test
  void anUnknownOrderIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> train(tmp.resolve("unknown"), "--shuffle", "random"));
    assertEquals("shuffle = random: expected global or blocks", e.getMessage());
  }
}
