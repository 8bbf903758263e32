package org.sparsevd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.data.SharedData;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.optim.Schedules;

/** A small network on a slice of MNIST, trained in this JVM for a few seconds. */
class LocalTrainingTest {
  private static LabeledData train;
  private static LabeledData test;

  @BeforeAll
  static void load() throws Exception {
    String dir = SharedData.mnistDir().toString();
    Configuration conf = new Configuration();
    train = MnistIdx.readTrain(dir, conf).slice(0, 6000);
    test = MnistIdx.readTest(dir, conf).slice(0, 2000);
    Scaling scaling = Scaling.fit(Scaling.Mode.DIVIDE_255, train);
    scaling.applyInPlace(train);
    scaling.applyInPlace(test);
  }

  static TrainConfig config(int epochs) {
    TrainConfig d = TrainConfig.DEFAULTS;
    return new TrainConfig("vd(100) | relu | vd(10)", d.vd(), 100, epochs, 3e-3,
        Schedules.learningRate("constant", 3e-3, epochs), Schedules.klWeight("linear(1, 3)"),
        d.optimizer(), 7, 1);
  }

  static List<EpochReport> train(TrainConfig config, int threads, TrainingState[] out)
      throws Exception {
    Network net = NetworkSpec.parse(config.layers(), 784, config.vd());
    TrainingState state = TrainingLoop.initialState(net, config);
    List<EpochReport> reports = new ArrayList<>();
    try (GradientSource source = new LocalGradientSource(net, train.features(), train.labels(),
        config.seed(), threads)) {
      TrainingLoop.run(net, config, state, source,
          new LocalEvaluator(net, test.features(), test.labels()), (r, s) -> reports.add(r));
    }
    out[0] = state;
    return reports;
  }

  @Test
  void learnsAndSparsifies() throws Exception {
    TrainingState[] state = new TrainingState[1];
    TrainConfig config = config(6);
    Network net = NetworkSpec.parse(config.layers(), 784, config.vd());
    double untrained = new LocalEvaluator(net, test.features(), test.labels())
        .evaluate(net.initParams(config.seed())).accuracy();
    List<EpochReport> r = train(config, 2, state);
    EpochReport first = r.get(0);
    EpochReport last = r.get(r.size() - 1);
    assertTrue(untrained < 0.3, "untrained accuracy " + untrained);
    assertTrue(last.evaluation().accuracy() > 0.85, "accuracy " + last.evaluation().accuracy());
    assertTrue(last.sparsity().sparsity() > first.sparsity().sparsity() + 0.2,
        "sparsity " + first.sparsity().sparsity() + " -> " + last.sparsity().sparsity());
    assertEquals(6 * 60, state[0].step());
  }

  /** A small convolutional network (per-filter, then per-weight dropout) learns and prunes. */
  @Test
  void convolutionsLearnAndSparsify() throws Exception {
    TrainConfig d = TrainConfig.DEFAULTS;
    TrainConfig config = new TrainConfig("image(28, 28, 1) | vdconv(8, 5, 2, 0, per=filter) "
        + "| relu | vdconv(16, 3) | relu | maxpool(2) | flatten | vd(10)", d.vd(), 100, 4, 3e-3,
        Schedules.learningRate("constant", 3e-3, 4), Schedules.klWeight("linear(1, 2)"),
        d.optimizer(), 7, 1);
    TrainingState[] state = new TrainingState[1];
    List<EpochReport> r = train(config, 2, state);
    EpochReport last = r.get(r.size() - 1);
    assertTrue(last.evaluation().accuracy() > 0.9, "accuracy " + last.evaluation().accuracy());
    assertTrue(last.sparsity().sparsity() > r.get(0).sparsity().sparsity() + 0.2,
        "sparsity " + r.get(0).sparsity().sparsity() + " -> " + last.sparsity().sparsity());
  }

  @Test
  void sameSeedIsBitIdenticalAndThreadCountOnlyChangesRoundOff() throws Exception {
    TrainingState[] a = new TrainingState[1];
    TrainingState[] b = new TrainingState[1];
    TrainingState[] c = new TrainingState[1];
    train(config(2), 2, a);
    train(config(2), 2, b);
    train(config(2), 1, c);
    assertArrayEquals(a[0].params(), b[0].params());
    // Adam turns round-off in near-zero gradients into visible parameter differences, so the
    // comparison is on what the model does: test NLL and accuracy.
    Network net = NetworkSpec.parse(config(2).layers(), 784, config(2).vd());
    LocalEvaluator eval = new LocalEvaluator(net, test.features(), test.labels());
    EpochReport.Evaluation two = eval.evaluate(a[0].params());
    EpochReport.Evaluation one = eval.evaluate(c[0].params());
    assertTrue(!java.util.Arrays.equals(a[0].params(), c[0].params()));
    assertEquals(two.nll(), one.nll(), 0.02 * two.nll());
    assertEquals(two.accuracy(), one.accuracy(), 0.01);
  }

  /**
   * Information dropout's KL depends on the example: the epoch reports its mean within the KL,
   * the loss weighs it by the schedule, and a zero weight takes it out of the gradient.
   */
  @Test
  void informationDropoutsKlIsReportedAndFollowsTheSchedule() throws Exception {
    TrainConfig d = TrainConfig.DEFAULTS;
    String layers = "idense(64, 0.5) | relu | dense(10)";
    int n = train.labels().length;
    float[][] params = new float[2][];
    EpochReport[] reports = new EpochReport[2];
    for (int w = 0; w < 2; w++) {
      TrainConfig config = new TrainConfig(layers, d.vd(), n, 1, 3e-3,
          Schedules.learningRate("constant", 3e-3, 1), Schedules.klWeight("constant(" + w + ")"),
          d.optimizer(), 7, 1);
      TrainingState[] state = new TrainingState[1];
      reports[w] = train(config, 2, state).get(0);
      params[w] = state[0].params();
    }
    Network net = NetworkSpec.parse(layers, 784, d.vd());
    int[] all = new int[n];
    java.util.Arrays.setAll(all, k -> k);
    org.sparsevd.nn.BatchLoss first;
    try (GradientSource source = new LocalGradientSource(net, train.features(), train.labels(),
        7, 2)) {
      first = source.gradient(net.initParams(7), all, 0, 0f, new float[net.paramCount()]);
    }
    assertTrue(first.exampleKl() > 0, "KL " + first);
    for (int w = 0; w < 2; w++) {
      EpochReport r = reports[w];
      assertEquals(first.exampleKl() / n, r.kl(), 1e-9 * r.kl(), "weight " + w);
      assertEquals(first.nll() / n, r.nll(), 1e-9 * r.nll(), "weight " + w);
      assertEquals(r.nll() + w * r.kl(), r.loss(), 1e-12, "weight " + w);
    }
    assertTrue(!java.util.Arrays.equals(params[0], params[1]),
        "the KL weight changes the step");
    for (String spec : new String[] {"idense(100, 0.01) | relu | dense(10)",
        "idense(100, 0.01, prior=lognormal) | softplus | dense(10)"}) {
      TrainConfig longer = new TrainConfig(spec, d.vd(), 100, 3, 3e-3,
          Schedules.learningRate("constant", 3e-3, 3), Schedules.klWeight("linear(1, 2)"),
          d.optimizer(), 7, 1);
      List<EpochReport> r = train(longer, 2, new TrainingState[1]);
      double accuracy = r.get(2).evaluation().accuracy();
      assertTrue(accuracy > 0.85, spec + ": accuracy " + accuracy);
    }
  }
}
