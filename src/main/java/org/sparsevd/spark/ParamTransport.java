package org.sparsevd.spark;

import java.io.Serializable;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparsevd.nn.BatchLoss;
import org.sparsevd.spark.SparkGradientSource.Partial;

/**
 * How a step's parameters travel to its tasks and their partial gradients back to the driver:
 * {@link #broadcast}, as bytes in a broadcast and in the task results, on any cluster; or
 * {@link #localHandoff}, by reference through {@link LocalHandoff}, only when every executor is
 * a thread of the driver (local mode). Both give the same bits.
 *
 * <p>Per step the driver calls {@link #send}, runs the job with the returned {@link Ticket} in
 * the task closure, {@link #finish}es the step whether the job succeeded or not, then {@link
 * #receive}s each partial.
 */
sealed interface ParamTransport {
  static ParamTransport broadcast(JavaSparkContext sc) {
    return new Broadcasting(sc);
  }

  /** @throws IllegalArgumentException unless {@code sc} runs in local mode */
  static ParamTransport localHandoff(JavaSparkContext sc) {
    if (!sc.isLocal()) {
      throw new IllegalArgumentException("parameters and partial gradients can be handed over "
          + "by reference only in local mode, master is " + sc.master());
    }
    return new HandOff(UUID.randomUUID().toString());
  }

  /** The hand-off in local mode, else the broadcast. */
  static ParamTransport fastest(JavaSparkContext sc) {
    return sc.isLocal() ? localHandoff(sc) : broadcast(sc);
  }

  /** Makes {@code params} readable by the tasks of {@code step}; they must stay unchanged. */
  Ticket send(float[] params, long step);

  /** After the step's job: no task reads its parameters again; a failed step leaves nothing. */
  void finish(long step, boolean failed);

  /** Adds the partial gradient {@code p} carries, or left behind, into {@code grad}. */
  void receive(Partial p, long step, float[] grad);

  /** What the tasks of a step carry: reads the parameters, returns the partial gradient. */
  interface Ticket extends Serializable {
    /** The step's parameters; not to be modified. */
    float[] params();

    /** The task's result; {@code grad} is null when no row of the batch fell in its blocks. */
    Partial partial(int partition, long rows, BatchLoss loss, float[] grad);
  }

  /** Parameters in a broadcast of bytes, partials as bytes in the task results. */
  final class Broadcasting implements ParamTransport {
    private final JavaSparkContext sc;
    private Broadcast<byte[]> current;
    private float[] scratch = new float[0];

    private Broadcasting(JavaSparkContext sc) {
      this.sc = sc;
    }

    @Override
    public Ticket send(float[] params, long step) {
      current = sc.broadcast(FloatBytes.encode(params));
      return new BroadcastTicket(current);
    }

    @Override
    public void finish(long step, boolean failed) {
      current.destroy();
      current = null;
    }

    @Override
    public void receive(Partial p, long step, float[] grad) {
      if (p.grad() == null) {
        return;
      }
      if (scratch.length != grad.length) {
        scratch = new float[grad.length];
      }
      FloatBytes.addInto(p.grad(), grad, scratch);
    }
  }

  /** Decodes each broadcast once per executor thread: every block of a task reads it. */
  record BroadcastTicket(Broadcast<byte[]> bytes) implements Ticket {
    private static final ThreadLocal<Decoded> DECODED = new ThreadLocal<>();

    private record Decoded(long broadcastId, float[] values) {}

    @Override
    public float[] params() {
      Decoded d = DECODED.get();
      if (d == null || d.broadcastId() != bytes.id()) {
        d = new Decoded(bytes.id(), FloatBytes.decode(bytes.value()));
        DECODED.set(d);
      }
      return d.values();
    }

    @Override
    public Partial partial(int partition, long rows, BatchLoss loss, float[] grad) {
      return new Partial(partition, rows, loss, grad == null ? null : FloatBytes.encode(grad));
    }
  }

  /**
   * Parameters and partials by reference through {@link LocalHandoff}; {@code source} keys
   * this transport's slots there.
   */
  record HandOff(String source) implements ParamTransport {
    @Override
    public Ticket send(float[] params, long step) {
      LocalHandoff.publishParams(source, step, params);
      return new HandOffTicket(source, step);
    }

    @Override
    public void finish(long step, boolean failed) {
      if (failed) {
        LocalHandoff.dropStep(source, step);
      }
      LocalHandoff.withdrawParams(source, step);
    }

    /** A partition with rows of the batch left its gradient in its slot. */
    @Override
    public void receive(Partial p, long step, float[] grad) {
      if (p.rows() == 0) {
        return;
      }
      float[] g = LocalHandoff.take(LocalHandoff.key(source, step, p.partition()));
      for (int k = 0; k < grad.length; k++) {
        grad[k] += g[k];
      }
    }
  }

  record HandOffTicket(String source, long step) implements Ticket {
    @Override
    public float[] params() {
      return LocalHandoff.params(source, step);
    }

    @Override
    public Partial partial(int partition, long rows, BatchLoss loss, float[] grad) {
      if (grad != null) {
        LocalHandoff.put(LocalHandoff.key(source, step, partition), grad);
      }
      return new Partial(partition, rows, loss, null);
    }
  }
}
