package org.sparsevd.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Whole-file reads and writes on Hadoop paths, such that a reader never sees a half-written
 * file under the final name. How depends on one rule, {@link #writesObjectsWhole}:
 *
 * <ul>
 *   <li>A file system whose output streams are abortable
 *       ({@link CommonPathCapabilities#ABORTABLE_STREAM}, declared by S3A) is an object store:
 *       an object becomes visible only whole, when its stream is closed, and an aborted stream
 *       creates nothing. There rename is a copy and a delete, neither atomic nor cheap, so the
 *       target is written directly; if the body fails, the stream is aborted instead of closed,
 *       so no partial object appears (closing it would upload what was written so far).
 *   <li>Any other file system (local, HDFS) gets a hidden temporary file in the same directory,
 *       renamed into place once complete: rename is atomic there.
 * </ul>
 */
public final class HadoopFiles {
  private HadoopFiles() {}

  /**
   * Writes the bytes a writer produces to {@code target}, replacing any old file: a reader
   * sees the old file (or none) until the new one is complete.
   */
  public static void writeAtomically(Path target, Configuration conf, BodyWriter body)
      throws IOException {
    FileSystem fs = target.getFileSystem(conf);
    if (writesObjectsWhole(fs, target)) {
      writeObject(fs, target, body);
      return;
    }
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

  /**
   * Whether {@code path} is on an object store whose writes appear whole on close and can be
   * abandoned: the file system declares {@link CommonPathCapabilities#ABORTABLE_STREAM} for it.
   */
  public static boolean writesObjectsWhole(FileSystem fs, Path path) throws IOException {
    return fs.hasPathCapability(path, CommonPathCapabilities.ABORTABLE_STREAM);
  }

  /** Writes the object in one stream; a failing body aborts the upload. */
  private static void writeObject(FileSystem fs, Path target, BodyWriter body)
      throws IOException {
    FSDataOutputStream out = fs.create(target, true);
    try {
      body.write(out);
    } catch (IOException | RuntimeException | Error e) {
      try {
        out.abort();
      } catch (RuntimeException abortFailed) {
        e.addSuppressed(abortFailed);
      }
      throw e;
    }
    out.close();
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
