package org.sparsevd.export;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The protocol buffers wire format (proto3 encoding), enough of it to write ONNX files: each
 * field is a tag {@code (number << 3) | wireType} as a varint followed by its value, a varint
 * (wire type 0) or a length-delimited byte string (type 2: strings, nested messages and packed
 * repeated numbers). Fields are written in the order the calls are made; readers accept any
 * order.
 *
 * <p>See https://protobuf.dev/programming-guides/encoding/.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An int32, int64 or enum field; negative values take ten bytes, as protobuf writes them. */
  ProtoWriter varint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** An embedded message. */
  ProtoWriter message(int field, ProtoWriter value) {
    return bytes(field, value.toByteArray());
  }

  /** A packed repeated int64 field (the proto3 default for repeated numbers). */
  ProtoWriter packedInt64(int field, long[] values) {
    ProtoWriter packed = new ProtoWriter();
    for (long v : values) {
      packed.rawVarint(v);
    }
    return bytes(field, packed.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  /** Floats as little-endian IEEE 754 bytes, the layout of an ONNX tensor's raw_data. */
  static byte[] littleEndian(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  /** Longs as little-endian bytes, the layout of an int64 ONNX tensor's raw_data. */
  static byte[] littleEndian(long[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return b.array();
  }

  private void tag(int field, int wireType) {
    if (field < 1 || field > (1 << 29) - 1) {
      throw new IllegalArgumentException("protobuf field number " + field
          + " outside [1, 2^29 - 1]");
    }
    rawVarint(((long) field << 3) | wireType);
  }

  /** Seven bits per byte, least significant group first, high bit set on all but the last. */
  private void rawVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
