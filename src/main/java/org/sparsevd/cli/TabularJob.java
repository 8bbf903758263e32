package org.sparsevd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.sparsevd.eval.Metrics;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.ml.PredictionMetrics;
import org.sparsevd.ml.SparseVDClassificationModel;
import org.sparsevd.ml.SparseVDClassifier;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Sparsity;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.Blocks;
import org.sparsevd.spark.data.DataSource;
import org.sparsevd.spark.data.PersistedBlocks;

/**
 * The train job with {@code pipeline = tabular}: a Spark ML Pipeline over a CSV file with
 * text and numeric columns. The label is indexed by frequency (fitted on all rows, so that a
 * rare class missing from the training split still has an index); each categorical column is
 * indexed and one-hot encoded; every feature is assembled into one vector and standardised;
 * {@link SparseVDClassifier} is trained on the result, warm-started from the SparseVD stage
 * of {@code init_model} when set. The fitted PipelineModel is saved to
 * OUTPUT/model, the held-out metrics and the input columns that pruning removed entirely to
 * OUTPUT/summary.json, then the completion marker.
 *
 * <p>With {@code compare_mlp}, Spark's MultilayerPerceptronClassifier with the same hidden
 * layers is trained on the same standardised features and reported beside it.
 */
final class TabularJob {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LABEL = "label_index";
  private static final String ASSEMBLED = "assembled";
  private static final String FEATURES = "features_std";
  private static final String ONE_HOT = "_onehot";

  private TabularJob() {}

  static String run(SparkSession spark, JobConfig c) throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    if (c.flag("resume")) {
      throw new IllegalArgumentException("--resume: the tabular pipeline has no checkpoints; "
          + "rerun with --overwrite");
    }
    requireDefaultVdSettings(c);
    OutputDir out = OutputDir.open(c.require("output"), hconf, false, c.flag("overwrite"));
    TabularData data = TabularData.read(spark, c);
    String label = c.get("data.label_col");
    StringIndexerModel labels = new StringIndexer().setInputCol(label).setOutputCol(LABEL)
        .setStringOrderType("frequencyDesc").fit(data.all());
    int classes = labels.labelsArray()[0].length;
    Dataset<Row>[] split = data.split(c);

    PipelineModel features = featurePipeline(data).fit(labels.transform(split[0]));
    StorageLevel level = StorageLevel.fromString(c.get("storage_level").toUpperCase(Locale.ROOT));
    Dataset<Row> transformed = features.transform(labels.transform(split[0]));
    // The assembler's metadata names each input feature: "service_onehot_http", "duration".
    Attribute[] attrs = AttributeGroup.fromStructField(transformed.schema().apply(ASSEMBLED))
        .attributes().get();
    Dataset<Row> train = transformed.select(LABEL, FEATURES).persist(level);
    Dataset<Row> test = features.transform(labels.transform(split[1])).select(LABEL, FEATURES)
        .persist(level);
    long trainRows = train.count();
    long testRows = test.count();
    int inputs = attrs.length;
    System.out.printf(Locale.ROOT, "data: %d training and %d held-out rows, %d classes, %d "
        + "input features after one-hot encoding%n", trainRows, testRows, classes, inputs);

    SparseVDClassifier vd = classifier(c).setFeaturesCol(FEATURES).setLabelCol(LABEL);
    if (!c.get("init_model").isEmpty()) {
      // A tabular run's model is a pipeline: the warm start is its SparseVD stage, which must
      // read as many features as this run's stages make.
      vd.setInitModel(ModelLocator.find(new org.apache.hadoop.fs.Path(c.get("init_model")),
          hconf).modelDir().toString());
    }
    long start = System.nanoTime();
    SparseVDClassificationModel model = vd.fit(train);
    double vdSeconds = (System.nanoTime() - start) / 1e9;
    Metrics vdMetrics = PredictionMetrics.of(model.transform(test), LABEL,
        model.getProbabilityCol(), classes);

    ObjectNode summary = JSON.createObjectNode();
    summary.put("train_rows", trainRows);
    summary.put("test_rows", testRows);
    summary.put("classes", classes);
    summary.put("input_features", inputs);
    ObjectNode v = result(summary.putObject("sparsevd"), vdMetrics, vdSeconds);
    Sparsity s = model.sparsity();
    v.put("layers", model.trained().def().layers());
    v.put("sparsity", s.sparsity());
    v.put("compression", s.compression());
    v.put("kept_weights", s.kept());
    v.put("weights", s.weights());
    ArrayNode perLayer = v.putArray("layer_sparsity");
    s.layers().forEach(l -> perLayer.add(l.sparsity()));
    prunedInputs(v, attrs, model.keptPerInput(), data);
    report("SparseVD", vdMetrics, vdSeconds, String.format(Locale.ROOT,
        ", %.2f%% sparse, %.1fx", 100 * s.sparsity(), s.compression()));

    if (c.getBoolean("compare_mlp")) {
      int[] layers = new int[vd.getHiddenLayers().length + 2];
      layers[0] = inputs;
      System.arraycopy(vd.getHiddenLayers(), 0, layers, 1, layers.length - 2);
      layers[layers.length - 1] = classes;
      MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
          .setLayers(layers).setMaxIter(c.getInt("mlp.max_iter")).setSeed(vd.getSeed())
          .setFeaturesCol(FEATURES).setLabelCol(LABEL);
      start = System.nanoTime();
      var mlpModel = mlp.fit(train);
      double mlpSeconds = (System.nanoTime() - start) / 1e9;
      Metrics m = PredictionMetrics.of(mlpModel.transform(test), LABEL,
          mlpModel.getProbabilityCol(), classes);
      ObjectNode o = result(summary.putObject("mlp"), m, mlpSeconds);
      o.put("layers", Arrays.toString(layers));
      o.put("max_iter", c.getInt("mlp.max_iter"));
      report("MLlib MLP", m, mlpSeconds, "");
    }
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {labels, features, model})
        .fit(split[0].limit(0));
    fitted.write().overwrite().save(out.model().toString());
    ObjectNode cfg = summary.putObject("config");
    c.asMap().forEach(cfg::put);
    HadoopFiles.writeString(out.summary(), hconf,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
    train.unpersist();
    test.unpersist();
    out.markComplete();
    System.out.println("pipeline model written to " + out.model());
    return out.root().toString();
  }

  /**
   * The held-out rows of a tabular run (the same seeded split of data.train as training
   * made), as {@link #prepared} makes them: what the evaluate job scores.
   *
   * @param pipeline the run's saved PipelineModel
   */
  static PersistedBlocks heldOut(SparkSession spark, JobConfig c, String pipeline,
      SparseVdModel model) {
    return prepared(spark, c, pipeline, model, TabularData.read(spark, c).split(c)[1],
        "the held-out rows of " + c.get("data.train"));
  }

  /**
   * Rows of the training table's columns, through a tabular run's fitted label and feature
   * stages, as blocks scaled for its SparseVD stage.
   *
   * @param pipeline the run's saved PipelineModel
   * @param name what messages call the rows
   */
  static PersistedBlocks prepared(SparkSession spark, JobConfig c, String pipeline,
      SparseVdModel model, Dataset<Row> rows, String name) {
    Transformer[] stages = PipelineModel.load(pipeline).stages();
    if (stages.length != 3 || !(stages[2] instanceof SparseVDClassificationModel)) {
      throw new IllegalArgumentException(pipeline + ": not a tabular run's pipeline (label "
          + "indexer, feature stages, SparseVD model)");
    }
    Dataset<Row> features = stages[1].transform(stages[0].transform(rows))
        .select(LABEL, FEATURES);
    DataSource src = DataSource.dataFrame(name, model.numClasses()).withLabelCol(LABEL)
        .withFeaturesCol(FEATURES);
    Blocks blocks = BlockReader.read(features, src, JobData.partitions(spark, c));
    return PersistedBlocks.scaled(blocks, model.scaling(), JobData.storageLevel(c), name);
  }

  /** Index and one-hot encode the categorical columns, assemble, standardise. */
  private static Pipeline featurePipeline(TabularData data) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    for (String f : data.featureCols()) {
      if (data.categorical().contains(f)) {
        stages.add(new StringIndexer().setInputCol(f).setOutputCol(f + "_index")
            .setHandleInvalid("keep"));
        stages.add(new OneHotEncoder().setInputCol(f + "_index").setOutputCol(f + ONE_HOT)
            .setDropLast(false));
        assembled.add(f + ONE_HOT);
      } else {
        assembled.add(f);
      }
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(new String[0]))
        .setOutputCol(ASSEMBLED));
    stages.add(new StandardScaler().setInputCol(ASSEMBLED).setOutputCol(FEATURES)
        .setWithMean(true).setWithStd(true));
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }

  /**
   * Names the input columns none of whose features keeps a first-layer weight: columns
   * training selected out. A one-hot column counts as pruned when all its values are.
   */
  private static void prunedInputs(ObjectNode v, Attribute[] attrs, int[] kept,
                                   TabularData data) {
    Map<String, int[]> perColumn = new LinkedHashMap<>();
    data.featureCols().forEach(f -> perColumn.put(f, new int[2]));
    int prunedSlots = 0;
    for (int i = 0; i < attrs.length; i++) {
      String name = attrs[i].name().get();
      String column = data.featureCols().stream()
          .filter(f -> name.equals(f) || name.startsWith(f + ONE_HOT + "_"))
          .findFirst().orElseThrow(() -> new IllegalStateException("feature " + name));
      perColumn.get(column)[0]++;
      if (kept[i] == 0) {
        perColumn.get(column)[1]++;
        prunedSlots++;
      }
    }
    ArrayNode pruned = v.putArray("pruned_columns");
    List<String> names = new ArrayList<>();
    perColumn.forEach((col, counts) -> {
      if (counts[0] == counts[1]) {
        pruned.add(col);
        names.add(col);
      }
    });
    v.put("pruned_input_features", prunedSlots);
    ObjectNode kepts = v.putObject("kept_weights_per_column");
    for (int i = 0; i < attrs.length; i++) {
      kepts.put(attrs[i].name().get(), kept[i]);
    }
    System.out.printf(Locale.ROOT, "feature selection: %d of %d input features pruned "
            + "entirely; columns removed: %s%n", prunedSlots, attrs.length,
        names.isEmpty() ? "none" : String.join(", ", names));
  }

  private static ObjectNode result(ObjectNode o, Metrics m, double seconds) {
    o.put("accuracy", m.accuracy());
    o.put("macro_f1", m.macroF1());
    o.put("nll", m.nll());
    o.put("ece", m.ece());
    o.put("train_seconds", seconds);
    return o;
  }

  private static void report(String name, Metrics m, double seconds, String extra) {
    System.out.printf(Locale.ROOT, "%s: accuracy %.4f, macro-F1 %.4f, NLL %.4f, trained in "
        + "%.1f s%s%n", name, m.accuracy(), m.macroF1(), m.nll(), seconds, extra);
  }

  /**
   * The classifier the config describes. A plain {@code vd(N) | relu | ... | vd(K)} list sets
   * the hidden sizes, which {@code compare_mlp} gives MLlib's perceptron too; any other list of
   * the train job's layers (an initialisation option, sbp, dense baselines) goes to the
   * estimator whole.
   */
  static SparseVDClassifier classifier(JobConfig c) {
    int[] hidden = plainHiddenSizes(c.get("layers"));
    if (hidden == null && c.getBoolean("compare_mlp")) {
      throw new IllegalArgumentException("compare_mlp: layers '" + c.get("layers")
          + "' has no perceptron of the same shape; it takes vd(N) | relu | ... | vd(CLASSES)");
    }
    SparseVDClassifier vd = hidden != null ? new SparseVDClassifier().setHiddenLayers(hidden)
        : new SparseVDClassifier().setLayers(c.get("layers"));
    return vd
        .setLogAlphaThreshold(c.getDouble("threshold"))
        .setParameterization(c.get("parameterization"))
        .setBatchSize(c.getInt("batch_size")).setEpochs(c.getInt("epochs"))
        .setLearningRate(c.getDouble("lr")).setLrSchedule(c.get("lr_schedule"))
        .setKlSchedule(c.get("kl_schedule")).setOptimizer(c.get("optimizer"))
        .setSeed(c.getLong("seed")).setNumPartitions(c.getInt("partitions"))
        .setStorageLevel(c.get("storage_level"));
  }

  /** The hidden sizes of {@code vd(N) | relu | ... | vd(K)}, or null for any other list. */
  static int[] plainHiddenSizes(String layers) {
    String[] parts = layers.split("\\|");
    int[] hidden = new int[parts.length / 2];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT);
      boolean ok = i % 2 == 1 ? p.equals("relu") : p.matches("vd\\(\\d+\\)");
      if (!ok || parts.length % 2 == 0) {
        return null;
      }
      if (i % 2 == 0 && i < parts.length - 1) {
        hidden[i / 2] = Integer.parseInt(p.substring(3, p.length() - 1));
      }
    }
    return hidden;
  }

  /** The estimator takes the default clip range and initialisation; say so if set. */
  private static void requireDefaultVdSettings(JobConfig c) {
    VdSettings set = c.vdSettings();
    VdSettings d = VdSettings.DEFAULTS;
    if (set.logAlphaMin() != d.logAlphaMin() || set.logAlphaMax() != d.logAlphaMax()
        || set.trainClip() != d.trainClip() || set.thetaInitStd() != d.thetaInitStd()
        || set.logSigma2Init() != d.logSigma2Init()) {
      throw new IllegalArgumentException("the tabular pipeline trains with the default "
          + "log_alpha_min, log_alpha_max, train_clip, theta_init_std and log_sigma2_init");
    }
  }
}
