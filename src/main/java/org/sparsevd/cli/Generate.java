package org.sparsevd.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparsevd.data.Distortion;
import org.sparsevd.data.LabeledData;
import org.sparsevd.data.MnistDownloader;
import org.sparsevd.data.MnistIdx;
import org.sparsevd.spark.JobSparkSettings;

/**
 * The generator job: {@code Generate OUTPUT EXAMPLES [SEED] [PARTITIONS] [MNIST_DIR]} writes
 * EXAMPLES MNIST-like examples as Parquet ({@code id} long, {@code label} int, {@code
 * features} vector of 784 pixels, 0-255, stored sparse): example i is training image
 * {@link Distortion#sample}(SEED, i).source, randomly rotated, scaled and shifted, rounded to
 * whole grey levels. The files depend on SEED and PARTITIONS only; defaults in {@link #COMMAND}.
 */
public final class Generate {
  static final int EXAMPLES_PER_PARTITION = 250_000;
  private static final int ROW_GROUP_BYTES = 16 << 20;
  private static final StructType SCHEMA = new StructType(new StructField[] {
      new StructField("id", DataTypes.LongType, false, Metadata.empty()),
      new StructField("label", DataTypes.IntegerType, false, Metadata.empty()),
      new StructField("features", new VectorUDT(), false, Metadata.empty())});

  static final JobCommand COMMAND = JobCommand.positional(
      "jobs/generate.sh OUTPUT EXAMPLES [SEED] [PARTITIONS] [MNIST_DIR]", 2, List.of(
          new JobConfig.Key("OUTPUT", "", "Parquet folder to write (any Hadoop path, must not "
              + "exist)"),
          new JobConfig.Key("EXAMPLES", "", "number of examples, 1 .. 2^32 - 1"),
          new JobConfig.Key("SEED", "1", "seed of the distortions"),
          new JobConfig.Key("PARTITIONS", "", "output partitions; empty: one per "
              + EXAMPLES_PER_PARTITION + " examples, at least Spark's default parallelism"),
          new JobConfig.Key("MNIST_DIR", MnistDownloader.DEFAULT_SHARED_DIR.toString(),
              "folder of the MNIST training files")), List.of());

  private Generate() {}

  public static void main(String[] args) throws Exception {
    JobConfig c = COMMAND.parseMain(args);
    SparkConf conf = JobSparkSettings.applyMissing(
        new SparkConf().setAppName("sparsevd-generate"));
    if (!conf.contains("spark.master")) {
      conf.setMaster(Sessions.LOCAL_MASTER);
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      long n = c.getLong("EXAMPLES");
      int partitions = !c.get("PARTITIONS").isEmpty() ? c.getInt("PARTITIONS")
          : (int) Math.max(spark.sparkContext().defaultParallelism(),
          (n + EXAMPLES_PER_PARTITION - 1) / EXAMPLES_PER_PARTITION);
      long start = System.nanoTime();
      run(spark, c.get("OUTPUT"), n, c.getLong("SEED"), partitions, c.get("MNIST_DIR"));
      double s = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "%d examples in %d partitions written to %s in %.1f s "
          + "(%.0f examples/s)%n", n, partitions, c.get("OUTPUT"), s, n / s);
    } finally {
      spark.stop();
    }
  }

  /** Writes the examples to {@code output}, which must not exist. */
  public static void run(SparkSession spark, String output, long examples, long seed,
                         int partitions, String mnistDir) throws IOException {
    if (examples < 1 || examples > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("examples " + examples + " outside [1, 2^32)");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions " + partitions + " must be >= 1");
    }
    LabeledData src = MnistIdx.readTrain(mnistDir, new Configuration());
    // Grey levels as bytes: a quarter of the float array in every executor.
    float[] f = src.features();
    byte[] pixels = new byte[f.length];
    for (int i = 0; i < f.length; i++) {
      pixels[i] = (byte) f[i];
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> px = sc.broadcast(pixels);
    Broadcast<int[]> labels = sc.broadcast(src.labels());
    int cols = src.cols();
    List<Integer> ids = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      ids.add(p);
    }
    JavaRDD<Row> rows = sc.parallelize(ids, partitions).flatMap(p -> new Examples(
        px.value(), labels.value(), cols, seed, examples * p / partitions,
        examples * (p + 1) / partitions));
    sc.setJobDescription("sparsevd: generate " + examples + " examples");
    // Row groups of 16 MB (about 50,000 examples): a scan task cannot split a row group, and
    // the reader turns a task's rows into one float block about 10x the compressed size.
    spark.createDataFrame(rows, SCHEMA).write().option("parquet.block.size", ROW_GROUP_BYTES)
        .parquet(output);
    px.destroy();
    labels.destroy();
  }

  /** Examples {@code [from, to)}, made one at a time as the writer asks for them. */
  private static final class Examples implements Iterator<Row> {
    private final byte[] pixels;
    private final int[] labels;
    private final int side;
    private final long seed;
    private final long to;
    private final float[] source;
    private final float[] warped;
    private final double[] values;
    private long next;

    Examples(byte[] pixels, int[] labels, int cols, long seed, long from, long to) {
      this.pixels = pixels;
      this.labels = labels;
      this.side = (int) Math.round(Math.sqrt(cols));
      if (side * side != cols) {
        throw new IllegalArgumentException(cols + " pixels are not a square image");
      }
      this.seed = seed;
      this.to = to;
      this.source = new float[cols];
      this.warped = new float[cols];
      this.values = new double[cols];
      this.next = from;
    }

    @Override
    public boolean hasNext() {
      return next < to;
    }

    @Override
    public Row next() {
      if (next >= to) {
        throw new NoSuchElementException();
      }
      Distortion.Transform t = Distortion.sample(seed, next, labels.length);
      int off = t.source() * source.length;
      for (int i = 0; i < source.length; i++) {
        source[i] = pixels[off + i] & 0xFF;
      }
      Distortion.warp(source, 0, side, t, warped, 0);
      for (int i = 0; i < values.length; i++) {
        values[i] = Math.min(255, Math.round(warped[i]));
      }
      Vector v = Vectors.dense(values).compressed();
      // A dense result wraps the buffer the next example overwrites.
      if (v instanceof DenseVector) {
        v = Vectors.dense(values.clone());
      }
      return RowFactory.create(next++, labels[t.source()], v);
    }
  }
}
