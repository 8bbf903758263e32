package org.sparsevd.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparsevd.io.HadoopFiles;

/**
 * Where scheduled retraining keeps its models, on any Hadoop file system:
 *
 * <pre>
 * STORE/runs/RUN_ID/             the train job's output of each run (model, metrics, ...)
 * STORE/published/NNNNNN.json    one pointer per publication: {"sequence", "run", "model",
 *                                "published_at", ...}; the highest number is the current model
 * STORE/reports/RUN_ID.json      what each run did
 * </pre>
 *
 * Publishing never rewrites a file: it writes a new pointer under the next free number through
 * {@link HadoopFiles#writeAtomically}, so a reader sees the old pointer or the complete new one:
 * on HDFS and local file systems the pointer is written under a temporary name and renamed
 * (rename to a new name is atomic on both); on S3 (s3a://) the object is written directly,
 * visible only once whole, and a failed write is aborted and leaves no object. Only a complete
 * model is published: the retraining job reads the candidate back, checksum included, first.
 * The pointers that are not the newest are the history of what was published when. One
 * retraining run at a time writes to a store.
 */
public final class ModelStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_POINTER_BYTES = 1L << 20;
  private final Path root;
  private final Configuration conf;

  /** A publication: its pointer file, the run and model directory it names. */
  public record Published(Path pointer, int sequence, String run, Path model) {}

  public ModelStore(Path root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  public Path runDir(String runId) { return new Path(root, "runs/" + runId); }
  public Path report(String runId) { return new Path(root, "reports/" + runId + ".json"); }
  private Path publishedDir() { return new Path(root, "published"); }

  /** The current model: the pointer with the highest number, if any. */
  public Optional<Published> current() throws IOException {
    FileSystem fs = publishedDir().getFileSystem(conf);
    if (!fs.exists(publishedDir())) {
      return Optional.empty();
    }
    Path newest = null;
    for (FileStatus st : fs.listStatus(publishedDir())) {
      String name = st.getPath().getName();
      if (name.matches("\\d{6}\\.json") && (newest == null
          || name.compareTo(newest.getName()) > 0)) {
        newest = st.getPath();
      }
    }
    if (newest == null) {
      return Optional.empty();
    }
    JsonNode p = JSON.readTree(HadoopFiles.readString(newest, conf, MAX_POINTER_BYTES));
    if (!p.hasNonNull("model") || !p.hasNonNull("run") || !p.hasNonNull("sequence")) {
      throw new IOException(newest + ": not a pointer file (needs sequence, run and model)");
    }
    return Optional.of(new Published(newest, p.get("sequence").asInt(), p.get("run").asText(),
        new Path(p.get("model").asText())));
  }

  /**
   * Makes {@code model} the current model.
   *
   * @param details recorded in the pointer (e.g. holdout metrics)
   * @throws IOException if the next pointer already exists: another run published meanwhile
   */
  public Published publish(String runId, Path model, ObjectNode details) throws IOException {
    int sequence = current().map(Published::sequence).orElse(0) + 1;
    Path pointer = new Path(publishedDir(), String.format("%06d.json", sequence));
    FileSystem fs = pointer.getFileSystem(conf);
    fs.mkdirs(publishedDir());
    if (fs.exists(pointer)) {
      throw new IOException(pointer + " already exists: another run published meanwhile");
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("sequence", sequence);
    o.put("run", runId);
    o.put("model", fs.makeQualified(model).toString());
    o.put("published_at", java.time.Instant.now().toString());
    o.setAll(details);
    HadoopFiles.writeString(pointer, conf, JSON.writerWithDefaultPrettyPrinter()
        .writeValueAsString(o) + "\n");
    return new Published(pointer, sequence, runId, fs.makeQualified(model));
  }
}
