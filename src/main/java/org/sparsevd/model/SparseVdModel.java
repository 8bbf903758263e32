package org.sparsevd.model;

import java.util.Map;
import org.sparsevd.data.Scaling;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;

/**
 * A trained model: what the network is, its flat parameters, the feature scaling fitted on
 * its training set, and provenance (the training configuration, seed, epochs). It holds no
 * training state; checkpoints hold that.
 *
 * @param provenance free-form string fields saved with the model, e.g. the config
 */
public record SparseVdModel(NetworkDef def, int numClasses, float[] params, Scaling scaling,
                            Map<String, String> provenance) implements java.io.Serializable {
  public SparseVdModel {
    Network net = def.build();
    if (net.numClasses() != numClasses) {
      throw new IllegalArgumentException("network '" + def.layers() + "' has "
          + net.numClasses() + " outputs, the model " + numClasses + " classes");
    }
    if (params.length != net.paramCount()) {
      throw new IllegalArgumentException("network '" + def.layers() + "' needs "
          + net.paramCount() + " parameters, got " + params.length);
    }
    provenance = Map.copyOf(provenance);
  }

  public Network network() {
    return def.build();
  }

  /** The same model with another pruning threshold. */
  public SparseVdModel withThreshold(float threshold) {
    return new SparseVdModel(new NetworkDef(def.layers(), def.inputSize(),
        def.vd().withThreshold(threshold)), numClasses, params, scaling, provenance);
  }

  /**
   * Spark ships models inside task closures. They travel as this proxy, the scaling in its
   * exact text form, so that {@link Scaling} itself needs no Java serialisation.
   */
  private Object writeReplace() {
    return new Serialized(def, numClasses, params, scaling.serialize(), Map.copyOf(provenance));
  }

  private record Serialized(NetworkDef def, int numClasses, float[] params, String scaling,
                            Map<String, String> provenance) implements java.io.Serializable {
    private Object readResolve() {
      return new SparseVdModel(def, numClasses, params, Scaling.parse(scaling), provenance);
    }
  }
}
