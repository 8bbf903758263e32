package org.sparsevd.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparsevd.export.CsrExport;
import org.sparsevd.export.CsrModel;
import org.sparsevd.export.OnnxExport;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Sparsity;

/**
 * The export job: {@code Export MODEL_DIR --format onnx|csr [--weights dense|sparse] OUT}.
 * Reads a model directory (OUTPUT/model of a train run, any Hadoop path) and writes it to OUT
 * (any Hadoop path, atomically) as ONNX ({@link OnnxExport}; {@code --weights sparse} stores
 * the kept weights as sparse initializers, default dense with zeros) or as a CSR file
 * ({@link CsrExport}). Prints one line saying what it wrote. Needs no Spark session.
 */
public final class Export {
  static final String USAGE =
      "usage: export MODEL_DIR --format onnx|csr [--weights dense|sparse] OUT";

  private Export() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.println(USAGE);
      return;
    }
    System.out.println(run(args, new Configuration()));
  }

  /** Runs the export; returns the line that {@link #main} prints. */
  static String run(String[] args, Configuration conf) throws IOException {
    List<String> positional = new ArrayList<>();
    String format = null;
    String weights = null;
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        positional.add(args[i]);
      } else if (i + 1 < args.length && args[i].equals("--format")) {
        format = args[++i];
      } else if (i + 1 < args.length && args[i].equals("--weights")) {
        weights = args[++i];
      } else {
        throw new IllegalArgumentException("unknown option or missing value: " + args[i]
            + "\n" + USAGE);
      }
    }
    if (positional.size() != 2 || format == null) {
      throw new IllegalArgumentException("expected MODEL_DIR, --format and OUT, got "
          + String.join(" ", args) + "\n" + USAGE);
    }
    if (!format.equals("onnx") && !format.equals("csr")) {
      throw new IllegalArgumentException("--format '" + format + "': expected onnx or csr");
    }
    if (format.equals("csr") && weights != null) {
      throw new IllegalArgumentException("--weights applies to --format onnx only; a CSR "
          + "file always holds the kept weights alone");
    }
    OnnxExport.Weights w = OnnxExport.Weights.valueOf(
        choice("--weights", weights == null ? "dense" : weights, "dense", "sparse"));
    SparseVdModel model = readModel(new Path(positional.get(0)), conf);
    byte[] bytes;
    String what;
    if (format.equals("onnx")) {
      bytes = OnnxExport.encode(model, w);
      what = "ONNX opset " + OnnxExport.OPSET + ", " + w.name().toLowerCase(Locale.ROOT)
          + " weights";
    } else {
      bytes = CsrExport.encode(CsrModel.of(model));
      what = "CSR format version " + CsrExport.VERSION;
    }
    Path out = new Path(positional.get(1));
    out = out.getFileSystem(conf).makeQualified(out);
    HadoopFiles.writeAtomically(out, conf, o -> o.write(bytes));
    Sparsity sp = model.network().sparsity(model.params());
    return String.format(Locale.ROOT, "wrote %s: %s, %,d bytes (%,d of %,d weights kept)",
        out, what, bytes.length, sp.kept(), sp.weights());
  }

  private static String choice(String option, String value, String... allowed) {
    if (!List.of(allowed).contains(value)) {
      throw new IllegalArgumentException(option + " '" + value + "': expected one of "
          + String.join(", ", allowed));
    }
    return value.toUpperCase(Locale.ROOT);
  }

  /**
   * Reads the model from the train job's model folder, or from a Spark ML model saved by
   * {@code SparseVDClassificationModel.write()} (its {@code data/} folder), or from a saved
   * PipelineModel holding one such stage. Given a run directory by mistake, it names the
   * model folder inside.
   */
  private static SparseVdModel readModel(Path dir, Configuration conf) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    if (fs.exists(new Path(dir, "model.json"))) {
      return ModelFormat.read(dir, conf);
    }
    if (fs.exists(new Path(dir, "data/model.json"))) {
      return ModelFormat.read(new Path(dir, "data"), conf);
    }
    Path stages = new Path(dir, "stages");
    if (fs.exists(stages)) {
      List<Path> found = new java.util.ArrayList<>();
      for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(stages)) {
        if (fs.exists(new Path(st.getPath(), "data/model.json"))) {
          found.add(new Path(st.getPath(), "data"));
        }
      }
      if (found.size() == 1) {
        return ModelFormat.read(found.get(0), conf);
      }
      throw new IOException(dir + ": a PipelineModel with " + found.size()
          + " SparseVD stages, expected 1");
    }
    if (fs.exists(new Path(dir, "model/model.json"))) {
      throw new IOException(dir + " has no model.json: it looks like a run directory, whose "
          + "model is " + new Path(dir, "model"));
    }
    return ModelFormat.read(dir, conf);
  }
}
