package org.sparsevd.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.AccumulatorV2;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.Scaling;
import scala.Tuple2;

/**
 * {@link Scaling} for data spread over a cluster: {@link #fitting} computes the per-feature
 * statistics of distributed blocks while they are cached, {@link #apply} scales every block into
 * a new one.
 *
 * <p>Each block's mean and sum of squared deviations are computed in double, two passes over the
 * block, and merged on the driver in partition order with the pairwise formula of Chan, Golub and
 * LeVeque, "Algorithms for Computing the Sample Variance: Analysis and Recommendations" (The
 * American Statistician, 1983). Merging in a fixed order, rather than in a Spark aggregate that
 * combines results as tasks finish, makes the fitted statistics bit-for-bit repeatable.
 */
public final class BlockStats {

  private BlockStats() {}

  /** Count, per-feature mean and per-feature sum of squared deviations of some rows. */
  private record Moments(long n, double[] mean, double[] m2) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * A scaling fitted on blocks while they are computed for another purpose, typically while
   * they are cached: {@link #blocks()} records each block's moments as it passes, and {@link
   * #scaling()} merges them once every block has been computed. A block computed twice (a task
   * retried, a lost cached block recomputed) records the same moments again, which replace the
   * first ones: the fit counts every block once.
   */
  public static final class Fitting {
    private final Scaling.Mode mode;
    private final Scaling given;
    private final JavaRDD<DataBlock> blocks;
    private final MomentsByBlock recorded;

    private Fitting(Scaling.Mode mode, Scaling given, JavaRDD<DataBlock> blocks,
                    MomentsByBlock recorded) {
      this.mode = mode;
      this.given = given;
      this.blocks = blocks;
      this.recorded = recorded;
    }

    /** The blocks as they came in; computing a partition records its moments. */
    public JavaRDD<DataBlock> blocks() {
      return blocks;
    }

    /**
     * The fitted scaling: what {@link Scaling#fit} returns for the same rows as one {@code
     * LabeledData}, up to rounding in the order of summation.
     *
     * @throws IllegalStateException if some block of {@link #blocks()} has not been computed
     * @throws InvalidDataException if a fitted mode finds no rows
     */
    public Scaling scaling() {
      if (given != null) {
        return given;
      }
      if (!mode.isFitted()) {
        return Scaling.fromStatistics(mode, null, null);
      }
      SortedMap<Integer, Moments> parts = recorded.value();
      int expected = blocks.getNumPartitions();
      if (parts.size() != expected) {
        throw new IllegalStateException("moments of " + parts.size() + " of " + expected
            + " blocks recorded; compute every block before asking for the scaling");
      }
      return fromMoments(mode, parts.values());
    }
  }

  /**
   * Fits a scaling of {@code mode} on the blocks as they are next computed; modes without
   * statistics record nothing.
   */
  public static Fitting fitting(Scaling.Mode mode, JavaRDD<DataBlock> blocks) {
    if (!mode.isFitted()) {
      return new Fitting(mode, null, blocks, null);
    }
    boolean spread = mode == Scaling.Mode.STANDARDIZE;
    MomentsByBlock recorded = new MomentsByBlock();
    blocks.context().register(recorded);
    JavaRDD<DataBlock> recording = blocks.mapPartitionsWithIndex((p, it) -> {
      List<DataBlock> out = new ArrayList<>(1);
      it.forEachRemaining(out::add);
      Moments m = null;
      for (DataBlock b : out) {
        m = combine(m, moments(b, spread));
      }
      recorded.add(new Tuple2<>(p, m));
      return out.iterator();
    }, true);
    return new Fitting(mode, null, recording, recorded);
  }

  /** A scaling given in advance (a warm start's): the blocks pass unchanged. */
  public static Fitting given(Scaling scaling, JavaRDD<DataBlock> blocks) {
    return new Fitting(scaling.mode(), scaling, blocks, null);
  }

  /** Merges per-block moments in block order. */
  private static Scaling fromMoments(Scaling.Mode mode, Iterable<Moments> parts) {
    Moments total = null;
    for (Moments m : parts) {
      total = combine(total, m);
    }
    if (total == null || total.n() == 0) {
      throw new InvalidDataException("no rows to fit " + mode + " scaling on");
    }
    double[] std = null;
    if (mode == Scaling.Mode.STANDARDIZE) {
      std = new double[total.m2().length];
      for (int j = 0; j < std.length; j++) {
        std[j] = Math.sqrt(total.m2()[j] / total.n());
      }
    }
    return Scaling.fromStatistics(mode, total.mean(), std);
  }

  /**
   * Block index to that block's moments. Merging keeps one entry per block, so a block whose
   * task ran twice is counted once, and the driver merges the moments in block order, not in
   * the order tasks finished.
   */
  private static final class MomentsByBlock
      extends AccumulatorV2<Tuple2<Integer, Moments>, SortedMap<Integer, Moments>> {
    private static final long serialVersionUID = 1L;
    private final TreeMap<Integer, Moments> byBlock = new TreeMap<>();

    @Override
    public boolean isZero() {
      return byBlock.isEmpty();
    }

    @Override
    public MomentsByBlock copy() {
      MomentsByBlock c = new MomentsByBlock();
      c.byBlock.putAll(byBlock);
      return c;
    }

    @Override
    public void reset() {
      byBlock.clear();
    }

    @Override
    public void add(Tuple2<Integer, Moments> v) {
      byBlock.put(v._1(), v._2());
    }

    @Override
    public void merge(AccumulatorV2<Tuple2<Integer, Moments>, SortedMap<Integer, Moments>> o) {
      byBlock.putAll(o.value());
    }

    @Override
    public SortedMap<Integer, Moments> value() {
      return Collections.unmodifiableSortedMap(byBlock);
    }
  }

  /**
   * Scales every block into a new block; the input blocks and their (possibly cached) arrays are
   * not modified. {@link Scaling.Mode#NONE} returns {@code blocks} itself.
   */
  public static JavaRDD<DataBlock> apply(Scaling scaling, JavaRDD<DataBlock> blocks) {
    if (scaling.mode() == Scaling.Mode.NONE) {
      return blocks;
    }
    // The text form restores the statistics exactly and keeps Scaling free of Java serialisation.
    String text = scaling.serialize();
    return blocks.map(b -> {
      float[] x = b.features().clone();
      Scaling.parse(text).applyInPlace(x, b.cols());
      return b.withFeatures(x);
    });
  }

  /**
   * Rescales example weights to mean 1, so that the weighted cross-entropy keeps the scale of
   * N examples against the KL term (as MLlib's weighted losses divide by the weight sum).
   * Blocks without weights are returned as they are.
   *
   * @throws InvalidDataException if every weight is 0
   */
  public static JavaRDD<DataBlock> normalizeWeights(JavaRDD<DataBlock> blocks, long rows,
                                                    String source) {
    List<Double> sums = blocks.map(b -> {
      double s = 0;
      if (b.weights() != null) {
        for (float w : b.weights()) {
          s += w;
        }
      }
      return b.weights() == null ? -1.0 : s;
    }).collect();
    if (sums.stream().allMatch(s -> s < 0)) {
      return blocks;
    }
    double total = 0;
    for (double s : sums) {
      total += Math.max(0, s);
    }
    if (!(total > 0)) {
      throw new InvalidDataException(source + ": every example weight is 0");
    }
    float factor = (float) (rows / total);
    return blocks.map(b -> {
      float[] w = b.weights().clone();
      for (int i = 0; i < w.length; i++) {
        w[i] *= factor;
      }
      return b.withWeights(w);
    });
  }

  private static Moments moments(DataBlock b, boolean spread) {
    int rows = b.rows();
    int cols = b.cols();
    float[] x = b.features();
    double[] mean = new double[cols];
    for (int off = 0; off < x.length; off += cols) {
      for (int j = 0; j < cols; j++) {
        mean[j] += x[off + j];
      }
    }
    for (int j = 0; j < cols && rows > 0; j++) {
      mean[j] /= rows;
    }
    double[] m2 = null;
    if (spread) {
      m2 = new double[cols];
      for (int off = 0; off < x.length; off += cols) {
        for (int j = 0; j < cols; j++) {
          double d = x[off + j] - mean[j];
          m2[j] += d * d;
        }
      }
    }
    return new Moments(rows, mean, m2);
  }

  /** The moments of both sets of rows; either may be null or empty (no rows). */
  private static Moments combine(Moments a, Moments b) {
    if (a == null || a.n() == 0) {
      return b;
    }
    return b == null || b.n() == 0 ? a : merge(a, b);
  }

  private static Moments merge(Moments a, Moments b) {
    if (a.mean().length != b.mean().length) {
      throw new InvalidDataException("blocks of " + a.mean().length + " and "
          + b.mean().length + " features in one data set");
    }
    long n = a.n() + b.n();
    double wb = (double) b.n() / n;
    double cross = (double) a.n() * b.n() / n;
    double[] mean = new double[a.mean().length];
    double[] m2 = a.m2() == null ? null : new double[mean.length];
    for (int j = 0; j < mean.length; j++) {
      double delta = b.mean()[j] - a.mean()[j];
      mean[j] = a.mean()[j] + delta * wb;
      if (m2 != null) {
        m2[j] = a.m2()[j] + b.m2()[j] + delta * delta * cross;
      }
    }
    return new Moments(n, mean, m2);
  }
}
