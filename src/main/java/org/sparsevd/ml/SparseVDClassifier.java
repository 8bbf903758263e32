package org.sparsevd.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparsevd.data.Scaling;
import org.sparsevd.io.CheckpointPolicy;
import org.sparsevd.io.CheckpointStore;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.NetworkSpec;
import org.sparsevd.nn.Parameterization;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.optim.OptimizerSpec;
import org.sparsevd.optim.Schedules;
import org.sparsevd.spark.SparkEvaluation;
import org.sparsevd.spark.SparkTrainer;
import org.sparsevd.spark.WarmStart;
import org.sparsevd.spark.data.BlockReader;
import org.sparsevd.spark.data.Blocks;
import org.sparsevd.spark.data.DataSource;
import org.sparsevd.spark.data.PersistedBlocks;
import org.sparsevd.spark.data.TrainingData;
import org.sparsevd.train.EpochReport;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.train.TrainingState;

/**
 * A Spark ML classifier trained with sparse variational dropout: a multilayer perceptron of
 * variational dense layers with ReLUs between them, whose weights with log alpha above the
 * threshold are pruned. Training goes through the project's one trainer ({@link SparkTrainer}),
 * exactly as the train job does; the same seed, data and partitioning give the same model bit
 * for bit.
 *
 * <pre>{@code
 * SparseVDClassifier vd = new SparseVDClassifier()
 *     .setHiddenLayers(new int[] {100, 50}).setEpochs(20).setBatchSize(500);
 * SparseVDClassificationModel model = vd.fit(train);
 * model.transform(test).select("prediction", "probability");
 * }</pre>
 *
 * <p>{@code explainParams()} lists the parameters and their defaults, which are the train
 * job's except for a constant learning rate (a decay schedule names epochs, so it would
 * depend on {@code epochs}) and no feature scaling (pipelines scale with their own stages).
 * Labels must be 0, 1, ...,
 * {@code numClasses - 1} (as {@code StringIndexer} makes them). The features are read into
 * the engine's blocks, scaled with {@code scaling} (fitted on the training rows and kept in
 * the model), cached for the fit and released after it.
 */
public final class SparseVDClassifier
    extends ProbabilisticClassifier<Vector, SparseVDClassifier, SparseVDClassificationModel>
    implements DefaultParamsWritable {
  private static final Logger LOG = LoggerFactory.getLogger(SparseVDClassifier.class);
  /** Classes a label column may imply before the data is rejected as not class indices. */
  private static final int MAX_CLASSES = 100_000;
  private static final TrainConfig T = TrainConfig.DEFAULTS;
  private static final VdSettings V = VdSettings.DEFAULTS;
  /** LeNet-300-100's hidden layers, as in the train job's default layer list. */
  private static final int[] DEFAULT_HIDDEN_LAYERS = {300, 100};

  private final String uid;
  private final IntArrayParam hiddenLayers;
  private final DoubleParam logAlphaThreshold;
  private final Param<String> parameterization;
  private final IntParam batchSize;
  private final IntParam epochs;
  private final DoubleParam learningRate;
  private final Param<String> lrSchedule;
  private final Param<String> klSchedule;
  private final Param<String> optimizer;
  private final LongParam seed;
  private final IntParam numPartitions;
  private final Param<String> scaling;
  private final Param<String> storageLevel;
  private final Param<String> weightCol;
  private final Param<String> layers;
  private final Param<String> shuffle;
  private final Param<String> initModel;
  private final Param<String> validationIndicatorCol;
  private final Param<String> checkpointDir;
  private final IntParam checkpointInterval;

  public SparseVDClassifier() {
    this(Identifiable$.MODULE$.randomUID("sparseVD"));
  }

  public SparseVDClassifier(String uid) {
    this(PendingUid.park(uid));
  }

  private SparseVDClassifier(PendingUid.Token token) {
    this.uid = PendingUid.take(token);
    hiddenLayers = new IntArrayParam(this, "hiddenLayers", "sizes of the hidden variational "
        + "layers, each followed by a ReLU; the output layer has one unit per class",
        ParamChecks.allPositive());
    logAlphaThreshold = new DoubleParam(this, "logAlphaThreshold", "weights with log alpha at "
        + "or above it are pruned", ParamValidators.inRange(V.logAlphaMin(), V.logAlphaMax(),
        false, true));
    parameterization = new Param<>(this, "parameterization", "the second parameter of each "
        + "weight: log_sigma2 (additive, the default) or log_alpha",
        ParamChecks.parses("parameterization", Parameterization::parse));
    batchSize = new IntParam(this, "batchSize", "global minibatch size",
        ParamValidators.gtEq(1));
    epochs = new IntParam(this, "epochs", "passes over the training set",
        ParamValidators.gtEq(1));
    learningRate = new DoubleParam(this, "learningRate", "base learning rate",
        ParamValidators.gt(0));
    lrSchedule = new Param<>(this, "lrSchedule", "learning rate over epochs: constant, "
        + "linear(START) or step(EVERY, FACTOR)",
        ParamChecks.parses("lrSchedule",
            s -> Schedules.learningRate(s, 1, Integer.MAX_VALUE)));
    klSchedule = new Param<>(this, "klSchedule", "KL weight over epochs (the warm-up): "
        + "constant(W), linear(DELAY, EPOCHS) or increment(START, DELTA)",
        ParamChecks.parses("klSchedule", Schedules::klWeight));
    optimizer = new Param<>(this, "optimizer", "adam, adam(B1, B2, EPS) or sgd(MOMENTUM)",
        ParamChecks.parses("optimizer", OptimizerSpec::parse));
    seed = new LongParam(this, "seed", "seed of initialisation, minibatches and noise");
    numPartitions = new IntParam(this, "numPartitions", "partitions of the cached training "
        + "data; 0: Spark's default parallelism", ParamValidators.gtEq(0));
    scaling = new Param<>(this, "scaling", "feature scaling fitted on the training data and "
        + "kept in the model: none, divide_255, center or standardize",
        ParamChecks.parses("scaling", s -> Scaling.Mode.parse(s)));
    storageLevel = new Param<>(this, "storageLevel", "storage level of the cached training "
        + "data, e.g. MEMORY_ONLY or MEMORY_AND_DISK_SER",
        ParamChecks.parses("storageLevel",
            s -> StorageLevel.fromString(s.toUpperCase(Locale.ROOT))));
    weightCol = new Param<>(this, "weightCol", "numeric column of example weights (finite, "
        + "at least 0; rescaled to mean 1); \"\": every example weighs 1",
        ParamChecks.columnName());
    layers = new Param<>(this, "layers", "the whole layer list, as the train job takes it "
        + "(e.g. image(28, 28, 1) | vdconv(20, 5) | relu | maxpool(2) | flatten | vd(10)); "
        + "\"\": vd(h) | relu for each of hiddenLayers, then vd(numClasses)",
        ParamChecks.parses("layers", s -> {
          if (!s.isBlank()) {
            NetworkSpec.check(s);
          }
        }));
    shuffle = new Param<>(this, "shuffle", "epoch order: global (a permutation of every row; "
        + "each step reads every partition) or blocks (the partitions one after another; each "
        + "step reads one or two, for data cached on disk)",
        ParamValidators.inArray(new String[] {"global", "blocks"}));
    initModel = new Param<>(this, "initModel", "warm start: a saved model (a run folder, its "
        + "model/ or a saved SparseVDClassificationModel) with the same network, or the same "
        + "with sbp layers added (image, flatten, crop, flip and dropout may differ); its "
        + "scaling is kept; \"\": initialise from the seed", ParamChecks.path());
    validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "boolean column: "
        + "rows where it is true are not trained on but scored after each epoch (accuracy and "
        + "NLL in trainingHistory); \"\": no validation set", ParamChecks.columnName());
    checkpointDir = new Param<>(this, "checkpointDir", "folder (any Hadoop path) for "
        + "checkpoints of parameters and optimiser; a fit with the same settings and data "
        + "resumes from the newest one there; \"\": none", ParamChecks.path());
    checkpointInterval = new IntParam(this, "checkpointInterval", "epochs between "
        + "checkpoints in checkpointDir", ParamValidators.gtEq(1));
    setDefault(hiddenLayers, DEFAULT_HIDDEN_LAYERS);
    setDefault(layers, "");
    setDefault(shuffle, "global");
    setDefault(initModel, "");
    setDefault(validationIndicatorCol, "");
    setDefault(checkpointDir, "");
    setDefault(checkpointInterval, 1);
    setDefault(logAlphaThreshold, (double) V.threshold());
    setDefault(parameterization, V.parameterization().name().toLowerCase(Locale.ROOT));
    setDefault(batchSize, T.batchSize());
    setDefault(epochs, T.epochs());
    setDefault(learningRate, T.learningRate());
    setDefault(lrSchedule, "constant");
    setDefault(klSchedule, T.klWeight().spec());
    setDefault(optimizer, T.optimizer().text());
    setDefault(seed, T.seed());
    setDefault(numPartitions, 0);
    setDefault(scaling, "none");
    setDefault(storageLevel, "MEMORY_ONLY");
    setDefault(weightCol, "");
  }

  @Override
  public String uid() {
    return uid != null ? uid : PendingUid.parked();
  }

  public IntArrayParam hiddenLayers() { return hiddenLayers; }
  public DoubleParam logAlphaThreshold() { return logAlphaThreshold; }
  public Param<String> parameterization() { return parameterization; }
  public IntParam batchSize() { return batchSize; }
  public IntParam epochs() { return epochs; }
  public DoubleParam learningRate() { return learningRate; }
  public Param<String> lrSchedule() { return lrSchedule; }
  public Param<String> klSchedule() { return klSchedule; }
  public Param<String> optimizer() { return optimizer; }
  public LongParam seed() { return seed; }
  public IntParam numPartitions() { return numPartitions; }
  public Param<String> scaling() { return scaling; }
  public Param<String> storageLevel() { return storageLevel; }
  public Param<String> weightCol() { return weightCol; }
  public Param<String> layers() { return layers; }
  public Param<String> shuffle() { return shuffle; }
  public Param<String> initModel() { return initModel; }
  public Param<String> validationIndicatorCol() { return validationIndicatorCol; }
  public Param<String> checkpointDir() { return checkpointDir; }
  public IntParam checkpointInterval() { return checkpointInterval; }

  public int[] getHiddenLayers() { return ((int[]) getOrDefault(hiddenLayers)).clone(); }
  public double getLogAlphaThreshold() { return (Double) getOrDefault(logAlphaThreshold); }
  public String getParameterization() { return getOrDefault(parameterization); }
  public int getBatchSize() { return (Integer) getOrDefault(batchSize); }
  public int getEpochs() { return (Integer) getOrDefault(epochs); }
  public double getLearningRate() { return (Double) getOrDefault(learningRate); }
  public String getLrSchedule() { return getOrDefault(lrSchedule); }
  public String getKlSchedule() { return getOrDefault(klSchedule); }
  public String getOptimizer() { return getOrDefault(optimizer); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public int getNumPartitions() { return (Integer) getOrDefault(numPartitions); }
  public String getScaling() { return getOrDefault(scaling); }
  public String getStorageLevel() { return getOrDefault(storageLevel); }
  public String getWeightCol() { return getOrDefault(weightCol); }
  public String getLayers() { return getOrDefault(layers); }
  public String getShuffle() { return getOrDefault(shuffle); }
  public String getInitModel() { return getOrDefault(initModel); }
  public String getValidationIndicatorCol() { return getOrDefault(validationIndicatorCol); }
  public String getCheckpointDir() { return getOrDefault(checkpointDir); }
  public int getCheckpointInterval() { return (Integer) getOrDefault(checkpointInterval); }

  public SparseVDClassifier setHiddenLayers(int[] v) { return put(hiddenLayers, v.clone()); }
  public SparseVDClassifier setLogAlphaThreshold(double v) { return put(logAlphaThreshold, v); }
  public SparseVDClassifier setParameterization(String v) { return put(parameterization, v); }
  public SparseVDClassifier setBatchSize(int v) { return put(batchSize, v); }
  public SparseVDClassifier setEpochs(int v) { return put(epochs, v); }
  public SparseVDClassifier setLearningRate(double v) { return put(learningRate, v); }
  public SparseVDClassifier setLrSchedule(String v) { return put(lrSchedule, v); }
  public SparseVDClassifier setKlSchedule(String v) { return put(klSchedule, v); }
  public SparseVDClassifier setOptimizer(String v) { return put(optimizer, v); }
  public SparseVDClassifier setSeed(long v) { return put(seed, v); }
  public SparseVDClassifier setNumPartitions(int v) { return put(numPartitions, v); }
  public SparseVDClassifier setScaling(String v) { return put(scaling, v); }
  public SparseVDClassifier setStorageLevel(String v) { return put(storageLevel, v); }
  public SparseVDClassifier setWeightCol(String v) { return put(weightCol, v); }
  public SparseVDClassifier setLayers(String v) { return put(layers, v); }
  public SparseVDClassifier setShuffle(String v) { return put(shuffle, v); }
  public SparseVDClassifier setInitModel(String v) { return put(initModel, v); }
  public SparseVDClassifier setValidationIndicatorCol(String v) {
    return put(validationIndicatorCol, v);
  }
  public SparseVDClassifier setCheckpointDir(String v) { return put(checkpointDir, v); }
  public SparseVDClassifier setCheckpointInterval(int v) { return put(checkpointInterval, v); }

  private <T> SparseVDClassifier put(Param<T> param, T value) {
    set(param, value);
    return this;
  }

  @Override
  public SparseVDClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<SparseVDClassifier> read() {
    return new DefaultParamsReadable<SparseVDClassifier>() {}.read();
  }

  public static SparseVDClassifier load(String path) {
    return read().load(path);
  }

  /** The layer list: {@code layers}, or {@code vd(h1) | relu | ... | vd(numClasses)}. */
  String layerSpec(int numClasses) {
    if (!getLayers().isBlank()) {
      return getLayers();
    }
    StringBuilder b = new StringBuilder();
    for (int h : getHiddenLayers()) {
      b.append("vd(").append(h).append(") | relu | ");
    }
    return b.append("vd(").append(numClasses).append(')').toString();
  }

  TrainConfig trainConfig(String layers) {
    VdSettings vd = V.withParameterization(Parameterization.parse(getParameterization()))
        .withThreshold((float) getLogAlphaThreshold());
    int epochs = getEpochs();
    double lr = getLearningRate();
    return new TrainConfig(layers, vd, getBatchSize(), epochs, lr,
        parsed("lrSchedule", () -> Schedules.learningRate(getLrSchedule(), lr, epochs)),
        Schedules.klWeight(getKlSchedule()), OptimizerSpec.parse(getOptimizer()), getSeed(),
        1);
  }

  /** A parameter's value parsed; a value that fails only with the others set names it. */
  private static <T> T parsed(String param, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parameter " + param + ": " + e.getMessage(), e);
    }
  }

  @Override
  public SparseVDClassificationModel train(Dataset<?> dataset) {
    SparkSession spark = dataset.sparkSession();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hconf = sc.hadoopConfiguration();
    int numClasses = getNumClasses(dataset, MAX_CLASSES);
    int partitions = getNumPartitions() > 0 ? getNumPartitions() : sc.defaultParallelism();
    StorageLevel level = StorageLevel.fromString(getStorageLevel().toUpperCase(Locale.ROOT));
    Dataset<?> trainRows = dataset;
    Dataset<?> validRows = null;
    if (!getValidationIndicatorCol().isEmpty()) {
      Column held = functions.col(getValidationIndicatorCol());
      trainRows = dataset.filter(functions.not(held));
      validRows = dataset.filter(held);
    }
    DataSource src = DataSource.dataFrame("the training data of " + uid, numClasses)
        .withLabelCol(getLabelCol()).withFeaturesCol(getFeaturesCol())
        .withWeightCol(getWeightCol());
    // Caching, steps and evaluation label their Spark jobs; the caller's thread gets its own
    // label back, so that its later jobs (a notebook's next cell) are not named as training.
    String callerDescription = sc.getLocalProperty("spark.job.description");
    try {
      WarmStart warm = WarmStart.read(getInitModel(), "initModel", getScaling(), hconf);
      Blocks blocks = BlockReader.read(trainRows, src, partitions);
      try (TrainingData data = warm == null
              ? TrainingData.fitScaling(blocks, src.path(), 0, Scaling.Mode.parse(getScaling()),
                  level)
              : TrainingData.withScaling(blocks, src.path(), 0, warm.scaling(), level);
           PersistedBlocks valid = validRows == null ? null : PersistedBlocks.scaled(
              BlockReader.read(validRows, DataSource.dataFrame("the validation rows of " + uid,
                  numClasses).withLabelCol(getLabelCol()).withFeaturesCol(getFeaturesCol()),
                  partitions), data.scaling(), level, "validation data")) {
        return fit(sc, hconf, data, valid, warm, numClasses, partitions);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      sc.setJobDescription(callerDescription);
    }
  }

  private SparseVDClassificationModel fit(JavaSparkContext sc, Configuration hconf,
      TrainingData data, PersistedBlocks valid, WarmStart warm, int numClasses, int partitions)
      throws IOException {
    TrainConfig tc = trainConfig(layerSpec(numClasses));
    NetworkDef def = new NetworkDef(tc.layers(), data.cols(), tc.vd());
    SparkTrainer.Shuffle order = getShuffle().equals("blocks") ? SparkTrainer.Shuffle.BLOCKS
        : SparkTrainer.Shuffle.GLOBAL;
    SparkTrainer trainer = new SparkTrainer(data, def, tc, order);
    TrainingState state = warm == null ? trainer.initialState()
        : warm.initialState(def, numClasses, tc);
    CheckpointPolicy checkpoints = getCheckpointDir().isEmpty() ? null : new CheckpointPolicy(
        new CheckpointStore(new org.apache.hadoop.fs.Path(getCheckpointDir()), hconf,
            CheckpointStore.DEFAULT_KEEP), getCheckpointInterval(), 0, trainer.fingerprint());
    if (checkpoints != null) {
      state = checkpoints.resume(state, LOG::warn);
    }
    List<EpochReport> history = new ArrayList<>();
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("estimator", uid);
    provenance.put("train_config", tc.toString());
    provenance.put("train_examples", String.valueOf(data.rows()));
    provenance.put("partitions", String.valueOf(partitions));
    provenance.put("init_model", getInitModel());
    TrainingLoop.Evaluator eval = valid == null ? null
        : SparkEvaluation.evaluator(sc, valid.rdd(), def, numClasses);
    CheckpointPolicy policy = checkpoints;
    SparseVdModel engine = trainer.fit(state, eval, new TrainingLoop.Listener() {
      @Override
      public void epochDone(EpochReport r, TrainingState s) throws IOException {
        history.add(r);
        LOG.info(String.format(Locale.ROOT, "%s epoch %d/%d: loss %.4f (nll %.4f, kl %.4f x "
                + "%.2f), sparsity %.2f%%, %.1f s", uid, r.epoch() + 1, tc.epochs(), r.loss(),
            r.nll(), r.kl(), r.klWeight(), 100 * r.sparsity().sparsity(), r.seconds()));
        if (policy != null) {
          policy.epochDone(s, tc.epochs());
        }
      }
    }, provenance);
    return new SparseVDClassificationModel(uid, engine, history);
  }
}
