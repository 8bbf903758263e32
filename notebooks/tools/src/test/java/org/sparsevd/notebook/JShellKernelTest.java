package org.sparsevd.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JShellKernelTest {
  private static JShellKernel kernel;

  @BeforeAll
  static void start() {
    kernel = JShellKernel.create();
  }

  @AfterAll
  static void stop() {
    kernel.onShutdown(false);
  }

  @Test
  void cellsShareStateAndShowTheLastExpression() {
    assertNull(kernel.evalRaw("int x = 20;\nString s = \"a\";"));
    assertEquals("42", kernel.evalRaw("x += 1; x + 21"));
    assertEquals("\"JShellKernel\"", kernel.evalRaw(
        "org.sparsevd.notebook.JShellKernel.class.getSimpleName()"), "sees the classpath");
    assertNull(kernel.evalRaw("// only a comment\n"));
  }

  @Test
  void compileErrorsUndefinedNamesAndExceptionsFailTheCell() {
    JShellKernel.CellException e = assertThrows(JShellKernel.CellException.class,
        () -> kernel.evalRaw("int y = 1;\nint z = \"no\";"));
    assertTrue(e.getMessage().startsWith("does not compile:\nint z = \"no\";\nincompatible types"),
        e.getMessage());
    e = assertThrows(JShellKernel.CellException.class,
        () -> kernel.evalRaw("void f() { undefinedThing(); }"));
    assertTrue(e.getMessage().contains("refers to undefined method undefinedThing()"),
        e.getMessage());
    e = assertThrows(JShellKernel.CellException.class,
        () -> kernel.evalRaw("if (true) throw new IllegalStateException(\"boom\");\nint after = 1;"));
    assertEquals("java.lang.IllegalStateException: boom", e.getMessage());
    assertThrows(JShellKernel.CellException.class, () -> kernel.evalRaw("after"),
        "the cell stopped at the exception");
    e = assertThrows(JShellKernel.CellException.class, () -> kernel.evalRaw("int w = (1 + "));
    assertTrue(e.getMessage().startsWith("incomplete code"), e.getMessage());
  }

  @Test
  void pngBytesBecomeAnImageBundle() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
    DisplayData d = Display.png(png);
    assertEquals(Base64.getEncoder().encodeToString(png), d.getData(MIMEType.IMAGE_PNG));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Display.png(new byte[] {1, 2, 3}));
    assertEquals("display(byte[]): the 3 bytes are not a PNG image (no PNG signature)",
        e.getMessage());
    assertTrue(kernel.isComplete("int a = (1 +").isBlank());
    assertEquals(BaseKernel.IS_COMPLETE_YES, kernel.isComplete("int a = 1;"));
  }
}
