package org.sparsevd.export;

import java.util.List;
import java.util.Map;

/**
 * An ONNX graph under construction and its encoding as a {@code ModelProto}, written with
 * {@link ProtoWriter} using the field numbers of onnx.proto. Only what a feed-forward float
 * network needs: nodes with int and int-list attributes, float initializers (dense or sparse)
 * and int64 ones (shapes), and float inputs and outputs of shape [batch, width].
 *
 * <p>Opset {@value #OPSET} (ONNX 1.8, supported by every ONNX Runtime since 1.6) with IR
 * version {@value #IR_VERSION}, the IR of that ONNX release.
 */
final class OnnxGraph {
  static final long OPSET = 13;
  static final long IR_VERSION = 7;

  // TensorProto.DataType and AttributeProto.AttributeType values used here.
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final int ATTRIBUTE_INT = 2;
  private static final int ATTRIBUTE_INTS = 7;

  private final ProtoWriter graph = new ProtoWriter();

  OnnxGraph(String name) {
    graph.string(2, name);
  }

  /** A node computing {@code output = op(inputs)}; {@code intAttributes} e.g. Softmax's axis. */
  void node(String op, List<String> inputs, String output, Map<String, Long> intAttributes) {
    node(op, inputs, output, intAttributes, Map.of());
  }

  /** A node with int attributes and int-list ones (a convolution's kernel_shape, pads). */
  void node(String op, List<String> inputs, String output, Map<String, Long> intAttributes,
            Map<String, long[]> intListAttributes) {
    ProtoWriter n = new ProtoWriter();
    for (String in : inputs) {
      n.string(1, in);
    }
    n.string(2, output).string(3, output).string(4, op);
    intAttributes.forEach((name, value) ->
        n.message(5, new ProtoWriter().string(1, name).varint(20, ATTRIBUTE_INT).varint(3, value)));
    intListAttributes.forEach((name, values) -> n.message(5,
        new ProtoWriter().string(1, name).varint(20, ATTRIBUTE_INTS).packedInt64(8, values)));
    graph.message(1, n);
  }

  /** An int64 constant, e.g. the target shape of a Reshape. */
  void int64Initializer(String name, long[] values) {
    graph.message(5, tensor(name, new long[] {values.length}, INT64,
        ProtoWriter.littleEndian(values)));
  }

  /** A float constant stored whole, row-major. */
  void initializer(String name, long[] dims, float[] values) {
    checkSize(name, dims, values.length);
    graph.message(5, tensor(name, dims, FLOAT, ProtoWriter.littleEndian(values)));
  }

  /**
   * A float constant stored as a {@code SparseTensorProto}: its non-zero values and their
   * row-major (linearised) indices, in ascending order as ONNX requires, as int64.
   */
  void sparseInitializer(String name, long[] dims, float[] dense) {
    checkSize(name, dims, dense.length);
    int nnz = 0;
    for (float v : dense) {
      nnz += v != 0f ? 1 : 0;
    }
    float[] values = new float[nnz];
    long[] indices = new long[nnz];
    for (int k = 0, at = 0; k < dense.length; k++) {
      if (dense[k] != 0f) {
        values[at] = dense[k];
        indices[at++] = k;
      }
    }
    long[] flat = {nnz};
    graph.message(15, new ProtoWriter()
        .message(1, tensor(name, flat, FLOAT, ProtoWriter.littleEndian(values)))
        .message(2, tensor("", flat, INT64, ProtoWriter.littleEndian(indices)))
        .packedInt64(3, dims));
  }

  /** A graph input of float [batch, width], the batch size left symbolic. */
  void input(String name, String batch, long width) {
    graph.message(11, valueInfo(name, batch, width));
  }

  void output(String name, String batch, long width) {
    graph.message(12, valueInfo(name, batch, width));
  }

  /** The ModelProto: IR version, opset, producer, documentation and string metadata. */
  byte[] model(String producer, String doc, Map<String, String> metadata) {
    ProtoWriter m = new ProtoWriter()
        .varint(1, IR_VERSION)
        .string(2, producer)
        .string(6, doc)
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
    metadata.forEach((k, v) -> m.message(14, new ProtoWriter().string(1, k).string(2, v)));
    return m.toByteArray();
  }

  private static ProtoWriter tensor(String name, long[] dims, int type, byte[] raw) {
    ProtoWriter t = new ProtoWriter().packedInt64(1, dims).varint(2, type);
    if (!name.isEmpty()) {
      t.string(8, name);
    }
    return t.bytes(9, raw);
  }

  private static ProtoWriter valueInfo(String name, String batch, long width) {
    ProtoWriter shape = new ProtoWriter()
        .message(1, new ProtoWriter().string(2, batch))
        .message(1, new ProtoWriter().varint(1, width));
    ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }

  private static void checkSize(String name, long[] dims, int length) {
    long size = 1;
    for (long d : dims) {
      size *= d;
    }
    if (size != length) {
      throw new IllegalArgumentException("initializer " + name + ": shape "
          + java.util.Arrays.toString(dims) + " holds " + size + " values, got " + length);
    }
  }
}
