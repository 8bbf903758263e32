package org.sparsevd.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.sparsevd.eval.BatchScorer;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.spark.data.ScoringInput;

/**
 * The distributed pass of the score job: the model is broadcast once, each partition builds one
 * {@link BatchScorer} (the pruned network in CSR form) and scores its rows batch by batch as
 * they are read, so a partition never holds more than one batch of features.
 *
 * <p>Output columns: the kept columns, then {@value #PREDICTION} (the class index, a double as
 * in Spark ML), {@value #PROBABILITY} (array of doubles, one per class: readable without Spark's
 * vector type) and, with Monte-Carlo samples, {@value #ENTROPY} and {@value #VARIANCE}, named as
 * {@code SparseVDClassificationModel} names them.
 */
public final class BatchScoring {
  public static final String PREDICTION = "prediction";
  public static final String PROBABILITY = "probability";
  public static final String ENTROPY = "predictiveEntropy";
  public static final String VARIANCE = "probabilityVariance";

  private BatchScoring() {}

  /** The kept columns and the score columns. */
  public static StructType schema(StructType keep, int samples) {
    StructType s = keep.add(PREDICTION, DataTypes.DoubleType, false)
        .add(PROBABILITY, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    return samples == 0 ? s
        : s.add(ENTROPY, DataTypes.DoubleType, false).add(VARIANCE, DataTypes.DoubleType, false);
  }

  /**
   * The scores of every valid row of {@code input}, lazily (nothing runs until the result is
   * written or counted).
   *
   * @param model the model at the threshold to prune with
   * @param samples Monte-Carlo samples per row; 0 for none
   * @param skipped counts rows dropped as invalid
   * @param reasons receives the first reasons
   */
  public static Dataset<Row> score(SparkSession spark, ScoringInput input, SparseVdModel model,
      int samples, long seed, LongAccumulator skipped, CollectionAccumulator<String> reasons) {
    return score(spark, input, model, samples, seed, skipped, reasons, false);
  }

  /**
   * As {@link #score(SparkSession, ScoringInput, SparseVdModel, int, long, LongAccumulator,
   * CollectionAccumulator)}; with {@code denseMasked} through the masked dense network instead
   * of the CSR one ({@link BatchScorer#denseMasked}), which the scoring benchmark compares.
   */
  public static Dataset<Row> score(SparkSession spark, ScoringInput input, SparseVdModel model,
      int samples, long seed, LongAccumulator skipped, CollectionAccumulator<String> reasons,
      boolean denseMasked) {
    if (input.cols() != model.def().inputSize()) {
      throw new IllegalArgumentException("the input has " + input.cols() + " features, the "
          + "model reads " + model.def().inputSize());
    }
    Broadcast<SparseVdModel> shared = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(model);
    JavaRDD<Row> rows = input.batches(BatchScorer.MAX_ROWS, skipped, reasons).mapPartitions(
        batches -> {
          BatchScorer scorer = denseMasked ? BatchScorer.denseMasked(shared.value())
              : new BatchScorer(shared.value());
          return new Scored(batches, scorer, samples, seed);
        });
    return spark.createDataFrame(rows, schema(input.keep(), samples));
  }

  /** The rows of one partition's batches, scored a batch at a time. */
  private static final class Scored implements java.util.Iterator<Row> {
    private final java.util.Iterator<ScoringInput.Batch> batches;
    private final BatchScorer scorer;
    private final int samples;
    private final long seed;
    private final List<Row> ready = new ArrayList<>();
    private int at;

    Scored(java.util.Iterator<ScoringInput.Batch> batches, BatchScorer scorer, int samples,
        long seed) {
      this.batches = batches;
      this.scorer = scorer;
      this.samples = samples;
      this.seed = seed;
    }

    @Override
    public boolean hasNext() {
      while (at == ready.size() && batches.hasNext()) {
        score(batches.next());
      }
      return at < ready.size();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return ready.get(at++);
    }

    private void score(ScoringInput.Batch b) {
      ready.clear();
      at = 0;
      scorer.score(b.x(), 0, b.rows(), samples, seed);
      int classes = scorer.numClasses();
      float[] p = scorer.probabilities();
      for (int r = 0; r < b.rows(); r++) {
        Object[] kept = b.kept()[r];
        Object[] out = new Object[kept.length + (samples == 0 ? 2 : 4)];
        System.arraycopy(kept, 0, out, 0, kept.length);
        double[] probs = new double[classes];
        for (int c = 0; c < classes; c++) {
          probs[c] = p[r * classes + c];
        }
        out[kept.length] = (double) scorer.prediction()[r];
        out[kept.length + 1] = probs;
        if (samples > 0) {
          out[kept.length + 2] = scorer.entropy()[r];
          out[kept.length + 3] = scorer.variance()[r];
        }
        ready.add(RowFactory.create(out));
      }
    }
  }
}
