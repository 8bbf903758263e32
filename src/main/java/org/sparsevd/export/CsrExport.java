package org.sparsevd.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparsevd.data.Scaling;
import org.sparsevd.io.FloatArrays;
import org.sparsevd.sparse.CsrMatrix;
import org.sparsevd.sparse.SparseNetwork;

/**
 * The CSR file: a {@link CsrModel} in one self-checking binary file, version {@value #VERSION},
 * all numbers little-endian:
 *
 * <pre>
 * magic       8 bytes   ASCII "SPVD-CSR"
 * version     int32     1
 * inputSize   int32     raw features the model reads
 * classes     int32
 * scaling     int32 n, then n bytes: {@link Scaling#serialize()} in UTF-8
 * stepCount   int32, then each step:
 *   kind      int32     0 = ReLU, 2 = softplus (nothing follows either), 1 = sparse linear:
 *   rows      int32     its outputs
 *   cols      int32     its inputs (the previous step's outputs, inputSize for the first)
 *   nnz       int32     kept weights
 *   rowPtr    (rows + 1) x int32, colIdx nnz x int32, values nnz x float32, bias rows x float32
 *             (see {@link CsrMatrix}: row j holds the weights feeding output j)
 * sha256      32 bytes  SHA-256 of everything before it
 * </pre>
 *
 * Reading checks the size, magic, version and checksum, then every count against the bytes
 * left before allocating anything for it, so no header field can make the reader allocate
 * more than the file holds; every problem is an {@link IOException} naming the file. Reading
 * uses only the JDK and this project's engine classes (no Spark, no Hadoop).
 */
public final class CsrExport {
  public static final int VERSION = 1;
  private static final byte[] MAGIC = "SPVD-CSR".getBytes(StandardCharsets.US_ASCII);
  private static final int SHA_BYTES = 32;
  private static final int RELU = 0;
  private static final int LINEAR = 1;
  private static final int SOFTPLUS = 2;
  /** Magic, version, input size, classes, scaling length, step count. */
  private static final int HEADER_BYTES = MAGIC.length + 5 * 4;
  /** The largest file a Java array holds. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private CsrExport() {}

  public static byte[] encode(CsrModel model) {
    byte[] scaling = model.scaling().serialize().getBytes(StandardCharsets.UTF_8);
    model.network().requireNoSpatialSteps("the CSR file format");
    List<SparseNetwork.Step> steps = model.network().steps();
    long size = HEADER_BYTES + scaling.length + SHA_BYTES;
    for (SparseNetwork.Step s : steps) {
      CsrMatrix m = s.weights();
      size += 4 + (m == null ? 0 : 12 + 4L * (m.rows() + 1) + 8L * m.nonZeros() + 4L * m.rows());
    }
    if (size > MAX_BYTES) {
      throw new IllegalArgumentException("a CSR file of " + size + " bytes is too large");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putInt(model.network().inputSize())
        .putInt(model.network().numClasses()).putInt(scaling.length).put(scaling)
        .putInt(steps.size());
    for (SparseNetwork.Step s : steps) {
      CsrMatrix m = s.weights();
      if (m == null) {
        b.putInt(s.activation() == SparseNetwork.Activation.RELU ? RELU : SOFTPLUS);
        continue;
      }
      b.putInt(LINEAR).putInt(m.rows()).putInt(m.cols()).putInt(m.nonZeros());
      b.asIntBuffer().put(m.rowPtr()).put(m.colIdx());
      b.position(b.position() + 4 * (m.rowPtr().length + m.nonZeros()));
      b.asFloatBuffer().put(m.values()).put(s.bias());
      b.position(b.position() + 4 * (m.nonZeros() + m.rows()));
    }
    b.put(FloatArrays.sha256(b.array(), b.position()));
    return b.array();
  }

  /** Reads a CSR file from the local file system. */
  public static CsrModel read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new IOException(file + ": " + size + " bytes, larger than any CSR file");
    }
    return decode(Files.readAllBytes(file), file.toString());
  }

  /**
   * @param source names the bytes in error messages, e.g. the file they were read from
   */
  public static CsrModel decode(byte[] bytes, String source) throws IOException {
    if (bytes.length < HEADER_BYTES + SHA_BYTES
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException(source + ": not a SparseVD CSR file (bad magic or too short, "
          + bytes.length + " bytes)");
    }
    Reader r = new Reader(bytes, source);
    r.b.position(MAGIC.length);
    int version = r.b.getInt();
    if (version != VERSION) {
      throw new IOException(source + ": CSR format version " + version + ", this reader knows "
          + VERSION);
    }
    int body = bytes.length - SHA_BYTES;
    if (!MessageDigest.isEqual(Arrays.copyOfRange(bytes, body, bytes.length),
        FloatArrays.sha256(bytes, body))) {
      throw new IOException(source + ": checksum mismatch (file corrupted or truncated)");
    }
    r.b.limit(body);
    int inputSize = r.positive("input size");
    int classes = r.positive("class count");
    byte[] scalingText = new byte[r.count("scaling bytes", 1)];
    r.b.get(scalingText);
    int stepCount = r.count("steps", 4);
    try {
      Scaling scaling = Scaling.parse(new String(scalingText, StandardCharsets.UTF_8));
      List<SparseNetwork.Step> steps = new ArrayList<>(stepCount);
      int width = inputSize;
      for (int s = 0; s < stepCount; s++) {
        SparseNetwork.Step step = r.step(s, width);
        steps.add(step);
        width = step.weights() == null ? width : step.weights().rows();
      }
      if (r.b.remaining() != 0) {
        throw new IOException(source + ": " + r.b.remaining() + " unexpected bytes after step "
            + (stepCount - 1));
      }
      return new CsrModel(new SparseNetwork(inputSize, classes, steps), scaling);
    } catch (IllegalArgumentException e) {
      // Scaling, CsrMatrix and SparseNetwork reject inconsistent content with this.
      throw new IOException(source + ": " + e.getMessage(), e);
    }
  }

  /** Reads fields, checking each count against the bytes left before it is used. */
  private record Reader(ByteBuffer b, String source) {
    Reader(byte[] bytes, String source) {
      this(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), source);
    }

    SparseNetwork.Step step(int s, int width) throws IOException {
      int kind = field("kind of step " + s);
      if (kind == RELU || kind == SOFTPLUS) {
        return SparseNetwork.Step.activation(kind == RELU ? SparseNetwork.Activation.RELU
            : SparseNetwork.Activation.SOFTPLUS);
      }
      if (kind != LINEAR) {
        throw new IOException(source + ": step " + s + " has kind " + kind + ", expected "
            + RELU + " (ReLU), " + LINEAR + " (sparse linear) or " + SOFTPLUS + " (softplus)");
      }
      int rows = positive("rows of step " + s);
      int cols = positive("columns of step " + s);
      if (cols != width) {
        throw new IOException(source + ": step " + s + " takes " + cols
            + " inputs, the previous step gives " + width);
      }
      int nnz = field("non-zeros of step " + s);
      // rowPtr and bias: 4 (rows + 1) + 4 rows bytes; colIdx and values: 8 nnz.
      long need = 8L * rows + 4 + 8L * nnz;
      if (nnz < 0 || nnz > (long) rows * cols || need > b.remaining()) {
        throw new IOException(source + ": step " + s + " says " + rows + "x" + cols + " with "
            + nnz + " non-zeros (" + need + " bytes), only " + b.remaining() + " bytes left");
      }
      int[] rowPtr = ints(rows + 1);
      int[] colIdx = ints(nnz);
      float[] values = floats(nnz);
      float[] bias = floats(rows);
      return new SparseNetwork.Step(new CsrMatrix(rows, cols, rowPtr, colIdx, values), bias);
    }

    int field(String what) throws IOException {
      if (b.remaining() < 4) {
        throw new IOException(source + ": truncated before the " + what);
      }
      return b.getInt();
    }

    int positive(String what) throws IOException {
      int v = field(what);
      if (v < 1) {
        throw new IOException(source + ": " + what + " is " + v + ", must be at least 1");
      }
      return v;
    }

    /** A count of items of {@code itemBytes} each, at most what the bytes left can hold. */
    int count(String what, int itemBytes) throws IOException {
      int n = field("count of " + what);
      if (n < 0 || (long) n * itemBytes > b.remaining()) {
        throw new IOException(source + ": header says " + n + " " + what + ", only "
            + b.remaining() + " bytes left");
      }
      return n;
    }

    int[] ints(int n) {
      int[] v = new int[n];
      b.asIntBuffer().get(v);
      b.position(b.position() + 4 * n);
      return v;
    }

    float[] floats(int n) {
      float[] v = new float[n];
      b.asFloatBuffer().get(v);
      b.position(b.position() + 4 * n);
      return v;
    }
  }
}
