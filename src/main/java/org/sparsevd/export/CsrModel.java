package org.sparsevd.export;

import org.sparsevd.data.Scaling;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.SoftmaxCrossEntropy;
import org.sparsevd.sparse.SparseNetwork;

/**
 * What serving a model on the JVM needs: the pruned network in compressed sparse rows and the
 * feature scaling of its training set. It takes raw features, as the model's users have them.
 * Uses no Spark or Hadoop class, so {@link CsrExport#read} works with the project jar alone.
 */
public record CsrModel(SparseNetwork network, Scaling scaling) {
  public CsrModel {
    if (scaling.mode().isFitted() && scaling.mean().length != network.inputSize()) {
      throw new IllegalArgumentException("scaling fitted on " + scaling.mean().length
          + " features, the network reads " + network.inputSize());
    }
  }

  /** The deterministic pruned network of a trained model, as the engine evaluates it. */
  public static CsrModel of(SparseVdModel model) {
    return new CsrModel(SparseNetwork.export(model.network(), model.params()), model.scaling());
  }

  /**
   * @param features raw features [rows x inputSize]; not modified
   * @return logits [rows x classes]
   */
  public float[] logits(float[] features, int rows) {
    int cols = network.inputSize();
    if (rows < 0 || features.length != (long) rows * cols) {
      throw new IllegalArgumentException(rows + " rows of " + cols + " features need "
          + (long) rows * cols + " values, got " + features.length);
    }
    float[] x = features.clone();
    scaling.applyInPlace(x, cols);
    float[] logits = new float[rows * network.numClasses()];
    network.predict(x, rows, logits);
    return logits;
  }

  /**
   * @param features raw features [rows x inputSize]; not modified
   * @return class probabilities [rows x classes], softmax of {@link #logits}
   */
  public float[] probabilities(float[] features, int rows) {
    float[] p = logits(features, rows);
    SoftmaxCrossEntropy.softmax(p, p, rows, network.numClasses());
    return p;
  }
}
