package org.sparsevd.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparsevd.data.Scaling;
import org.sparsevd.io.FloatArrays;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.Parameterization;
import org.sparsevd.nn.VdSettings;

/**
 * The model directory, version {@value #VERSION}:
 *
 * <pre>
 * model.json   {"format": "sparsevd-model", "version": 1, "layers": "vd(300) | relu | ...",
 *               "input_size": 784, "classes": 10, "vd": {...settings...},
 *               "scaling": "...Scaling.serialize() text...", "param_count": N,
 *               "params_sha256": "hex of params.bin", "provenance": {...}}
 * params.bin   the flat parameter array in the {@link FloatArrays} container
 * </pre>
 *
 * Both files are written atomically ({@link HadoopFiles#writeAtomically}: a reader sees each
 * whole or not at all, on object stores too), params.bin first, so a model.json always refers
 * to a complete params.bin; reading checks the format, the version, the checksum and that the
 * parameter count matches the network.
 */
public final class ModelFormat {
  public static final String FORMAT = "sparsevd-model";
  public static final int VERSION = 1;
  private static final long MAX_JSON_BYTES = 16L << 20;
  private static final long MAX_PARAMS_BYTES = 1L << 31;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelFormat() {}

  public static void write(SparseVdModel model, Path dir, Configuration conf) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    byte[] params = FloatArrays.encode(new long[0], model.params());
    HadoopFiles.writeAtomically(new Path(dir, "params.bin"), conf, out -> out.write(params));
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("layers", model.def().layers());
    root.put("input_size", model.def().inputSize());
    root.put("classes", model.numClasses());
    VdSettings vd = model.def().vd();
    ObjectNode v = root.putObject("vd");
    v.put("parameterization", vd.parameterization().name().toLowerCase(java.util.Locale.ROOT));
    v.put("log_alpha_min", vd.logAlphaMin());
    v.put("log_alpha_max", vd.logAlphaMax());
    v.put("threshold", vd.threshold());
    v.put("train_clip", vd.trainClip());
    v.put("theta_init_std", vd.thetaInitStd());
    v.put("log_sigma2_init", vd.logSigma2Init());
    root.put("scaling", model.scaling().serialize());
    root.put("param_count", model.params().length);
    root.put("params_sha256", FloatArrays.sha256Hex(params));
    ObjectNode prov = root.putObject("provenance");
    new java.util.TreeMap<>(model.provenance()).forEach(prov::put);
    HadoopFiles.writeString(new Path(dir, "model.json"), conf,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
  }

  public static SparseVdModel read(Path dir, Configuration conf) throws IOException {
    Path jsonPath = new Path(dir, "model.json");
    JsonNode root;
    try {
      root = JSON.readTree(HadoopFiles.readString(jsonPath, conf, MAX_JSON_BYTES));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(jsonPath + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IOException(jsonPath + ": not a " + FORMAT + " file");
    }
    int version = root.path("version").asInt(-1);
    if (version != VERSION) {
      throw new IOException(jsonPath + ": format version " + version + ", this reader knows "
          + VERSION);
    }
    Path paramsPath = new Path(dir, "params.bin");
    byte[] bytes = HadoopFiles.readAll(paramsPath, conf, MAX_PARAMS_BYTES);
    String sha = FloatArrays.sha256Hex(bytes);
    if (!sha.equals(field(root, "params_sha256", jsonPath).asText())) {
      throw new IOException(paramsPath + ": SHA-256 " + sha + " differs from the "
          + field(root, "params_sha256", jsonPath).asText() + " recorded in model.json");
    }
    float[][] arrays = FloatArrays.decode(bytes, paramsPath.toString()).arrays();
    if (arrays.length != 1) {
      throw new IOException(paramsPath + ": " + arrays.length + " arrays, expected 1");
    }
    try {
      JsonNode v = field(root, "vd", jsonPath);
      VdSettings vd = new VdSettings(
          Parameterization.parse(field(v, "parameterization", jsonPath).asText()),
          (float) field(v, "log_alpha_min", jsonPath).asDouble(),
          (float) field(v, "log_alpha_max", jsonPath).asDouble(),
          (float) field(v, "threshold", jsonPath).asDouble(),
          field(v, "train_clip", jsonPath).asBoolean(),
          (float) field(v, "theta_init_std", jsonPath).asDouble(),
          (float) field(v, "log_sigma2_init", jsonPath).asDouble());
      NetworkDef def = new NetworkDef(field(root, "layers", jsonPath).asText(),
          field(root, "input_size", jsonPath).asInt(), vd);
      Map<String, String> prov = new LinkedHashMap<>();
      root.path("provenance").fields().forEachRemaining(e -> prov.put(e.getKey(),
          e.getValue().asText()));
      return new SparseVdModel(def, field(root, "classes", jsonPath).asInt(), arrays[0],
          Scaling.parse(field(root, "scaling", jsonPath).asText()), prov);
    } catch (IllegalArgumentException e) {
      throw new IOException(jsonPath + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode field(JsonNode node, String name, Path file) throws IOException {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw new IOException(file + ": missing field '" + name + "'");
    }
    return v;
  }
}
