package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.spark.TestSpark;
import org.sparsevd.spark.data.TestImages;

/**
 * The train job on data.format = images: a small convolutional network learns two classes of
 * generated 8x8 RGB PNGs (reddish against bluish) from class folders, with a held-out root; a
 * held-out root with other class folders fails naming both roots and the class, and a broken
 * image is skipped and reported under --skip-invalid.
 */
class ImagesTrainJobTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  @TempDir static Path tmp;

  @BeforeAll
  static void setUp() throws Exception {
    spark = TestSpark.session();
    Random r = new Random(11);
    for (String split : List.of("train", "test")) {
      int n = split.equals("train") ? 40 : 10;
      for (int i = 0; i < n; i++) {
        TestImages.png(tmp.resolve(split + "/red/" + i + ".png"), tinted(r, 0));
        TestImages.png(tmp.resolve(split + "/blue/" + i + ".png"), tinted(r, 2));
      }
    }
  }

  /** Noise, with channel {@code strong} brighter than the others. */
  private static BufferedImage tinted(Random r, int strong) {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          int v = (c == strong ? 140 : 0) + r.nextInt(110);
          rgb |= v << (16 - 8 * c);
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  private static String train(Path out, String testRoot, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--output", out.toString(),
        "--data.format", "images",
        "--data.train", tmp.resolve("train").toString(),
        "--data.test", testRoot,
        "--data.scaling", "center",
        "--layers", "image(8, 8, 3) | conv(4, 3) | relu | flatten | dense(2)",
        "--batch_size", "20",
        "--epochs", "2",
        "--lr", "1e-2",
        "--partitions", "2",
        "--seed", "3"));
    args.addAll(List.of(extra));
    return Train.run(spark, Train.COMMAND.parse(args.toArray(new String[0])));
  }

  @Test
  void trainsOnClassFolders() throws Exception {
    Path out = tmp.resolve("run");
    train(out, tmp.resolve("test").toString(), "--data.image_shape", "8x8x3");
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(2, lines.size());
    JsonNode last = JSON.readTree(lines.get(1));
    assertTrue(last.get("test_accuracy").asDouble() >= 0.9, last.toString());
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(80, summary.get("train_examples").asInt());
    assertTrue(Files.exists(out.resolve("model/params.bin")));
    assertTrue(Files.exists(out.resolve("plots/kept_inputs.png")));
  }

  @Test
  void heldOutClassesMustBeTheTrainingClasses() throws Exception {
    Path other = tmp.resolve("other");
    TestImages.png(other.resolve("red/0.png"), TestImages.rgb(8, 8, 1));
    TestImages.png(other.resolve("green/0.png"), TestImages.rgb(8, 8, 1));
    Path out = tmp.resolve("mismatch");
    InvalidDataException e = assertThrows(InvalidDataException.class,
        () -> train(out, other.toString()));
    assertEquals(other + ": its class folders differ from those of the training data "
        + tmp.resolve("train") + ": 'blue' is in " + tmp.resolve("train") + " only",
        e.getMessage());
    assertFalse(Files.exists(out.resolve("model")));
  }

  @Test
  void skipsAndReportsABrokenImage() throws Exception {
    Path test = tmp.resolve("broken");
    for (String c : List.of("red", "blue")) {
      TestImages.png(test.resolve(c + "/0.png"), TestImages.rgb(8, 8, 1));
    }
    Files.writeString(test.resolve("blue/1.jpg"), "not a JPEG");
    Path out = tmp.resolve("skipping");
    train(out, test.toString(), "--data.skip_invalid", "true");
    JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
    assertEquals(1, summary.get("skipped_rows").asInt());
    String reason = summary.get("skip_reasons").get(0).asText();
    assertTrue(reason.matches("file:/.*/broken/blue/1\\.jpg: not an image: .*"), reason);
  }
}
