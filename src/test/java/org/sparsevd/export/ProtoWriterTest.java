package org.sparsevd.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The encodings worked through in the protocol buffers encoding guide, byte for byte. */
class ProtoWriterTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void varintsTakeSevenBitsPerByteLowGroupFirst() {
    assertArrayEquals(hex("08 96 01"), new ProtoWriter().varint(1, 150).toByteArray());
    assertArrayEquals(hex("08 00"), new ProtoWriter().varint(1, 0).toByteArray());
    // Negative int64 values are their two's complement: ten bytes.
    assertArrayEquals(hex("08 fe ff ff ff ff ff ff ff ff 01"),
        new ProtoWriter().varint(1, -2).toByteArray());
    // A field number above 15 needs a two-byte tag: (20 << 3) | 0 = 160.
    assertArrayEquals(hex("a0 01 02"), new ProtoWriter().varint(20, 2).toByteArray());
  }

  @Test
  void stringsMessagesAndPackedNumbersAreLengthDelimited() {
    assertArrayEquals(hex("12 07 74 65 73 74 69 6e 67"),
        new ProtoWriter().string(2, "testing").toByteArray());
    assertArrayEquals(hex("1a 03 08 96 01"),
        new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).toByteArray());
    assertArrayEquals(hex("22 06 03 8e 02 9e a7 05"),
        new ProtoWriter().packedInt64(4, new long[] {3, 270, 86942}).toByteArray());
    assertArrayEquals(hex("22 00"), new ProtoWriter().packedInt64(4, new long[0]).toByteArray());
  }

  @Test
  void fixedWidthValuesAreLittleEndian() {
    assertArrayEquals(hex("00 00 80 3f 00 00 00 c0"),
        ProtoWriter.littleEndian(new float[] {1f, -2f}));
    assertArrayEquals(hex("01 00 00 00 00 00 00 00 ff ff ff ff ff ff ff 7f"),
        ProtoWriter.littleEndian(new long[] {1, Long.MAX_VALUE}));
  }

  @Test
  void fieldNumbersOutsideTheValidRangeAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().varint(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().varint(1 << 29, 1));
  }
}
