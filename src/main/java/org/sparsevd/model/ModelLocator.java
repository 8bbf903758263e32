package org.sparsevd.model;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Finds the engine's model folder ({@link ModelFormat}) in any of the places a model is saved,
 * so that every tool reads every model:
 *
 * <pre>
 * DIR/model.json                  the train job's OUTPUT/model
 * DIR/model/model.json            a run folder (OUTPUT), or a model store's published run
 * DIR/data/model.json             a SparseVDClassificationModel saved with write().save(DIR)
 * DIR/stages/N_UID/data/model.json a saved PipelineModel with one such stage (the tabular
 *                                  job's OUTPUT/model, or DIR/model/stages/... of its run)
 * </pre>
 */
public final class ModelLocator {
  private ModelLocator() {}

  /**
   * Where the model was found.
   *
   * @param modelDir the folder holding model.json and params.bin
   * @param pipeline the saved PipelineModel around it, or null: the features go to the model as
   *     they are
   */
  public record Found(Path modelDir, Path pipeline) {
    public boolean inPipeline() {
      return pipeline != null;
    }
  }

  /** Reads the model wherever {@link #find} finds it. */
  public static SparseVdModel read(Path dir, Configuration conf) throws IOException {
    return ModelFormat.read(find(dir, conf).modelDir(), conf);
  }

  /**
   * Reads a model that takes the features as they are: a pipeline's model takes the output of
   * its feature stages instead, so a pipeline is refused here.
   *
   * @param what the tool, for the message: "evaluate", "init_model"
   */
  public static SparseVdModel readUnwrapped(Path dir, Configuration conf, String what)
      throws IOException {
    Found f = find(dir, conf);
    if (f.inPipeline()) {
      throw new IllegalArgumentException(what + ": " + dir + " is a PipelineModel (a tabular "
          + "run): its model reads the pipeline's features, not the data's columns");
    }
    return ModelFormat.read(f.modelDir(), conf);
  }

  /**
   * @throws IOException naming {@code dir} and what it holds when no model, or more than one
   *     SparseVD stage of a pipeline, is there
   */
  public static Found find(Path dir, Configuration conf) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      throw new IOException(dir + ": no such model folder");
    }
    Found here = findIn(fs, dir);
    if (here != null) {
      return here;
    }
    Found inRun = fs.exists(new Path(dir, "model")) ? findIn(fs, new Path(dir, "model")) : null;
    if (inRun != null) {
      return inRun;
    }
    throw new IOException(dir + ": no model here: expected model.json (the train job's "
        + "model folder), model/ (a run folder), data/model.json (a saved "
        + "SparseVDClassificationModel) or stages/ (a saved PipelineModel)");
  }

  private static Found findIn(FileSystem fs, Path dir) throws IOException {
    if (fs.exists(new Path(dir, "model.json"))) {
      return new Found(dir, null);
    }
    if (fs.exists(new Path(dir, "data/model.json"))) {
      return new Found(new Path(dir, "data"), null);
    }
    Path stages = new Path(dir, "stages");
    if (!fs.exists(stages)) {
      return null;
    }
    List<Path> found = new ArrayList<>();
    for (FileStatus st : fs.listStatus(stages)) {
      if (fs.exists(new Path(st.getPath(), "data/model.json"))) {
        found.add(new Path(st.getPath(), "data"));
      }
    }
    if (found.size() != 1) {
      throw new IOException(dir + ": a PipelineModel with " + found.size()
          + " SparseVD stages, expected 1");
    }
    return new Found(found.get(0), dir);
  }
}
