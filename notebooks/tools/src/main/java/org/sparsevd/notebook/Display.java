package org.sparsevd.notebook;

import java.util.Base64;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;

/**
 * Rich output from a notebook cell, statically imported in every session of {@link
 * JShellKernel}: {@code display(pngBytes)} shows a PNG inline (an image/png display bundle);
 * any other object is shown through the kernel's renderers (a {@code RenderedImage} as PNG,
 * anything else as text).
 */
public final class Display {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private Display() {}

  public static void display(Object value) {
    BaseKernel kernel = BaseKernel.notebookKernel();
    kernel.display(value instanceof byte[] bytes ? png(bytes) : kernel.getRenderer().render(value));
  }

  /** The display bundle of PNG bytes; other bytes are refused, not shown as a broken image. */
  static DisplayData png(byte[] bytes) {
    for (int i = 0; i < PNG_SIGNATURE.length; i++) {
      if (bytes.length <= i || bytes[i] != PNG_SIGNATURE[i]) {
        throw new IllegalArgumentException("display(byte[]): the " + bytes.length
            + " bytes are not a PNG image (no PNG signature)");
      }
    }
    DisplayData d = new DisplayData("PNG image, " + bytes.length + " bytes");
    d.putData(MIMEType.IMAGE_PNG, Base64.getEncoder().encodeToString(bytes));
    return d;
  }
}
