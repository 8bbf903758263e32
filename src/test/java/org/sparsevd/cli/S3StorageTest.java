package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.hadoop.fs.statistics.StoreStatisticNames;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.data.Scaling;
import org.sparsevd.data.SharedData;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.model.ModelFormat;
import org.sparsevd.model.ModelStore;
import org.sparsevd.model.SparseVdModel;
import org.sparsevd.nn.NetworkDef;
import org.sparsevd.nn.VdSettings;
import org.sparsevd.spark.TestSpark;

/**
 * s3a:// for the training data, the job's output (model, metrics, checkpoints, completion
 * marker) and the model store, against a real S3 API: S3Proxy with its in-memory backend,
 * started in this JVM on a free loopback port, reached through hadoop-aws's S3AFileSystem. The
 * s3a settings go on the shared session's Hadoop configuration and are restored afterwards.
 *
 * <p>S3 has no atomic rename, so these check that nothing relies on one there: the output is
 * written without a single rename, and a write that fails half way leaves no object behind (the
 * previous pointer stays current, no model.json appears without its params.bin).
 */
class S3StorageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "sparsevd";
  private static final String ACCESS_KEY = "test-access";
  private static final String SECRET_KEY = "test-secret";
  /** S3's smallest multipart part, so a write of a few parts is cheap. */
  private static final int PART = 5 << 20;
  @TempDir static Path tmp;
  private static BlobStoreContext blobs;
  private static S3Proxy proxy;
  private static SparkSession spark;
  private static Configuration hconf;
  private static final Map<String, String> saved = new LinkedHashMap<>();

  @BeforeAll
  static void startS3() throws Exception {
    blobs = ContextBuilder.newBuilder("transient").credentials("unused", "unused")
        .build(BlobStoreContext.class);
    blobs.getBlobStore().createContainerInLocation(null, BUCKET);
    proxy = S3Proxy.builder().blobStore(blobs.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        // The SDK adds x-amz-checksum-crc32 to requests such as multi-object delete; S3 takes
        // it, S3Proxy 2.6.0 answers 501 Not Implemented unless told to ignore unknown headers.
        .ignoreUnknownHeaders(true).build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      assertTrue(System.nanoTime() < deadline, "S3Proxy did not start: " + proxy.getState());
      Thread.sleep(10);
    }
    spark = TestSpark.session();
    hconf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> s3a = new LinkedHashMap<>();
    s3a.put("fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort());
    s3a.put("fs.s3a.endpoint.region", "us-east-1");
    s3a.put("fs.s3a.path.style.access", "true");
    s3a.put("fs.s3a.connection.ssl.enabled", "false");
    s3a.put("fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s3a.put("fs.s3a.access.key", ACCESS_KEY);
    s3a.put("fs.s3a.secret.key", SECRET_KEY);
    // A failure should fail the test, not be retried for minutes.
    s3a.put("fs.s3a.attempts.maximum", "2");
    s3a.put("fs.s3a.retry.limit", "2");
    s3a.put("fs.s3a.multipart.size", String.valueOf(PART));
    s3a.put("fs.s3a.buffer.dir", tmp.resolve("s3a-buffer").toString());
    for (Map.Entry<String, String> e : s3a.entrySet()) {
      saved.put(e.getKey(), hconf.get(e.getKey()));
      hconf.set(e.getKey(), e.getValue());
    }
  }

  @AfterAll
  static void stopS3() throws Exception {
    try {
      if (hconf != null) {
        // Drop the cached client of this endpoint before the settings go.
        FileSystem.get(URI.create("s3a://" + BUCKET + "/"), hconf).close();
        saved.forEach((k, v) -> {
          if (v == null) {
            hconf.unset(k);
          } else {
            hconf.set(k, v);
          }
        });
      }
    } finally {
      if (proxy != null) {
        proxy.stop();
      }
      if (blobs != null) {
        blobs.close();
      }
    }
  }

  private static org.apache.hadoop.fs.Path s3(String key) {
    return new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/" + key);
  }

  private static FileSystem s3fs() throws IOException {
    return s3("").getFileSystem(hconf);
  }

  /** Every object under {@code prefix}, as keys relative to it. */
  private static List<String> objects(String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    org.apache.hadoop.fs.Path root = s3fs().makeQualified(s3(prefix));
    if (!s3fs().exists(root)) {
      return out;
    }
    RemoteIterator<LocatedFileStatus> it = s3fs().listFiles(root, true);
    while (it.hasNext()) {
      out.add(it.next().getPath().toString().substring(root.toString().length() + 1));
    }
    out.sort(null);
    return out;
  }

  /** A counter of the S3A client's statistics (operations since it was created). */
  private static long counter(String name) throws IOException {
    Long v = IOStatisticsSupport.retrieveIOStatistics(s3fs()).counters().get(name);
    return v == null ? 0 : v;
  }

  private static String trainConfig(String data) throws IOException {
    return Files.writeString(tmp.resolve("s3-" + Math.abs(data.hashCode()) + ".properties"),
        String.join("\n",
            "data.format = parquet",
            "data.train = " + data,
            "data.scaling = divide_255",
            "layers = vd(16) | relu | vd(10)",
            "batch_size = 100",
            "epochs = 2",
            "lr = 3e-3",
            "lr_schedule = constant",
            "kl_schedule = linear(1, 2)",
            "partitions = 2",
            "checkpoint_every = 1",
            "seed = 5")).toString();
  }

  private static void train(String config, String output, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of(config, "--output", output));
    args.addAll(List.of(extra));
    Train.run(spark, Train.COMMAND.parse(args.toArray(new String[0])));
  }

  @Test
  void theTrainJobReadsAndWritesS3WithoutRenames() throws Exception {
    LabeledData slice = MnistIdx.readTrain(SharedData.mnistDir().toString(), new Configuration())
        .slice(0, 600);
    String localData = tmp.resolve("data").toString();
    MnistParquet.write(spark, localData, slice, y -> y);
    FileUtil.copy(new java.io.File(localData), s3fs(), s3("data"), false, hconf);

    String local = tmp.resolve("run").toString();
    train(trainConfig(localData), local);

    long renames = counter(StoreStatisticNames.OP_RENAME);
    train(trainConfig(s3("data").toString()), s3("run").toString());
    assertEquals(renames, counter(StoreStatisticNames.OP_RENAME),
        "the train job renamed objects on S3");
    List<String> written = objects("run");
    assertTrue(written.containsAll(List.of(OutputDir.MARKER, "checkpoints/ckpt-000001.bin",
        "checkpoints/ckpt-000002.bin", "metrics.jsonl", "model/model.json", "model/params.bin",
        "summary.json", "report.html")), written.toString());
    assertTrue(written.stream().noneMatch(k -> k.contains("_tmp")), written.toString());
    float[] expected = ModelFormat.read(new org.apache.hadoop.fs.Path(local, "model"),
        new Configuration()).params();
    assertArrayEquals(expected, ModelFormat.read(s3("run/model"), hconf).params());
    assertEquals(2, HadoopFiles.readString(s3("run/metrics.jsonl"), hconf, 1 << 20)
        .strip().split("\n").length);

    // A run that stopped after epoch 1 on S3, resumed from its checkpoint there.
    FileSystem fs = s3fs();
    FileUtil.copy(fs, s3("run/checkpoints/ckpt-000001.bin"), fs,
        s3("resumed/checkpoints/ckpt-000001.bin"), false, hconf);
    FileUtil.copy(fs, s3("run/metrics.jsonl"), fs, s3("resumed/metrics.jsonl"), false, hconf);
    train(trainConfig(s3("data").toString()), s3("resumed").toString(), "--resume");
    assertArrayEquals(expected, ModelFormat.read(s3("resumed/model"), hconf).params());
    assertTrue(fs.exists(s3("resumed/" + OutputDir.MARKER)));
    assertEquals(2, JSON.readTree(HadoopFiles.readString(s3("resumed/summary.json"), hconf,
        1 << 20)).get("epochs").asInt());
  }

  private static SparseVdModel model(int seed) {
    NetworkDef def = new NetworkDef("vd(4) | relu | vd(3)", 5, VdSettings.DEFAULTS);
    return new SparseVdModel(def, 3, def.build().initParams(seed), Scaling.divide255(),
        Map.of("seed", String.valueOf(seed)));
  }

  /** A write whose body dies after {@code bytes} of {@code content}. */
  private static void killedWrite(org.apache.hadoop.fs.Path target, byte[] content, int bytes) {
    IOException e = assertThrows(IOException.class, () -> HadoopFiles.writeAtomically(target,
        hconf, out -> {
          out.write(content, 0, bytes);
          throw new IOException("killed after " + bytes + " bytes");
        }));
    assertTrue(e.getMessage().startsWith("killed"), e.getMessage());
  }

  @Test
  void theModelStorePublishesOnS3AndAKilledWriteLeavesNothing() throws Exception {
    ModelStore store = new ModelStore(s3("store"), hconf);
    for (String run : List.of("r1", "r2")) {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(store.runDir(run), "model");
      ModelFormat.write(model(run.equals("r1") ? 1 : 2), dir, hconf);
      store.publish(run, dir, JSON.createObjectNode());
    }
    ModelStore.Published current = store.current().orElseThrow();
    assertEquals(2, current.sequence());
    assertEquals("r2", current.run());
    assertArrayEquals(model(2).params(), ModelFormat.read(current.model(), hconf).params());

    // The next pointer, killed half way: nothing under its name, the second stays current.
    byte[] pointer = HadoopFiles.readAll(current.pointer(), hconf, 1 << 20);
    killedWrite(s3("store/published/000003.json"), pointer, pointer.length / 2);
    assertEquals(List.of("000001.json", "000002.json"), objects("store/published"));
    assertEquals(current, store.current().orElseThrow());

    // A model killed while writing params.bin, then one killed while writing model.json after
    // its params.bin: no model.json in either, so neither reads as a model.
    byte[] params = HadoopFiles.readAll(s3("store/runs/r2/model/params.bin"), hconf, 1 << 20);
    byte[] json = HadoopFiles.readAll(s3("store/runs/r2/model/model.json"), hconf, 1 << 20);
    killedWrite(s3("store/runs/r3/model/params.bin"), params, params.length - 1);
    assertEquals(List.of(), objects("store/runs/r3"));
    HadoopFiles.writeAtomically(s3("store/runs/r4/model/params.bin"), hconf,
        out -> out.write(params));
    killedWrite(s3("store/runs/r4/model/model.json"), json, json.length - 1);
    assertEquals(List.of("params.bin"), objects("store/runs/r4/model"));
    assertThrows(FileNotFoundException.class,
        () -> ModelFormat.read(s3("store/runs/r4/model"), hconf));
    assertEquals(current, store.current().orElseThrow());
  }

  @Test
  void aKilledMultipartWriteIsAbortedAndClosingInsteadWouldPublishIt() throws Exception {
    assertTrue(HadoopFiles.writesObjectsWhole(s3fs(), s3("x")));
    assertFalse(HadoopFiles.writesObjectsWhole(FileSystem.getLocal(new Configuration()),
        new org.apache.hadoop.fs.Path(tmp.toString())));

    // Two parts handed to the upload before the body dies: the multipart upload is aborted, no
    // object, no upload left open.
    byte[] first = new byte[3 * PART];
    new java.util.Random(1).nextBytes(first);
    long aborted = counter(StoreStatisticNames.OBJECT_MULTIPART_UPLOAD_ABORTED);
    killedWrite(s3("big/checkpoint.bin"), first, 2 * PART + 1000);
    assertEquals(List.of(), objects("big"));
    assertTrue(counter(StoreStatisticNames.OBJECT_MULTIPART_UPLOAD_ABORTED) > aborted);
    assertEquals(List.of(), blobs.getBlobStore().listMultipartUploads(BUCKET));

    // A complete write, then a replacement killed half way: the first stays, whole.
    HadoopFiles.writeAtomically(s3("big/checkpoint.bin"), hconf, out -> out.write(first));
    byte[] second = new byte[3 * PART];
    new java.util.Random(2).nextBytes(second);
    killedWrite(s3("big/checkpoint.bin"), second, 2 * PART + 1000);
    assertArrayEquals(first, HadoopFiles.readAll(s3("big/checkpoint.bin"), hconf, 1 << 30));
    assertEquals(List.of(), blobs.getBlobStore().listMultipartUploads(BUCKET));

    // What the abort prevents: a stream closed after a failed body uploads what it holds.
    try (var out = s3fs().create(s3("closed/pointer.json"), true)) {
      out.write("{\"sequ".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("{\"sequ", HadoopFiles.readString(s3("closed/pointer.json"), hconf, 100));
  }
}
