package org.sparsevd.train;

import org.sparsevd.eval.Metrics;
import org.sparsevd.eval.Predictor;
import org.sparsevd.nn.Network;

/** Accuracy and mean NLL of the deterministic pruned network on a held-out block. */
public final class LocalEvaluator implements TrainingLoop.Evaluator {
  private final Network net;
  private final float[] features;
  private final int[] labels;

  /** @param features [labels.length x net.inputSize()]; not copied, not modified */
  public LocalEvaluator(Network net, float[] features, int[] labels) {
    this.net = net;
    this.features = features;
    this.labels = labels;
  }

  @Override
  public EpochReport.Evaluation evaluate(float[] params) {
    Metrics m = new Metrics(net.numClasses());
    new Predictor(net).evaluate(params, features, labels, 0, labels.length, 0, 0, m);
    return new EpochReport.Evaluation(m.count(), m.accuracy(), m.nll());
  }
}
