package org.sparsevd.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.train.EpochReport;
import org.sparsevd.nn.Sparsity;
import org.sparsevd.nn.VdSettings;

/**
 * A trained {@link SparseVDClassifier}: the pruned network with its feature scaling.
 *
 * <p>{@code transform} adds Spark's usual {@code rawPrediction} (logits), {@code probability}
 * and {@code prediction} columns from the deterministic pruned network. With
 * {@code mcSamples} T above 0 it also draws T Monte-Carlo samples of the variational
 * posterior per row and adds two uncertainty columns: the entropy of the mean predictive
 * distribution and the variance, over the samples, of the probability of the class that mean
 * predicts. A row's noise is keyed by the seed and the hash of its features, so the same row
 * gets the same uncertainty however the data is partitioned.
 *
 * <p>{@code logAlphaThreshold} can be changed after training: a lower threshold prunes more.
 * Saved with {@code write().save(path)}, read with {@link #load}; the format is described in
 * {@link ModelPersistence}.
 */
public final class SparseVDClassificationModel
    extends ProbabilisticClassificationModel<Vector, SparseVDClassificationModel>
    implements MLWritable {
  private final String uid;
  private final SparseVdModel trained;
  /** Driver-side only: a model that travels to executors in a task arrives without it. */
  private final transient List<EpochReport> history;
  private final DoubleParam logAlphaThreshold;
  private final IntParam mcSamples;
  private final LongParam seed;
  private final Param<String> predictiveEntropyCol;
  private final Param<String> probabilityVarianceCol;
  /** Built on first use in each JVM; a model travels to executors inside Spark's closures. */
  private transient volatile Inference inference;

  /**
   * @param trained the network, its parameters and scaling as trained; the threshold it was
   *     trained with is this model's default {@code logAlphaThreshold}
   * @param history the report of each epoch trained; empty after loading
   */
  public SparseVDClassificationModel(String uid, SparseVdModel trained,
                                     List<EpochReport> history) {
    this(PendingUid.park(uid), trained, history);
  }

  private SparseVDClassificationModel(PendingUid.Token token, SparseVdModel trained,
                                      List<EpochReport> history) {
    this.uid = PendingUid.take(token);
    this.trained = trained;
    this.history = List.copyOf(history);
    VdSettings vd = trained.def().vd();
    logAlphaThreshold = new DoubleParam(this, "logAlphaThreshold", "weights with log alpha at "
        + "or above it are pruned", ParamValidators.inRange(vd.logAlphaMin(), vd.logAlphaMax(),
        false, true));
    mcSamples = new IntParam(this, "mcSamples", "Monte-Carlo samples for the uncertainty "
        + "columns; 0: no uncertainty columns", ParamValidators.gtEq(0));
    seed = new LongParam(this, "seed", "seed of the Monte-Carlo noise");
    predictiveEntropyCol = new Param<>(this, "predictiveEntropyCol", "column of the entropy of "
        + "the Monte-Carlo predictive distribution (nats)", ParamChecks.columnName());
    probabilityVarianceCol = new Param<>(this, "probabilityVarianceCol", "column of the "
        + "variance over Monte-Carlo samples of the predicted class's probability",
        ParamChecks.columnName());
    setDefault(logAlphaThreshold, (double) vd.threshold());
    setDefault(mcSamples, 0);
    setDefault(seed, org.sparsevd.train.TrainConfig.DEFAULTS.seed());
    setDefault(predictiveEntropyCol, "predictiveEntropy");
    setDefault(probabilityVarianceCol, "probabilityVariance");
  }

  @Override
  public String uid() {
    return uid != null ? uid : PendingUid.parked();
  }

  public DoubleParam logAlphaThreshold() { return logAlphaThreshold; }
  public IntParam mcSamples() { return mcSamples; }
  public LongParam seed() { return seed; }
  public Param<String> predictiveEntropyCol() { return predictiveEntropyCol; }
  public Param<String> probabilityVarianceCol() { return probabilityVarianceCol; }

  public double getLogAlphaThreshold() { return (Double) getOrDefault(logAlphaThreshold); }
  public int getMcSamples() { return (Integer) getOrDefault(mcSamples); }
  public long getSeed() { return (Long) getOrDefault(seed); }
  public String getPredictiveEntropyCol() { return getOrDefault(predictiveEntropyCol); }
  public String getProbabilityVarianceCol() { return getOrDefault(probabilityVarianceCol); }

  public SparseVDClassificationModel setLogAlphaThreshold(double v) {
    return put(logAlphaThreshold, v);
  }
  public SparseVDClassificationModel setMcSamples(int v) { return put(mcSamples, v); }
  public SparseVDClassificationModel setSeed(long v) { return put(seed, v); }
  public SparseVDClassificationModel setPredictiveEntropyCol(String v) {
    return put(predictiveEntropyCol, v);
  }
  public SparseVDClassificationModel setProbabilityVarianceCol(String v) {
    return put(probabilityVarianceCol, v);
  }

  private <T> SparseVDClassificationModel put(Param<T> param, T value) {
    set(param, value);
    return this;
  }

  /** The model as trained, with the threshold it was trained with. */
  public SparseVdModel trained() {
    return trained;
  }

  /** The model with this model's current {@code logAlphaThreshold}: what it predicts with. */
  public SparseVdModel pruned() {
    return inference().model();
  }

  /** The training objective per epoch (divided by N); empty for a loaded model. */
  public double[] lossHistory() {
    return trainingHistory().stream().mapToDouble(EpochReport::loss).toArray();
  }

  /**
   * Each epoch's report (objective, NLL, KL and its weight, learning rate, sparsity per layer,
   * validation accuracy and NLL when there was a validation set); empty for a loaded model.
   * {@code RunHistory.of(model.trainingHistory())} plots it as a run's metrics.
   */
  public List<EpochReport> trainingHistory() {
    return history == null ? List.of() : history;
  }

  /** Kept and total weights per layer at the current threshold. */
  public Sparsity sparsity() {
    Inference inf = inference();
    return inf.network().sparsity(inf.model().params());
  }

  /**
   * For each input feature, how many first-layer weights leaving it are kept at the current
   * threshold; the features with 0 are never read: training selected them out.
   */
  public int[] keptPerInput() {
    Inference inf = inference();
    return inf.network().keptPerInput(inf.model().params());
  }

  /** A short description: the layers and, per layer, the weights kept. */
  public String summary() {
    Sparsity s = sparsity();
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%s: %s on %d features, %d classes; %d of %d weights kept (%.2f%% sparse, %.1fx)%n",
        uid, trained.def().layers(), numFeatures(), numClasses(), s.kept(), s.weights(),
        100 * s.sparsity(), s.compression()));
    for (Sparsity.LayerCount l : s.layers()) {
      b.append(String.format(Locale.ROOT, "  layer %d %s: %d of %d kept (%.2f%% sparse)%n",
          l.layer(), l.spec(), l.kept(), l.weights(), 100 * l.sparsity()));
    }
    return b.toString();
  }

  /**
   * Both Spark parents declare this with different generic types, so Java needs an override;
   * it keeps the probabilistic parent's behaviour.
   */
  @Override
  @SuppressWarnings("rawtypes")
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  @Override
  public int numClasses() {
    return trained.numClasses();
  }

  @Override
  public int numFeatures() {
    return trained.def().inputSize();
  }

  @Override
  public Vector predictRaw(Vector features) {
    return Vectors.dense(inference().logits(features));
  }

  @Override
  public Vector raw2probabilityInPlace(Vector raw) {
    double[] v = ((DenseVector) raw).values();
    Inference.softmaxInPlace(v);
    return raw;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    StructType out = super.transformSchema(schema);
    if (getMcSamples() > 0) {
      for (String c : uncertaintyColumns()) {
        out = out.add(c, DataTypes.DoubleType, false);
      }
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Dataset<Row> out = super.transform(dataset);
    int samples = getMcSamples();
    if (samples == 0) {
      return out;
    }
    long noiseSeed = getSeed();
    SparseVDClassificationModel self = this;
    UserDefinedFunction mc = udf((UDF1<Vector, double[]>) f ->
        self.inference().uncertainty(f, samples, noiseSeed),
        DataTypes.createArrayType(DataTypes.DoubleType, false));
    String tmp = uid + "_mc";
    out = out.withColumn(tmp, mc.apply(col(getFeaturesCol())));
    String[] names = uncertaintyColumns();
    if (!names[0].isEmpty()) {
      out = out.withColumn(names[0], col(tmp).getItem(0));
    }
    if (!names[1].isEmpty()) {
      out = out.withColumn(names[1], col(tmp).getItem(1));
    }
    return out.drop(tmp);
  }

  /**
   * Scores a labelled dataset ({@code labelCol}: class indices, {@code featuresCol}) and
   * summarises it as MLlib's {@code ClassificationSummary} does, with NLL, ECE and Brier score;
   * the predictions carry the Monte-Carlo columns when {@code mcSamples} > 0.
   */
  public SparseVDClassificationSummary evaluate(Dataset<?> dataset) {
    Dataset<Row> predictions = transform(dataset);
    return new SparseVDClassificationSummary(predictions, PredictionMetrics.of(predictions,
        getLabelCol(), getProbabilityCol(), numClasses()));
  }

  private String[] uncertaintyColumns() {
    return new String[] {getPredictiveEntropyCol(), getProbabilityVarianceCol()};
  }

  private Inference inference() {
    double threshold = getLogAlphaThreshold();
    Inference inf = inference;
    if (inf == null || inf.threshold() != threshold) {
      inf = new Inference(trained, threshold);
      inference = inf;
    }
    return inf;
  }

  @Override
  public SparseVDClassificationModel copy(ParamMap extra) {
    SparseVDClassificationModel copy = new SparseVDClassificationModel(uid, trained,
        trainingHistory());
    return copyValues(copy, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new ModelPersistence.Writer(this);
  }

  public static MLReader<SparseVDClassificationModel> read() {
    return new ModelPersistence.Reader();
  }

  public static SparseVDClassificationModel load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "SparseVDClassificationModel: uid=" + uid + ", layers=" + trained.def().layers()
        + ", numFeatures=" + numFeatures() + ", numClasses=" + numClasses();
  }
}
