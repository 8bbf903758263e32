package org.sparsevd.nn;

/**
 * The buffers one thread needs to run a network on up to {@code maxRows} rows: activations
 * (acts[l + 1] is the output of layer l; acts[0] stays empty, the first layer reads the caller's rows in place), two gradient buffers used
 * in turn, and each layer's scratch. Not thread-safe; make one per thread.
 */
public final class Workspace {
  /** Rows per engine call: large enough for efficient kernels, small enough for the caches. */
  public static final int CHUNK_ROWS = 256;

  final int maxRows;
  final float[][] acts;
  final float[] gradA;
  final float[] gradB;
  final Layer.Scratch[] scratch;

  Workspace(Network net, int maxRows) {
    if (maxRows <= 0) {
      throw new IllegalArgumentException("workspace rows " + maxRows + " must be > 0");
    }
    this.maxRows = maxRows;
    int n = net.layers().size();
    acts = new float[n + 1][];
    scratch = new Layer.Scratch[n];
    acts[0] = new float[0];
    int widest = net.inputSize();
    for (int l = 0; l < n; l++) {
      Layer layer = net.layers().get(l);
      acts[l + 1] = new float[maxRows * layer.outputSize()];
      scratch[l] = layer.newScratch(maxRows);
      widest = Math.max(widest, layer.outputSize());
    }
    gradA = new float[maxRows * widest];
    gradB = new float[maxRows * widest];
  }

  public int maxRows() {
    return maxRows;
  }
}
