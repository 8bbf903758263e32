package org.sparsevd.spark.data;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.data.Scaling;

/**
 * {@link Scaling} for data spread over a cluster: {@link #fit} computes the per-feature
 * statistics of distributed blocks, {@link #apply} scales every block into a new one.
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
   * Fits a scaling on the blocks; modes without statistics start no job.
   *
   * @param blocks not modified
   * @return what {@link Scaling#fit} returns for the same rows as one {@code LabeledData}, up to
   *     rounding in the order of summation
   * @throws InvalidDataException if a fitted mode finds no rows
   */
  public static Scaling fit(Scaling.Mode mode, JavaRDD<DataBlock> blocks) {
    if (!mode.isFitted()) {
      return Scaling.fromStatistics(mode, null, null);
    }
    boolean spread = mode == Scaling.Mode.STANDARDIZE;
    List<Moments> parts = blocks.map(b -> moments(b, spread)).collect();
    Moments total = null;
    for (Moments m : parts) {
      if (m.n() > 0) {
        total = total == null ? m : merge(total, m);
      }
    }
    if (total == null) {
      throw new InvalidDataException("no rows to fit " + mode + " scaling on");
    }
    double[] std = null;
    if (spread) {
      std = new double[total.m2().length];
      for (int j = 0; j < std.length; j++) {
        std[j] = Math.sqrt(total.m2()[j] / total.n());
      }
    }
    return Scaling.fromStatistics(mode, total.mean(), std);
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
