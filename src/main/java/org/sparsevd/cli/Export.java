package org.sparsevd.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.export.CsrExport;
import org.sparsevd.export.CsrModel;
import org.sparsevd.export.OnnxExport;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelLocator;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.Sparsity;

/**
 * The export job: {@code Export MODEL_DIR --format onnx|csr [--weights dense|sparse] OUT}.
 * Reads a model wherever {@link ModelLocator} finds one (a run folder, its model folder, a
 * saved Spark ML model or pipeline; any Hadoop path) and writes it to OUT
 * (any Hadoop path, atomically) as ONNX ({@link OnnxExport}; {@code --weights sparse} stores
 * the kept weights as sparse initializers, default dense with zeros) or as a CSR file
 * ({@link CsrExport}). Prints one line saying what it wrote. Needs no Spark session.
 */
public final class Export {
  static final JobCommand COMMAND = JobCommand.positional(
      "jobs/export.sh MODEL_DIR --format onnx|csr [--weights dense|sparse] OUT", 2, List.of(
          new JobConfig.Key("MODEL_DIR", "", "a run folder, its model/ folder, a saved "
              + "SparseVDClassificationModel or a PipelineModel holding one"),
          new JobConfig.Key("OUT", "", "the file to write (any Hadoop path)")), List.of(
          new JobConfig.Key("format", "", "onnx or csr; required"),
          new JobConfig.Key("weights", "dense", "onnx: dense (zeros stored) or sparse (kept "
              + "weights as sparse initializers)")));

  private Export() {}

  public static void main(String[] args) throws Exception {
    JobConfig c = COMMAND.parseMain(args);
    JobCommand.runMain(() -> System.out.println(run(c, new Configuration())));
  }

  /** Runs the export; returns the line that {@link #main} prints. */
  static String run(String[] args, Configuration conf) throws IOException {
    return run(COMMAND.parse(args), conf);
  }

  private static String run(JobConfig c, Configuration conf) throws IOException {
    String format = c.get("format");
    if (!format.equals("onnx") && !format.equals("csr")) {
      throw new IllegalArgumentException("--format '" + format + "': expected onnx or csr");
    }
    if (format.equals("csr") && c.commandLine().containsKey("weights")) {
      throw new IllegalArgumentException("--weights applies to --format onnx only; a CSR "
          + "file always holds the kept weights alone");
    }
    OnnxExport.Weights w = OnnxExport.Weights.valueOf(
        choice("--weights", c.get("weights"), "dense", "sparse"));
    SparseVdModel model = ModelLocator.read(new Path(c.get("MODEL_DIR")), conf);
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
    Path out = new Path(c.get("OUT"));
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
}
