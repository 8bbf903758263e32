package org.sparsevd.export;

import java.util.Map;
import java.util.HashMap;
import org.apache.hadoop.conf.Configuration;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.data.SharedData;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.optim.Schedules;
import org.sparsevd.train.GradientSource;
import org.sparsevd.train.LocalGradientSource;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.train.TrainingState;

/**
 * Small models trained for a second or two on a slice of MNIST with the engine's own loop,
 * strongly enough regularised that many weights are pruned, and the raw test images to run
 * them on. Trained once per (layers, scaling) and shared by the export tests.
 */
final class TrainedModels {
  static final int TRAIN_ROWS = 3000;
  static final int TEST_ROWS = 500;
  private static final Map<String, SparseVdModel> CACHE = new HashMap<>();
  private static LabeledData train;
  private static LabeledData test;

  private TrainedModels() {}

  /** The first {@value #TEST_ROWS} MNIST test images, raw pixels 0..255; a new array. */
  static float[] rawTestFeatures() throws Exception {
    load();
    return test.features().clone();
  }

  static int[] testLabels() throws Exception {
    load();
    return test.labels().clone();
  }

  /** A model with the given layers trained on features scaled by {@code mode}. */
  static synchronized SparseVdModel model(String layers, Scaling.Mode mode) throws Exception {
    SparseVdModel m = CACHE.get(key(layers, mode));
    if (m == null) {
      m = train(layers, mode);
      CACHE.put(key(layers, mode), m);
    }
    return m;
  }

  private static synchronized void load() throws Exception {
    if (train == null) {
      String dir = SharedData.mnistDir().toString();
      train = MnistIdx.readTrain(dir, new Configuration()).slice(0, TRAIN_ROWS);
      test = MnistIdx.readTest(dir, new Configuration()).slice(0, TEST_ROWS);
    }
  }

  private static SparseVdModel train(String layers, Scaling.Mode mode) throws Exception {
    load();
    Scaling scaling = Scaling.fit(mode, train);
    float[] x = train.features().clone();
    scaling.applyInPlace(x, train.cols());
    // Two epochs without the KL term, then all of it, on a small training set: most weights go.
    TrainConfig config = new TrainConfig(layers, TrainConfig.DEFAULTS.vd(), 100, 8, 3e-3,
        Schedules.learningRate("constant", 3e-3, 8), Schedules.klWeight("linear(1, 1)"),
        TrainConfig.DEFAULTS.optimizer(), 11, 1);
    NetworkDef def = new NetworkDef(layers, train.cols(), config.vd());
    Network net = def.build();
    TrainingState state = TrainingLoop.initialState(net, config);
    try (GradientSource source = new LocalGradientSource(net, x, train.labels(), config.seed(),
        2)) {
      TrainingLoop.run(net, config, state, source, null, (r, s) -> { });
    }
    return new SparseVdModel(def, 10, state.params(), scaling, Map.of("test", key(layers, mode)));
  }

  private static String key(String layers, Scaling.Mode mode) {
    return layers + " / " + mode;
  }

  /**
   * The engine's deterministic prediction, as {@link org.sparsevd.eval.Predictor} makes it:
   * the model's scaling, the network in {@link Mode#EVAL}, softmax.
   *
   * @param raw [rows x inputSize] raw features; not modified
   * @return [0] logits, [1] probabilities, each [rows x classes]
   */
  static float[][] enginePrediction(SparseVdModel model, float[] raw, int rows) {
    Network net = model.network();
    float[] x = raw.clone();
    model.scaling().applyInPlace(x, net.inputSize());
    float[] logits = net.forward(model.params(), x, rows, Mode.EVAL, null,
        net.newWorkspace(rows)).clone();
    float[] probs = new float[logits.length];
    SoftmaxCrossEntropy.softmax(logits, probs, rows, net.numClasses());
    return new float[][] {logits, probs};
  }
}
