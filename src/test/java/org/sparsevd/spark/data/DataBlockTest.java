package org.sparsevd.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** A block's serialised form, as Spark's shuffle and disk cache write it. */
class DataBlockTest {

  private static DataBlock block(int rows, int cols, boolean weighted, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[rows * cols];
    for (int i = 0; i < x.length; i++) {
      // Every bit pattern a float may hold, NaN payloads and negative zero included.
      x[i] = i % 7 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) r.nextGaussian();
    }
    int[] y = r.ints(rows).toArray();
    float[] w = null;
    if (weighted) {
      w = new float[rows];
      for (int i = 0; i < rows; i++) {
        w[i] = (float) r.nextDouble();
      }
    }
    return new DataBlock(1_000_000_007L, cols, x, y, w);
  }

  private static byte[] write(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  private static Object read(byte[] b) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return in.readObject();
    }
  }

  private static void assertSameBits(DataBlock a, DataBlock b) {
    assertEquals(a.firstIndex(), b.firstIndex());
    assertEquals(a.cols(), b.cols());
    assertArrayEquals(a.labels(), b.labels());
    assertEquals(a.features().length, b.features().length);
    for (int i = 0; i < a.features().length; i++) {
      assertEquals(Float.floatToRawIntBits(a.features()[i]),
          Float.floatToRawIntBits(b.features()[i]), "feature " + i);
    }
    if (a.weights() == null) {
      assertNull(b.weights());
    } else {
      assertArrayEquals(a.weights(), b.weights());
    }
  }

  @Test
  void roundTripKeepsEveryBitAcrossChunksWithAndWithoutWeights() throws Exception {
    // 30,001 rows of 7 values: many 64 KB chunks and a partial last one, for each array.
    for (boolean weighted : new boolean[] {false, true}) {
      DataBlock b = block(30_001, 7, weighted, weighted ? 2 : 1);
      byte[] bytes = write(b);
      assertSameBits(b, (DataBlock) read(bytes));
      long payload = 4L * b.features().length + 4L * b.rows() + (weighted ? 4L * b.rows() : 0);
      assertTrue(bytes.length - payload < 2_000 + payload / 1024 * 5,
          bytes.length + " bytes for a payload of " + payload);
    }
    DataBlock empty = new DataBlock(0, 3, new float[0], new int[0]);
    assertSameBits(empty, (DataBlock) read(write(empty)));
  }

  @Test
  void aShippedSliceArrivesAsTheSliceWouldWithoutCopyingFirst() throws Exception {
    DataBlock b = block(30_001, 7, true, 5);
    for (int[] r : new int[][] {{0, 30_001}, {0, 1}, {12_345, 29_999}, {30_001, 30_001}}) {
      DataBlock arrived = (DataBlock) read(write(b.shippedSlice(r[0], r[1], 77L + r[0])));
      assertSameBits(b.slice(r[0], r[1], 77L + r[0]), arrived);
    }
    assertThrows(IndexOutOfBoundsException.class, () -> b.shippedSlice(5, 30_002, 0));
  }

  @Test
  void sparksJavaSerializerRoundTripsItToo() {
    SerializerInstance s = new JavaSerializer(new SparkConf()).newInstance();
    DataBlock b = block(1000, 5, true, 3);
    assertSameBits(b, s.deserialize(s.serialize(b, ClassTag$.MODULE$.apply(DataBlock.class)),
        ClassTag$.MODULE$.apply(DataBlock.class)));
  }

  @Test
  void aCorruptHeaderIsRefusedBeforeAllocating() throws Exception {
    byte[] bytes = write(block(10, 3, false, 4));
    // The row count follows the first index and the column count in the wire form's header.
    String hex = java.util.HexFormat.of().formatHex(bytes);
    int header = hex.indexOf(String.format("%016x%08x%08x", 1_000_000_007L, 3, 10));
    assertTrue(header >= 0 && header % 2 == 0, "header not found");
    bytes[header / 2 + 12] = 0x7f;
    assertThrows(InvalidObjectException.class, () -> read(bytes));
  }
}
