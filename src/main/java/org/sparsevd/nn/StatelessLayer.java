package org.sparsevd.nn;

/**
 * A layer with no parameters, no scratch and no noise whose output has its input's size
 * (ReLU, flatten): subclasses give only the spec, the form and the two passes.
 */
abstract class StatelessLayer implements Layer {
  final int size;

  StatelessLayer(int size) {
    this.size = size;
  }

  @Override public int inputSize() { return size; }
  @Override public int outputSize() { return size; }
  @Override public int paramCount() { return 0; }
  @Override public void init(float[] params, int off, long seed, int layerIndex) {}
  @Override public Scratch newScratch(int maxRows) { return Scratch.NONE; }
  @Override public boolean stochastic() { return false; }
}
