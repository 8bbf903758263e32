package org.sparsevd.train;

import org.sparsevd.nn.Mode;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.nn.Workspace;

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
    int chunk = LocalGradientSource.CHUNK_ROWS;
    Workspace ws = net.newWorkspace(chunk);
    int cols = net.inputSize();
    int classes = net.numClasses();
    float[] x = new float[chunk * cols];
    int[] y = new int[chunk];
    long correct = 0;
    double nll = 0;
    for (int start = 0; start < labels.length; start += chunk) {
      int n = Math.min(chunk, labels.length - start);
      System.arraycopy(features, start * cols, x, 0, n * cols);
      System.arraycopy(labels, start, y, 0, n);
      float[] logits = net.forward(params, x, n, Mode.EVAL, null, ws);
      nll += SoftmaxCrossEntropy.lossAndGradient(logits, y, n, classes, null);
      for (int r = 0; r < n; r++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (logits[r * classes + c] > logits[r * classes + best]) {
            best = c;
          }
        }
        if (best == y[r]) {
          correct++;
        }
      }
    }
    return new EpochReport.Evaluation(labels.length, (double) correct / labels.length,
        nll / labels.length);
  }
}
