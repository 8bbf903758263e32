package org.sparsevd.notebook;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes output through, cutting each line after {@code max} bytes and saying how much it cut. */
final class LineCutter extends FilterOutputStream {
  private final int max;
  private long column;

  LineCutter(OutputStream out, int max) {
    super(out);
    this.max = max;
  }

  @Override
  public void write(int b) throws IOException {
    if (b == '\n') {
      if (column > max) {
        out.write((" ... (" + (column - max) + " more bytes)").getBytes(
            java.nio.charset.StandardCharsets.US_ASCII));
      }
      column = 0;
      out.write(b);
    } else if (column++ < max) {
      out.write(b);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }
}
