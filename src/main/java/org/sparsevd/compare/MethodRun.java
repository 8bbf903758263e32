package org.sparsevd.compare;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.sparsevd.eval.Auroc;
import org.sparsevd.eval.Metrics;
import org.sparsevd.eval.Predictor;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.report.Progress;
import org.sparsevd.spark.SparkTrainer;
import org.sparsevd.spark.data.TrainingData;
import org.sparsevd.sparse.PrunedNetwork;
import org.sparsevd.sparse.Quantization;
import org.sparsevd.train.TrainConfig;

/**
 * Trains one method of the comparison with the train job's trainer ({@link SparkTrainer}), then
 * measures it on the test images and on out-of-distribution images: the predictive
 * distribution (Monte-Carlo for a network with any noise, deterministic otherwise), pruning,
 * kept neurons, quantisation, and AUROC of the predictive entropy.
 */
final class MethodRun {
  /** Scaled test images and labels, and the same number of rotated and of noise images. */
  record TestSets(float[] test, int[] labels, float[] rotated, float[] noise) {
    int rows() {
      return labels.length;
    }
  }

  /**
   * What a method achieved.
   *
   * @param deterministic metrics of the deterministic pruned network
   * @param predictive metrics of the predictive distribution (= deterministic when not
   *     stochastic)
   * @param neurons kept input neurons of each weighted layer
   * @param quantizedError test error of the quantised deterministic network
   * @param dropRates learned drop rate of each Concrete dropout layer
   */
  record Result(String name, String layers, boolean stochastic, double seconds,
                Metrics deterministic, Metrics predictive, double aurocRotated,
                double aurocNoise, long weights, long kept, int[] neurons, long shrunkFlops,
                long denseFlops, Quantization.Result quantized, double quantizedError,
                List<Double> dropRates, SparseVdModel model) {
    double sparsity() {
      return 1 - (double) kept / weights;
    }

    double compression() {
      return (double) weights / kept;
    }

    /** The trained model with the quantised parameters. */
    SparseVdModel quantizedModel() {
      return new SparseVdModel(model.def(), model.numClasses(), quantized.params(),
          model.scaling(), model.provenance());
    }
  }

  private MethodRun() {}

  static Result run(TrainingData data, TrainConfig tc, NetworkDef def,
                    CompareConfig.Method method, TestSets sets, CompareConfig cc)
      throws IOException {
    Network net = def.build();
    SparkTrainer trainer = new SparkTrainer(data, def, tc, SparkTrainer.Shuffle.GLOBAL);
    long start = System.nanoTime();
    SparseVdModel model = trainer.fit(trainer.initialState(), null, (r, s) ->
        System.out.println(method.name() + ": " + Progress.line(r, tc.epochs(),
            (System.nanoTime() - start) / 1e9, r.epoch() + 1)),
        Map.of("method", method.name(), "compare_config", cc.toString()));
    double seconds = (System.nanoTime() - start) / 1e9;
    float[] params = model.params();
    boolean stochastic = net.isStochastic();
    int samples = stochastic ? cc.mcSamples() : 0;
    Predictor predictor = new Predictor(net);
    int rows = sets.rows();
    int classes = net.numClasses();
    int[] labels = sets.labels();
    Metrics deterministic = metrics(predictor, params, sets.test(), labels, 0, tc.seed());
    Metrics predictive = metrics(predictor, params, sets.test(), labels, samples, tc.seed());
    // Each set's rows are numbered after the previous set's, so that the Monte-Carlo samples
    // of the out-of-distribution sets draw noise of their own.
    double[] inDist = Predictor.entropy(predictor.probabilities(params, sets.test(), 0, rows,
        samples, tc.seed()), rows, classes);
    double[] rotated = Predictor.entropy(predictor.probabilities(params, sets.rotated(), rows,
        rows, samples, tc.seed()), rows, classes);
    double[] noise = Predictor.entropy(predictor.probabilities(params, sets.noise(), 2L * rows,
        rows, samples, tc.seed()), rows, classes);

    PrunedNetwork pruned = PrunedNetwork.of(net, params);
    Quantization.Result q = Quantization.quantize(net, params, cc.quantBits(), tc.seed());
    Metrics quantized = metrics(predictor, q.params(), sets.test(), labels, 0, tc.seed());
    return new Result(method.name(), def.layers(), stochastic, seconds, deterministic,
        predictive, Auroc.of(rotated, inDist), Auroc.of(noise, inDist), pruned.weights(),
        pruned.keptWeights(), pruned.keptNeuronCounts(), pruned.shrink().flops(),
        pruned.denseFlops(), q, quantized.error(), net.learnedDropRates(params), model);
  }

  /** Metrics of the rows {@code x} numbered from 0; {@code samples} 0 is deterministic. */
  private static Metrics metrics(Predictor predictor, float[] params, float[] x, int[] labels,
                                 int samples, long seed) {
    Metrics m = new Metrics(predictor.network().numClasses());
    predictor.evaluate(params, x, labels, 0, labels.length, samples, seed, m);
    return m;
  }
}
