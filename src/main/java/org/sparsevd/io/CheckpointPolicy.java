package org.sparsevd.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.train.TrainConfig;
import org.sparsevd.train.TrainingState;

/**
 * When a training run writes checkpoints to its {@link CheckpointStore}, and which it may resume
 * from: one every {@code every} epochs and always after the last epoch (none when {@code every}
 * is 0), and within an epoch one every {@code everySteps} steps (none when 0), each marked with
 * the {@link #fingerprint} of what determines the trajectory, so that a run resumes only from a
 * checkpoint of the same training.
 */
public final class CheckpointPolicy {
  private final CheckpointStore store;
  private final int every;
  private final int everySteps;
  private final long fingerprint;

  /**
   * @param every epochs between checkpoints; 0: no checkpoints after epochs
   * @param everySteps steps between checkpoints within an epoch; 0: none within epochs
   * @param fingerprint {@link #fingerprint} of this run
   */
  public CheckpointPolicy(CheckpointStore store, int every, int everySteps, long fingerprint) {
    if (every < 0) {
      throw new IllegalArgumentException("checkpoint_every = " + every + ": must be >= 0");
    }
    if (everySteps < 0) {
      throw new IllegalArgumentException("checkpoint_every_steps = " + everySteps
          + ": must be >= 0");
    }
    this.store = store;
    this.every = every;
    this.everySteps = everySteps;
    this.fingerprint = fingerprint;
  }

  /**
   * 64 bits of SHA-256 over what determines the trajectory of training. Checkpoints store it;
   * its value for a configuration must never change, or older checkpoints stop resuming.
   *
   * @param blockStarts the training blocks' layout when the epoch order follows it, else null
   * @param blockStreams the streams of that order (1 adds nothing, as before streams existed)
   * @param aggregation the {@link org.sparsevd.spark.Aggregation} spec of the steps
   */
  public static long fingerprint(TrainConfig tc, NetworkDef def, long[] blockStarts,
                                 int blockStreams, String aggregation) {
    String order = blockStarts == null ? "" : "|blocks " + Arrays.toString(blockStarts);
    order += blockStreams == 1 ? "" : "|streams " + blockStreams;
    // Collect adds nothing either, so that checkpoints of earlier versions still match.
    order += aggregation.equals("collect") ? "" : "|aggregation " + aggregation;
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest((tc + "|" + def + order).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(h).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The newest readable checkpoint of this run's configuration, else {@code initial}.
   *
   * @param warn told of each checkpoint skipped as unreadable
   * @throws IOException if a readable checkpoint belongs to another configuration
   */
  public TrainingState resume(TrainingState initial, Consumer<String> warn) throws IOException {
    return store.latest(fingerprint, warn).orElse(initial);
  }

  /** Writes a checkpoint of {@code s} if one is due after {@code stepsDone} of an epoch. */
  public void stepDone(TrainingState s, int stepsDone) throws IOException {
    if (everySteps > 0 && stepsDone % everySteps == 0) {
      store.writeWithinEpoch(s, fingerprint);
    }
  }

  /** Writes a checkpoint of {@code s} if one is due after its epoch, of {@code epochs}. */
  public void epochDone(TrainingState s, int epochs) throws IOException {
    if (every > 0 && (s.epochsDone() % every == 0 || s.epochsDone() == epochs)) {
      store.write(s, fingerprint);
    }
  }
}
