package org.sparsevd.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;

/**
 * How a {@link SparseVDClassificationModel} is saved: a folder on any Hadoop file system with
 *
 * <pre>
 * metadata/   Spark ML's parameter metadata (one JSON line: class, uid, Spark version,
 *             every parameter's value); what Pipeline and CrossValidator persistence expect
 * data/       the engine's model folder, {@link ModelFormat}: model.json (format name and
 *             version, network, variational settings, scaling, parameter count, SHA-256 of
 *             params.bin) and params.bin (the flat parameters in a checksummed container)
 * </pre>
 *
 * A folder without {@code metadata/} is read as the train job wrote it (a run folder or its
 * {@code model/}; {@link ModelLocator}), with default parameters. Otherwise loading checks the
 * metadata's class, then reads {@code data/} with {@link ModelFormat}'s
 * checks (format, version, checksum, sizes before allocation), and only then sets the
 * parameters. Nothing is read with Java deserialisation.
 *
 * <p>Spark's metadata helpers are public in bytecode but private to Spark in source; this
 * class is the only place that calls them.
 */
final class ModelPersistence {
  private ModelPersistence() {}

  static final class Writer extends MLWriter {
    private final SparseVDClassificationModel instance;

    Writer(SparseVDClassificationModel instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
      try {
        ModelFormat.write(instance.trained(), new Path(path, "data"),
            sparkSession().sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException(path + ": " + e.getMessage(), e);
      }
    }
  }

  static final class Reader extends MLReader<SparseVDClassificationModel> {
    @Override
    public SparseVDClassificationModel load(String path) {
      org.apache.hadoop.conf.Configuration conf = sparkSession().sparkContext()
          .hadoopConfiguration();
      if (!exists(new Path(path, "metadata"), conf)) {
        return loadEngineModel(new Path(path), conf);
      }
      String expected = SparseVDClassificationModel.class.getName();
      DefaultParamsReader.Metadata meta;
      try {
        meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), expected);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(path + ": not a saved " + expected + ": "
            + e.getMessage(), e);
      }
      SparseVdModel trained;
      try {
        trained = ModelFormat.read(new Path(path, "data"),
            sparkSession().sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
      SparseVDClassificationModel model =
          new SparseVDClassificationModel(meta.uid(), trained, java.util.List.of());
      meta.getAndSetParams(model, meta.getAndSetParams$default$2());
      return model;
    }

    /**
     * A model the train job wrote (its run folder or OUTPUT/model), with default parameters:
     * the threshold it was trained with, no Monte-Carlo columns.
     */
    private static SparseVDClassificationModel loadEngineModel(Path path,
        org.apache.hadoop.conf.Configuration conf) {
      try {
        ModelLocator.Found found = ModelLocator.find(path, conf);
        if (found.inPipeline()) {
          throw new IllegalArgumentException(path + " is a saved PipelineModel: load it with "
              + "PipelineModel.load");
        }
        return new SparseVDClassificationModel(Identifiable$.MODULE$.randomUID("sparseVD"),
            ModelFormat.read(found.modelDir(), conf), java.util.List.of());
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }

    private static boolean exists(Path p, org.apache.hadoop.conf.Configuration conf) {
      try {
        return p.getFileSystem(conf).exists(p);
      } catch (IOException e) {
        throw new UncheckedIOException(p + ": " + e.getMessage(), e);
      }
    }
  }
}
