package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.compare.CompareConfig;
import org.sparsevd.data.SharedData;
import org.sparsevd.spark.TestSpark;

/**
 * The comparison job on a slice of MNIST, every method for 2 epochs: each learns, is measured
 * by the predictive distribution it should have, and the outputs are complete.
 */
class CompareTest {
  private static final List<String> METHODS =
      List.of("plain", "bernoulli", "gaussian", "sparse_vd", "neuron_vd", "concrete");
  @TempDir Path tmp;

  @Test
  void trainsAndMeasuresEveryMethod() throws Exception {
    SparkSession spark = TestSpark.session();
    Path train = tmp.resolve("train.properties");
    Files.writeString(train, String.join("\n",
        "data.format = mnist",
        "data.dir = " + SharedData.mnistDir(),
        "data.train_limit = 3000",
        "data.scaling = center",
        "batch_size = 100",
        "epochs = 2",
        "lr = 3e-3",
        "lr_schedule = constant",
        "kl_schedule = linear(0, 1)",
        "partitions = 2",
        "checkpoint_every = 0",
        "seed = 3"));
    Path conf = tmp.resolve("compare.properties");
    Files.writeString(conf, String.join("\n",
        "train_config = " + train,
        "methods = plain: dense(32) | relu | dense(10); "
            + "bernoulli: drop(0.2) | dense(32) | relu | drop(0.3) | dense(10); "
            + "gaussian: gdrop(0.2) | dense(32) | relu | gdrop(0.3) | dense(10); "
            + "sparse_vd: vd(32) | relu | vd(10); "
            + "neuron_vd: nvd | dense(32) | relu | nvd | dense(10); "
            + "concrete: cdense(32) | relu | cdense(10)",
        "mc_samples = 4",
        "quant_bits = 4",
        "test_rows = 400"));
    Path out = tmp.resolve("out");
    CompareConfig cc = Compare.parse(new String[] {conf.toString(), "--output",
        out.toString(), "--epochs", "2"});
    Compare.run(spark, cc, Compare.trainConfig(cc));

    JsonNode root = new ObjectMapper().readTree(out.resolve("comparison.json").toFile());
    assertEquals(400, root.get("test_rows").asInt());
    JsonNode methods = root.get("methods");
    assertEquals(METHODS.size(), methods.size());
    for (int i = 0; i < METHODS.size(); i++) {
      JsonNode m = methods.get(i);
      String name = METHODS.get(i);
      assertEquals(name, m.get("method").asText());
      assertEquals(name.equals("plain") ? "deterministic" : "monte_carlo",
          m.get("prediction").asText());
      assertTrue(m.get("predictive").get("test_error").asDouble() < 0.3, m.toString());
      assertTrue(m.get("quantized").get("error_change").asDouble() < 0.05, m.toString());
      for (String key : List.of("auroc_rotated_90", "auroc_uniform_noise")) {
        double a = m.get(key).asDouble();
        assertTrue(a >= 0 && a <= 1, key + " " + a);
      }
      assertTrue(m.get("training_seconds").asDouble() > 0);
      assertTrue(Files.exists(out.resolve("models/" + name + "/model.json")));
      assertTrue(Files.exists(out.resolve("models/" + name + "-quantized/model.json")));
    }
    JsonNode plain = methods.get(0);
    assertEquals(0.0, plain.get("sparsity").asDouble());
    assertEquals("[784,32]", plain.get("neurons_kept").toString());
    assertEquals(2 * (784 * 32 + 32 * 10), plain.get("flops_shrunk").asLong());
    JsonNode concrete = methods.get(5);
    assertEquals(2, concrete.get("concrete_drop_rates").size());
    for (JsonNode p : concrete.get("concrete_drop_rates")) {
      assertTrue(p.asDouble() > 0 && p.asDouble() < 1, "drop rate " + p);
    }
    String md = Files.readString(out.resolve("comparison.md"));
    for (String name : METHODS) {
      assertTrue(md.contains("| " + name), "table row of " + name);
    }
    byte[] png = Files.readAllBytes(out.resolve("comparison.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    assertTrue(Files.exists(out.resolve(OutputDir.MARKER)));
  }

  @Test
  void badConfigsAreClearErrors() throws Exception {
    Path conf = tmp.resolve("bad.properties");
    Files.writeString(conf, "train_config = x\nmethods = a: dense(10)\nmc_sample = 3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Compare.parse(new String[] {conf.toString(), "--output", "o"}));
    assertTrue(e.getMessage().contains("unknown key 'mc_sample'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> CompareConfig.methods("a: dense(10); dense(10)"));
    assertTrue(e.getMessage().contains("'dense(10)'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> CompareConfig.methods("a: dense(10); a: vd(10)"));
    assertTrue(e.getMessage().contains("'a' appears twice"), e.getMessage());
    assertEquals(List.of(new CompareConfig.Method("x", "vd(3) | relu | vd(2)")),
        CompareConfig.methods(" x : vd(3) | relu | vd(2) ;"));
  }
}
