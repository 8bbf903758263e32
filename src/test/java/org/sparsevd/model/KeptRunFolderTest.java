package org.sparsevd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.SharedData;
import org.sparsevd.eval.Metrics;
import org.sparsevd.eval.Predictor;
import org.sparsevd.nn.Sparsity;

/**
 * A run folder the train job wrote with model format 1, kept as a test resource
 * ({@code models/run-format1}: {@code jobs/train.sh conf/mnist-lenet300-plain.properties --layers
 * "vd(8) | relu | vd(10)" --epochs 2 --data.train_limit 2000 --batch_size 200 --lr_schedule
 * "linear(1)" --kl_schedule "linear(0, 1)"}): later code must still find and read it, and the
 * model must score the MNIST test set exactly as its run reported.
 */
class KeptRunFolderTest {
  private static final Path RUN = Path.of("src/test/resources/models/run-format1");

  @Test
  void aKeptRunFolderLoadsAndScoresAsItsSummarySays() throws Exception {
    Configuration conf = new Configuration();
    JsonNode summary = new ObjectMapper().readTree(RUN.resolve("summary.json").toFile());
    for (Path p : new Path[] {RUN, RUN.resolve("model")}) {
      SparseVdModel m = ModelLocator.read(new org.apache.hadoop.fs.Path(p.toString()), conf);
      Sparsity s = m.network().sparsity(m.params());
      assertEquals(summary.get("kept_weights").asLong(), s.kept(), p.toString());
      assertEquals(summary.get("weights").asLong(), s.weights(), p.toString());

      LabeledData test = MnistIdx.readTest(SharedData.mnistDir().toString(), conf);
      float[] x = test.features().clone();
      m.scaling().applyInPlace(x, test.cols());
      Metrics metrics = new Metrics(m.numClasses());
      new Predictor(m.network()).evaluate(m.params(), x, test.labels(), 0, test.rows(), 0, 0,
          metrics);
      assertEquals(summary.get("test_accuracy").asDouble(), metrics.accuracy(), 1e-12,
          p.toString());
    }
  }
}
