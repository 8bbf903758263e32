package org.sparsevd.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparsevd.optim.OptimizerState;
import org.sparsevd.train.TrainingState;

/**
 * Checkpoints of the training state in a directory, one file per checkpoint named
 * {@code ckpt-EEEEEE.bin} by epochs done, or within an epoch {@code ckpt-EEEEEE-step-SSSSSSSSSSSS.bin}
 * by epochs done and global step (it follows {@code ckpt-EEEEEE.bin} and precedes the next
 * epoch's), each written atomically in the {@link FloatArrays}
 * container: longs (format version, epochs done, step, optimiser steps, configuration
 * fingerprint), arrays (parameters, optimiser first and second moments).
 *
 * <p>{@link #latest} returns the newest checkpoint that passes its checksum; a corrupted or
 * truncated one is reported through the warning callback, naming the file, and the previous
 * one is tried.
 */
public final class CheckpointStore {
  /** Checkpoints kept unless set otherwise. */
  public static final int DEFAULT_KEEP = 3;
  private static final long VERSION = 1;
  private static final long MAX_BYTES = 1L << 31;
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("ckpt-(\\d{6})(?:-step-(\\d{12}))?\\.bin");
  private final Path dir;
  private final Configuration conf;
  private final int keep;

  /** @param keep how many of the newest checkpoints to keep (older ones are deleted) */
  public CheckpointStore(Path dir, Configuration conf, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep " + keep + " checkpoints: must be >= 1");
    }
    this.dir = dir;
    this.conf = conf;
    this.keep = keep;
  }

  /**
   * Writes the state after its epochs; {@code fingerprint} identifies the configuration that
   * produced it.
   */
  public Path write(TrainingState s, long fingerprint) throws IOException {
    return write(s, fingerprint, String.format("ckpt-%06d.bin", s.epochsDone()));
  }

  /** Writes the state within the epoch after its epochs done. */
  public Path writeWithinEpoch(TrainingState s, long fingerprint) throws IOException {
    return write(s, fingerprint, String.format("ckpt-%06d-step-%012d.bin", s.epochsDone(),
        s.step()));
  }

  private Path write(TrainingState s, long fingerprint, String name) throws IOException {
    OptimizerState o = s.optimizer();
    byte[] bytes = FloatArrays.encode(
        new long[] {VERSION, s.epochsDone(), s.step(), o.steps(), fingerprint},
        s.params(), o.first(), o.second());
    dir.getFileSystem(conf).mkdirs(dir);
    Path target = new Path(dir, name);
    HadoopFiles.writeAtomically(target, conf, out -> out.write(bytes));
    List<Path> all = list();
    for (int i = 0; i + keep < all.size(); i++) {
      dir.getFileSystem(conf).delete(all.get(i), false);
    }
    return target;
  }

  /**
   * The newest readable checkpoint of this configuration, if any.
   *
   * @throws IOException if a readable checkpoint belongs to another configuration
   */
  public Optional<TrainingState> latest(long fingerprint, Consumer<String> warn)
      throws IOException {
    List<Path> all = list();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path p = all.get(i);
      FloatArrays.Content c;
      try {
        c = FloatArrays.decode(HadoopFiles.readAll(p, conf, MAX_BYTES), p.toString());
      } catch (IOException e) {
        warn.accept("skipping checkpoint " + p + ": " + e.getMessage());
        continue;
      }
      long[] l = c.longs();
      if (l.length != 5 || l[0] != VERSION || c.arrays().length != 3) {
        warn.accept("skipping checkpoint " + p + ": unknown layout or version");
        continue;
      }
      if (l[4] != fingerprint) {
        throw new IOException(p + " was written by a different configuration (fingerprint "
            + Long.toHexString(l[4]) + ", this run " + Long.toHexString(fingerprint)
            + "); use a new output directory");
      }
      float[][] a = c.arrays();
      return Optional.of(new TrainingState(a[0], new OptimizerState(l[3], a[1], a[2]),
          (int) l[1], l[2]));
    }
    return Optional.empty();
  }

  /** Checkpoint files, oldest first: by epochs done, then those within the next epoch by step. */
  List<Path> list() throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (NAME.matcher(name).matches()) {
        out.add(st.getPath());
      }
    }
    out.sort(java.util.Comparator.comparingLong((Path p) -> position(p)[0])
        .thenComparingLong(p -> position(p)[1]));
    return out;
  }

  /** Epochs done and, within the next epoch, 1 + the step (0 after the epochs). */
  private static long[] position(Path p) {
    java.util.regex.Matcher m = NAME.matcher(p.getName());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a checkpoint name: " + p);
    }
    return new long[] {Long.parseLong(m.group(1)),
        m.group(2) == null ? 0 : 1 + Long.parseLong(m.group(2))};
  }
}
