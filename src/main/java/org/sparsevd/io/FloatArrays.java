package org.sparsevd.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A checksummed container of named float arrays and a few long fields, used for parameters
 * and checkpoints. Layout, all little-endian:
 *
 * <pre>
 * magic    8 bytes  "SVDARR01"
 * nLongs   int32    then nLongs x int64 fields
 * nArrays  int32    then for each array: length int32, length x float32
 * sha256   32 bytes of everything before it
 * </pre>
 *
 * Reading checks the magic, every length against the bytes actually present (so no header
 * field can make it allocate more than the file holds) and the checksum.
 */
public final class FloatArrays {
  private static final byte[] MAGIC = "SVDARR01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int SHA_BYTES = 32;

  /** Decoded content. */
  public record Content(long[] longs, float[][] arrays) {}

  private FloatArrays() {}

  public static byte[] encode(long[] longs, float[]... arrays) {
    long size = MAGIC.length + 4 + 8L * longs.length + 4 + SHA_BYTES;
    for (float[] a : arrays) {
      size += 4 + 4L * a.length;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("arrays of " + size + " bytes do not fit one file");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(longs.length);
    for (long v : longs) {
      b.putLong(v);
    }
    b.putInt(arrays.length);
    for (float[] a : arrays) {
      b.putInt(a.length);
      b.asFloatBuffer().put(a);
      b.position(b.position() + 4 * a.length);
    }
    b.put(sha256(b.array(), b.position()));
    return b.array();
  }

  /**
   * @param source names the bytes in error messages
   * @throws IOException naming the source and what is wrong
   */
  public static Content decode(byte[] bytes, String source) throws IOException {
    if (bytes.length < MAGIC.length + 8 + SHA_BYTES
        || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new IOException(source + ": not a SparseVD array file (bad magic or too short, "
          + bytes.length + " bytes)");
    }
    int body = bytes.length - SHA_BYTES;
    byte[] expected = Arrays.copyOfRange(bytes, body, bytes.length);
    if (!MessageDigest.isEqual(expected, sha256(bytes, body))) {
      throw new IOException(source + ": checksum mismatch (file corrupted or truncated)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, body).order(ByteOrder.LITTLE_ENDIAN);
    b.position(MAGIC.length);
    int nLongs = count(b, 8, source, "long fields");
    long[] longs = new long[nLongs];
    for (int i = 0; i < nLongs; i++) {
      longs[i] = b.getLong();
    }
    int nArrays = count(b, 4, source, "arrays");
    float[][] arrays = new float[nArrays][];
    for (int i = 0; i < nArrays; i++) {
      int len = count(b, 4, source, "floats of array " + i);
      arrays[i] = new float[len];
      b.asFloatBuffer().get(arrays[i]);
      b.position(b.position() + 4 * len);
    }
    if (b.remaining() != 0) {
      throw new IOException(source + ": " + b.remaining() + " unexpected bytes after the arrays");
    }
    return new Content(longs, arrays);
  }

  /** Reads a count and checks that that many items of {@code itemBytes} remain. */
  private static int count(ByteBuffer b, int itemBytes, String source, String what)
      throws IOException {
    if (b.remaining() < 4) {
      throw new IOException(source + ": truncated before the count of " + what);
    }
    int n = b.getInt();
    if (n < 0 || (long) n * itemBytes > b.remaining()) {
      throw new IOException(source + ": header says " + n + " " + what + ", only "
          + b.remaining() + " bytes left");
    }
    return n;
  }

  /** SHA-256 of {@code bytes[0, length)}. */
  public static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  /** Hex SHA-256 of a whole byte array. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes, bytes.length));
  }
}
