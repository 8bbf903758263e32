package org.sparsevd.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.spark.SparkGradientSource.Partial;
import org.sparsevd.spark.SparkGradientSource.StepTask;
import org.sparsevd.spark.data.DataBlock;
import scala.Tuple2;

/**
 * How a step's partial gradients are summed, in a fixed order either way, so that the gradient
 * is the same bits whatever order the tasks finish in:
 * <ul>
 *   <li>{@link #COLLECT}: every partial goes to the driver, which adds them in partition order.
 *       One job, no shuffle: the cheapest on a few partitions, but the driver receives E
 *       partials of 4P bytes a step;</li>
 *   <li>{@link #tree}: a fixed tree over the partition indices. Partition p belongs to group
 *       p / ceil(E / G) of G = ceil(sqrt(E)) groups; a shuffle sends each group's partials to
 *       one reducer, which adds them in partition order; the driver adds the G group sums in
 *       group order. The driver receives about sqrt(E) x 4P bytes a step. With one group the
 *       additions are those of collect, so the bits are too; with more they are grouped
 *       differently, so the model differs in the last bits.</li>
 * </ul>
 * (Spark's own treeAggregate folds partials in the order they arrive: not reproducible.)
 */
public sealed interface Aggregation {
  /**
   * Partitions from which {@link #auto} aggregates by a tree: not a crossover measured here
   * (on one machine collect always wins) but where collect's driver traffic at 10 Gb/s reaches
   * the tree's extra stage (docs/cluster.md, docs/large-data.md).
   */
  int TREE_FROM_PARTITIONS = 64;

  Aggregation COLLECT = new Collect();

  static Aggregation tree() {
    return new Tree();
  }

  /** Collect below {@link #TREE_FROM_PARTITIONS} partitions, the tree from there. */
  static Aggregation auto(int partitions) {
    return partitions >= TREE_FROM_PARTITIONS ? tree() : COLLECT;
  }

  /** {@code collect}, {@code tree} or {@code auto} for a step over {@code partitions}. */
  static Aggregation parse(String name, int partitions) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "collect" -> COLLECT;
      case "tree" -> tree();
      case "auto" -> auto(partitions);
      default -> throw new IllegalArgumentException("aggregation '" + name
          + "': expected collect, tree or auto");
    };
  }

  /** The name as a config writes it. */
  String spec();

  /** True when the partials must travel as bytes (the tree shuffles them). */
  boolean needsBytes();

  /**
   * Runs the step's job and returns what the driver adds: the partials, or the group sums as
   * partials whose {@code partition} is the group's index.
   */
  List<Partial> run(JavaRDD<DataBlock> blocks, StepTask task, StepPartitions partitions,
                    int[] batch);

  final class Collect implements Aggregation {
    private Collect() {}

    @Override public String spec() { return "collect"; }
    @Override public boolean needsBytes() { return false; }

    @Override
    public List<Partial> run(JavaRDD<DataBlock> blocks, StepTask task,
                             StepPartitions partitions, int[] batch) {
      return partitions.run(blocks, task, batch);
    }
  }

  final class Tree implements Aggregation {
    private Tree() {}

    @Override public String spec() { return "tree"; }
    @Override public boolean needsBytes() { return true; }

    /** Groups of consecutive partitions: G = ceil(sqrt(E)) of them, each at most ceil(E/G). */
    public static int groupSize(int partitions) {
      int groups = (int) Math.ceil(Math.sqrt(partitions));
      return (partitions + groups - 1) / groups;
    }

    /** The number of groups, and of sums the driver receives, for E partitions. */
    public static int groups(int partitions) {
      int size = groupSize(partitions);
      return (partitions + size - 1) / size;
    }

    @Override
    public List<Partial> run(JavaRDD<DataBlock> blocks, StepTask task,
                             StepPartitions partitions, int[] batch) {
      if (!(partitions instanceof StepPartitions.Every)) {
        throw new IllegalArgumentException("aggregation = tree sums the partials of every "
            + "partition; a block-ordered step runs on the one or two holding its batch");
      }
      JavaRDD<Partial> step = blocks.mapPartitionsWithIndex(
          (p, it) -> List.of(task.call(p, it)).iterator(), true);
      int size = groupSize(step.getNumPartitions());
      return step.mapToPair(p -> new Tuple2<>(p.partition() / size, p))
          .groupByKey(new HashPartitioner(groups(step.getNumPartitions())))
          .map(group -> sumInOrder(group._1(), group._2()))
          .collect();
    }

    /** A group's partials added in partition order, as the driver adds them under collect. */
    private static Partial sumInOrder(int group, Iterable<Partial> parts) {
      List<Partial> ordered = new ArrayList<>();
      parts.forEach(ordered::add);
      ordered.sort((x, y) -> Integer.compare(x.partition(), y.partition()));
      float[] sum = null;
      float[] scratch = null;
      BatchLoss loss = BatchLoss.ZERO;
      long rows = 0;
      for (Partial p : ordered) {
        rows += p.rows();
        loss = loss.plus(p.loss());
        if (p.grad() == null) {
          continue;
        }
        if (sum == null) {
          sum = new float[p.grad().length / Float.BYTES];
          scratch = new float[sum.length];
        }
        FloatBytes.addInto(p.grad(), sum, scratch);
      }
      return new Partial(group, rows, loss, sum == null ? null : FloatBytes.encode(sum));
    }
  }
}
