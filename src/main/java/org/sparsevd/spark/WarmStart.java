package org.sparsevd.spark;

import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingState;

/**
 * A warm start (the train job's {@code init_model}, the Estimator's {@code initModel}):
 * training begins from a saved model's parameters, with a fresh optimiser at epoch 0, instead
 * of a random initialisation. The model's feature scaling is kept rather than refitted, so that
 * its parameters see inputs scaled as they were trained on; the network must be the same one.
 */
public final class WarmStart {
  private final Path dir;
  private final SparseVdModel model;
  private final String what;

  private WarmStart(Path dir, SparseVdModel model, String what) {
    this.dir = dir;
    this.model = model;
    this.what = what;
  }

  /**
   * Reads the model to start from, wherever {@link ModelLocator} finds it.
   *
   * @param what the setting that names it, for messages: "init_model"
   * @param scaling the scaling mode the caller would fit; the model's must be the same
   * @return null when {@code dir} is empty
   */
  public static WarmStart read(String dir, String what, String scaling, Configuration conf)
      throws IOException {
    if (dir.isEmpty()) {
      return null;
    }
    Path p = new Path(dir);
    SparseVdModel m = ModelLocator.readUnwrapped(p, conf, what);
    String mode = m.scaling().mode().name().toLowerCase(Locale.ROOT);
    if (!mode.equalsIgnoreCase(scaling)) {
      throw new IllegalArgumentException(what + " " + p + " was trained with scaling " + mode
          + ", this training's scaling is " + scaling);
    }
    return new WarmStart(p, m, what);
  }

  /** The model's scaling, applied to this job's data instead of a freshly fitted one. */
  public Scaling scaling() {
    return model.scaling();
  }

  /**
   * The state to train from: a copy of the model's parameters and a fresh optimiser.
   *
   * @throws IllegalArgumentException if this job's network or classes differ from the model's
   */
  public TrainingState initialState(NetworkDef def, int classes, TrainConfig tc) {
    NetworkDef m = model.def();
    if (!canonical(m.layers()).equals(canonical(def.layers())) || m.inputSize() != def.inputSize()
        || m.vd().parameterization() != def.vd().parameterization()
        || model.numClasses() != classes) {
      throw new IllegalArgumentException(what + " " + dir + " is '" + m.layers() + "' on "
          + m.inputSize() + " inputs, " + model.numClasses() + " classes, "
          + m.vd().parameterization() + "; this job is '" + def.layers() + "' on "
          + def.inputSize() + " inputs, " + classes + " classes, " + def.vd().parameterization()
          + ": a warm start needs the same network");
    }
    float[] params = model.params().clone();
    return new TrainingState(params, tc.optimizer().optimizer().newState(params.length), 0, 0);
  }

  private static String canonical(String layers) {
    return layers.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
  }
}
