package org.sparsevd.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import org.sparsevd.report.Progress;
import org.sparsevd.train.EpochReport;
import org.sparsevd.train.TrainingLoop;
import org.sparsevd.train.TrainingState;

/**
 * A bar on one terminal line, redrawn in place as the steps of an epoch run, with the time
 * left for the whole run. Only for a terminal: in a log file the per-epoch lines say enough.
 */
final class ProgressBar {
  /** Redraws at most this often: a step can take a few milliseconds. */
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final int epochs;
  private final int firstEpoch;
  private final long start;
  private long lastDraw;
  private boolean drawn;

  /**
   * @param firstEpoch the first epoch of this run (0 unless resumed); the time left is
   *     estimated from the steps of this run only
   * @param start {@link System#nanoTime()} at the start of the run
   */
  ProgressBar(PrintStream out, int epochs, int firstEpoch, long start) {
    this.out = out;
    this.epochs = epochs;
    this.firstEpoch = firstEpoch;
    this.start = start;
  }

  /**
   * The train job's listener: when the console is a terminal, it redraws the bar before each
   * step and erases it after each epoch; after each epoch it calls {@code perEpoch}, and after
   * each step within an epoch {@code perEpoch}'s {@code stepDone}.
   */
  static TrainingLoop.Listener around(TrainingLoop.Listener perEpoch, int epochs, int firstEpoch,
                                      long start) {
    ProgressBar bar = System.console() == null ? null
        : new ProgressBar(System.out, epochs, firstEpoch, start);
    return new TrainingLoop.Listener() {
      @Override
      public void stepStarting(int epoch, int step, int steps) {
        if (bar != null) {
          bar.step(epoch, step, steps);
        }
      }

      @Override
      public void stepDone(TrainingState state, int stepsDone, int steps) throws IOException {
        perEpoch.stepDone(state, stepsDone, steps);
      }

      @Override
      public void epochDone(EpochReport report, TrainingState state) throws IOException {
        if (bar != null) {
          bar.clear();
        }
        perEpoch.epochDone(report, state);
      }
    };
  }

  /** Redraws the bar before {@code step} of {@code epoch} (both from 0), at most 10 times/s. */
  void step(int epoch, int step, int steps) {
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    long done = (long) (epoch - firstEpoch) * steps + step;
    long left = (long) (epochs - epoch) * steps - step;
    double eta = done == 0 ? Double.NaN : (now - start) / 1e9 / done * left;
    out.print("\r" + line(epoch, epochs, step, steps, eta) + "\u001b[K");
    out.flush();
    lastDraw = now;
    drawn = true;
  }

  /** Erases the bar, so that the next line starts on a clean line. */
  void clear() {
    if (drawn) {
      out.print("\r\u001b[K");
      out.flush();
      drawn = false;
    }
  }

  /** E.g. {@code epoch 3/150 [#########.....] 41/120 steps  ETA 5m02s}; ETA NaN: unknown. */
  static String line(int epoch, int epochs, int step, int steps, double etaSeconds) {
    int filled = steps == 0 ? 0 : (int) ((long) WIDTH * step / steps);
    return String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d steps  ETA %s", epoch + 1,
        epochs, "#".repeat(filled), ".".repeat(WIDTH - filled), step, steps,
        Double.isNaN(etaSeconds) ? "--" : Progress.duration(etaSeconds));
  }
}
