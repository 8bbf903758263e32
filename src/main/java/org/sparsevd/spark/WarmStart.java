package org.sparsevd.spark;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.data.Scaling;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.EvalForm;
import org.sparsevd.nn.Layer;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.StructuredBayesianPruning;
import org.sparsevd.nn.WeightInit;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingState;

/**
 * A warm start (the train job's {@code init_model}, the Estimator's {@code initModel}):
 * training begins from a saved model's parameters, with a fresh optimiser at epoch 0, instead
 * of a random initialisation. The model's feature scaling is kept rather than refitted, so that
 * its parameters see inputs scaled as they were trained on. The network must be the model's,
 * or the model's with {@code sbp} layers added. Layers that hold no parameters and pass their
 * values through at evaluation ({@code image}, {@code flatten}, {@code crop}, {@code flip},
 * dropout) may be added or dropped, as a PyTorch state dict ignores them: a model trained with
 * random shifts can be fine-tuned without them, or a flat network given its image shape.
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
   * The state to train from: the model's parameters and a fresh optimiser. The job's network
   * is the model's, or the model's with {@code sbp} layers added (structured pruning of a
   * trained network, as its authors run it): the model's layers keep their parameters and each
   * added layer starts from its own initialisation, seeded as a fresh training's. Layers without
   * parameters that pass their values through at evaluation are left out of the comparison
   * on both sides.
   *
   * @throws IllegalArgumentException if this job's network, beyond added {@code sbp} layers
   *     and such pass-through layers, or its classes differ from the model's
   */
  public TrainingState initialState(NetworkDef def, int classes, TrainConfig tc) {
    NetworkDef m = model.def();
    Network from = m.build();
    Network to = def.build();
    int[] matched = m.inputSize() == def.inputSize()
        && m.vd().parameterization() == def.vd().parameterization()
        && model.numClasses() == classes ? match(from, to) : null;
    if (matched == null) {
      throw new IllegalArgumentException(what + " " + dir + " is '" + m.layers() + "' on "
          + m.inputSize() + " inputs, " + model.numClasses() + " classes, "
          + m.vd().parameterization() + "; this job is '" + def.layers() + "' on "
          + def.inputSize() + " inputs, " + classes + " classes, " + def.vd().parameterization()
          + ": a warm start needs the same network, or the same with sbp layers added"
          + " (image, flatten, crop, flip and dropout may differ)");
    }
    float[] params = to.initParams(tc.seed());
    for (int l = 0; l < matched.length; l++) {
      if (matched[l] < 0) {
        continue;
      }
      System.arraycopy(model.params(), from.offset(l), params, to.offset(matched[l]),
          from.layers().get(l).paramCount());
    }
    return new TrainingState(params, tc.optimizer().optimizer().newState(params.length), 0, 0);
  }

  /**
   * For each layer of {@code from}, the index of the same layer in {@code to}, in order, where
   * {@code to} may have {@link StructuredBayesianPruning} layers that {@code from} has not
   * (and either may name another initialisation, which the model's values replace), and
   * pass-through layers on either side are skipped (-1 for those of {@code from});
   * null when the two differ otherwise.
   */
  static int[] match(Network from, Network to) {
    List<Layer> f = from.layers();
    List<Layer> t = to.layers();
    int[] at = new int[f.size()];
    int j = skipPassThrough(t, 0);
    for (int l = 0; l < at.length; l++) {
      if (passesThrough(f.get(l))) {
        at[l] = -1;
        continue;
      }
      while (j < t.size() && !same(f.get(l), t.get(j))
          && t.get(j) instanceof StructuredBayesianPruning) {
        j = skipPassThrough(t, j + 1);
      }
      if (j == t.size() || !same(f.get(l), t.get(j))) {
        return null;
      }
      at[l] = j;
      j = skipPassThrough(t, j + 1);
    }
    for (; j < t.size(); j = skipPassThrough(t, j + 1)) {
      if (!(t.get(j) instanceof StructuredBayesianPruning)) {
        return null;
      }
    }
    return at;
  }

  /** The first index from {@code j} on that is not a pass-through layer. */
  private static int skipPassThrough(List<Layer> layers, int j) {
    while (j < layers.size() && passesThrough(layers.get(j))) {
      j++;
    }
    return j;
  }

  /** No parameters and the identity at evaluation: nothing a warm start carries over. */
  private static boolean passesThrough(Layer layer) {
    return layer.paramCount() == 0
        && layer.evalForm(new float[0], 0) instanceof EvalForm.Identity;
  }

  private static boolean same(Layer a, Layer b) {
    return a.getClass() == b.getClass()
        && WeightInit.withoutOption(a.spec()).equals(WeightInit.withoutOption(b.spec()))
        && a.inputSize() == b.inputSize() && a.outputSize() == b.outputSize()
        && a.paramCount() == b.paramCount();
  }
}
