package org.sparsevd.spark;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparsevd.io.CheckpointPolicy;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Network;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.spark.data.TrainingData;
import org.sparsevd.train.BatchOrder;
import org.sparsevd.train.EpochReport;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.train.TrainingState;

/**
 * The trainer of the library: the train job, the method comparison and the Spark ML estimator
 * all train through it. It runs {@link TrainingLoop} with the distributed step ({@link
 * SparkGradientSource}) over cached {@link TrainingData}, names each step's Spark job by epoch
 * and step, and returns the trained model with its provenance. The same data, network,
 * configuration and starting state give the same model bit for bit, whoever calls it.
 *
 * <pre>{@code
 * SparkTrainer t = new SparkTrainer(data, def, config, SparkTrainer.Shuffle.GLOBAL);
 * SparseVdModel model = t.fit(t.initialState(), null, (report, state) -> log(report), Map.of());
 * }</pre>
 */
public final class SparkTrainer {
  /** The epoch order of the batches. */
  public enum Shuffle {
    /** {@link BatchOrder#GLOBAL}: a permutation of every row; each step runs on every block. */
    GLOBAL,
    /**
     * {@link BatchOrder#blocks}: block by block; each step runs only on the blocks holding its
     * rows, so that data larger than memory is read once per epoch.
     */
    BLOCKS
  }

  private final TrainingData data;
  private final NetworkDef def;
  private final TrainConfig config;
  private final Shuffle shuffle;
  private final Aggregation aggregation;
  private final int blockStreams;

  /**
   * A trainer whose steps sum their partials as {@link Aggregation#auto} chooses, with one
   * stream in a block order.
   */
  public SparkTrainer(TrainingData data, NetworkDef def, TrainConfig config, Shuffle shuffle) {
    this(data, def, config, shuffle, Aggregation.auto(partitionsPerStep(data, shuffle)), 1);
  }

  /**
   * The partials a step sums, for {@link Aggregation#parse}: every partition's, or in a block
   * order one (two at a boundary), which collect sums best.
   */
  public static int partitionsPerStep(TrainingData data, Shuffle shuffle) {
    return shuffle == Shuffle.BLOCKS ? 1 : data.blocks().getNumPartitions();
  }

  /**
   * @param blockStreams G of {@link BatchOrder#blocks(long[], int, int)} with {@link
   *     Shuffle#BLOCKS}: the blocks a step reads side by side
   * @throws IllegalArgumentException if the network's outputs are not the data's classes
   */
  public SparkTrainer(TrainingData data, NetworkDef def, TrainConfig config, Shuffle shuffle,
                      Aggregation aggregation, int blockStreams) {
    Network net = def.build();
    if (net.numClasses() != data.numClasses()) {
      throw new IllegalArgumentException("layers '" + def.layers() + "' end in "
          + net.numClasses() + " outputs, the data has " + data.numClasses() + " classes");
    }
    this.data = data;
    this.def = def;
    this.config = config;
    if (shuffle == Shuffle.BLOCKS && aggregation.needsBytes()) {
      throw new IllegalArgumentException("aggregation = " + aggregation.spec() + " sums the "
          + "partials of every partition; shuffle = blocks runs a step on the one or two "
          + "holding its batch: use aggregation = collect or auto");
    }
    if (shuffle == Shuffle.GLOBAL && blockStreams != 1) {
      throw new IllegalArgumentException("block_streams = " + blockStreams + " orders the "
          + "blocks of shuffle = blocks; shuffle = global reads every block at every step");
    }
    this.shuffle = shuffle;
    this.aggregation = aggregation;
    this.blockStreams = blockStreams;
  }

  /** The state before the first step: parameters initialised from the seed, fresh optimiser. */
  public TrainingState initialState() {
    return TrainingLoop.initialState(def.build(), config);
  }

  /**
   * What a checkpoint of this training must match to be resumed ({@link CheckpointPolicy}):
   * the configuration, the network, the aggregation (a tree groups the sum differently) and,
   * with {@link Shuffle#BLOCKS}, the block layout and streams, which fix the epoch order.
   */
  public long fingerprint() {
    return CheckpointPolicy.fingerprint(config, def,
        shuffle == Shuffle.BLOCKS ? data.starts() : null, blockStreams, aggregation.spec());
  }

  /**
   * Trains from {@code state} to {@code config.epochs()}.
   *
   * @param state where to start: {@link #initialState}, a warm start's or a checkpoint's;
   *     advanced in place to the end of training
   * @param evaluator held-out evaluation, or null for none
   * @param listener told of each epoch (e.g. to log it and write a checkpoint) and of each step
   * @param provenance saved with the model; {@code epochs_done} and {@code steps} are added
   */
  public SparseVdModel fit(TrainingState state, TrainingLoop.Evaluator evaluator,
                           TrainingLoop.Listener listener, Map<String, String> provenance)
      throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.blocks().context());
    boolean blocks = shuffle == Shuffle.BLOCKS;
    BatchOrder order = blocks
        ? BatchOrder.blocks(data.starts(), blockStreams, config.batchSize()) : BatchOrder.GLOBAL;
    try (SparkGradientSource source = blocks
        ? SparkGradientSource.blockwise(sc, data.blocks(), data.scaling(), data.starts(),
            blockStreams, def, config.seed())
        : new SparkGradientSource(sc, data.blocks(), data.scaling(), data.rows(), def,
            config.seed(), aggregation)) {
      TrainingLoop.run(def.build(), config, state, source, order, evaluator,
          naming(source, listener));
    }
    Map<String, String> p = new LinkedHashMap<>(provenance);
    p.put("epochs_done", String.valueOf(state.epochsDone()));
    p.put("steps", String.valueOf(state.step()));
    return new SparseVdModel(def, data.numClasses(), state.params(), data.scaling(), p);
  }

  /** Names each step's Spark job ("sparsevd: epoch 3/150 step 41/120"), then tells listener. */
  private TrainingLoop.Listener naming(SparkGradientSource source,
                                       TrainingLoop.Listener listener) {
    int epochs = config.epochs();
    return new TrainingLoop.Listener() {
      @Override
      public void stepStarting(int epoch, int step, int steps) {
        source.setStepLabel(String.format(Locale.ROOT, "epoch %d/%d step %d/%d", epoch + 1,
            epochs, step + 1, steps));
        listener.stepStarting(epoch, step, steps);
      }

      @Override
      public void stepDone(TrainingState state, int stepsDone, int steps) throws IOException {
        listener.stepDone(state, stepsDone, steps);
      }

      @Override
      public void epochDone(EpochReport report, TrainingState state) throws IOException {
        listener.epochDone(report, state);
      }
    };
  }
}
