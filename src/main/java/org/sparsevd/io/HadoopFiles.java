package org.sparsevd.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Whole-file reads and writes on Hadoop paths. A write goes to a hidden temporary file in
 * the same directory and is renamed into place only once complete, so a reader never sees a
 * half-written file under the final name (rename is atomic on local file systems and HDFS;
 * on object stores the completion marker of the output directory is what counts).
 */
public final class HadoopFiles {
  private HadoopFiles() {}

  /** Writes the bytes a writer produces to {@code target}, replacing any old file. */
  public static void writeAtomically(Path target, Configuration conf, BodyWriter body)
      throws IOException {
    FileSystem fs = target.getFileSystem(conf);
    Path tmp = new Path(target.getParent(), "._tmp-" + target.getName() + "-" + UUID.randomUUID());
    try {
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        body.write(out);
        out.hflush();
      }
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot replace " + target);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    } finally {
      if (fs.exists(tmp)) {
        fs.delete(tmp, false);
      }
    }
  }

  public static void writeString(Path target, Configuration conf, String text)
      throws IOException {
    writeAtomically(target, conf, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Reads a whole file, refusing files over {@code maxBytes} before allocating anything.
   */
  public static byte[] readAll(Path file, Configuration conf, long maxBytes) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    long len = fs.getFileStatus(file).getLen();
    if (len > maxBytes) {
      throw new IOException(file + ": " + len + " bytes, more than the " + maxBytes
          + " allowed for this kind of file");
    }
    try (InputStream in = fs.open(file)) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream((int) len);
      in.transferTo(buf);
      return buf.toByteArray();
    }
  }

  public static String readString(Path file, Configuration conf, long maxBytes)
      throws IOException {
    return new String(readAll(file, conf, maxBytes), StandardCharsets.UTF_8);
  }

  /** Produces the content of a file. */
  @FunctionalInterface
  public interface BodyWriter {
    void write(OutputStream out) throws IOException;
  }
}
