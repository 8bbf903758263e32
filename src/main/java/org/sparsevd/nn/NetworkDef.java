package org.sparsevd.nn;

import java.io.Serializable;

/**
 * Everything needed to rebuild a {@link Network} anywhere: the layer list, the input width and
 * the variational settings. Small and serialisable, so it is what a Spark closure carries
 * instead of the network itself.
 */
public record NetworkDef(String layers, int inputSize, VdSettings vd) implements Serializable {
  public NetworkDef {
    if (layers == null || layers.isBlank()) {
      throw new IllegalArgumentException("network layers must be given");
    }
    if (inputSize <= 0) {
      throw new IllegalArgumentException("input size " + inputSize + " must be > 0");
    }
    if (vd == null) {
      throw new IllegalArgumentException("variational settings must be given");
    }
  }

  public Network build() {
    return NetworkSpec.parse(layers, inputSize, vd);
  }
}
