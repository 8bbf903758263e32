package org.sparsevd.cli;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparsevd.io.HadoopFiles;

/**
 * A job's output directory and its completion protocol: the directory counts as complete
 * only once {@value #MARKER} exists, and that marker is written last, after the model and
 * the summary, the plots and the report. A crashed run leaves checkpoints and metrics but never
 * the marker. Every file here is written through {@link HadoopFiles#writeAtomically}, so each is
 * whole once it exists, on S3 (written directly, no rename) as on HDFS.
 *
 * <pre>
 * OUTPUT/checkpoints/ckpt-EEEEEE.bin   training state every k epochs
 * OUTPUT/metrics.jsonl                 one JSON line per epoch
 * OUTPUT/model/                        the model (see ModelFormat)
 * OUTPUT/summary.json                  final results
 * OUTPUT/plots/NAME.png                plots of the run (see RunReport)
 * OUTPUT/report.html                   the plots and results in one self-contained page
 * OUTPUT/_SUCCESS                      completion marker
 * </pre>
 */
public final class OutputDir {
  public static final String MARKER = "_SUCCESS";
  /** The flags of {@link #open}'s {@code resume} and {@code overwrite}. */
  static final JobCommand.Flag RESUME = new JobCommand.Flag("resume",
      "continue the run in OUTPUT from its newest checkpoint", "");
  static final JobCommand.Flag OVERWRITE = new JobCommand.Flag("overwrite",
      "replace what OUTPUT holds instead of refusing a non-empty directory", "");
  private final Path root;
  private final Configuration conf;

  private OutputDir(Path root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  /**
   * Opens the directory for a new run ({@code resume} false: it must be empty or absent,
   * unless {@code overwrite}) or to continue one ({@code resume} true: it must not be
   * complete).
   */
  public static OutputDir open(String path, Configuration conf, boolean resume,
                               boolean overwrite) throws IOException {
    Path root = new Path(path);
    FileSystem fs = root.getFileSystem(conf);
    boolean exists = fs.exists(root);
    if (exists && fs.exists(new Path(root, MARKER)) && resume) {
      throw new IOException(root + " is already complete (" + MARKER + " exists); nothing to "
          + "resume");
    }
    if (exists && !resume && fs.listStatus(root).length > 0) {
      if (!overwrite) {
        throw new IOException(root + " is not empty: use --resume to continue that run or "
            + "--overwrite to replace it");
      }
      fs.delete(root, true);
    }
    fs.mkdirs(root);
    return new OutputDir(root, conf);
  }

  public Path root() { return root; }
  public Path checkpoints() { return new Path(root, "checkpoints"); }
  public Path metrics() { return new Path(root, "metrics.jsonl"); }
  public Path model() { return new Path(root, "model"); }
  public Path summary() { return new Path(root, "summary.json"); }
  public Path plots() { return new Path(root, "plots"); }
  public Path report() { return new Path(root, "report.html"); }

  /** Writes the completion marker; call last. */
  public void markComplete() throws IOException {
    HadoopFiles.writeString(new Path(root, MARKER), conf, "");
  }
}
