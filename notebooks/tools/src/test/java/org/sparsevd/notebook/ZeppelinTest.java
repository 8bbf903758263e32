package org.sparsevd.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Paragraph extraction, and the runner on plain Scala (the Spark session is left out). */
class ZeppelinTest {
  private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  private static final PrintStream OUT = new PrintStream(LOG, true, StandardCharsets.UTF_8);
  private static ZeppelinRunner runner;

  @BeforeAll
  static void start() throws Exception {
    runner = new ZeppelinRunner(new PrintWriter(OUT, true));
  }

  @AfterAll
  static void stop() throws Exception {
    runner.close();
  }

  private static String note(String... texts) {
    com.google.gson.JsonObject note = new com.google.gson.JsonObject();
    note.addProperty("name", "n");
    com.google.gson.JsonArray paragraphs = new com.google.gson.JsonArray();
    for (int i = 0; i < texts.length; i++) {
      com.google.gson.JsonObject p = new com.google.gson.JsonObject();
      p.addProperty("title", "t" + (i + 1));
      p.addProperty("text", texts[i]);
      paragraphs.add(p);
    }
    note.add("paragraphs", paragraphs);
    return note.toString();
  }

  @Test
  void paragraphsKeepTheirInterpreterAndCode() {
    ZeppelinNote n = ZeppelinNote.parse(note("%md\n# Title", "%spark\nval a = 1\n",
        "val b = 2", "%spark(pool=x) val c = 3", "%spark.pyspark\nprint(1)", ""), "n.zpln");
    assertEquals(List.of("md", "spark", "spark", "spark", "spark.pyspark", "spark"),
        n.paragraphs().stream().map(ZeppelinNote.Paragraph::interpreter).toList());
    assertEquals("val a = 1\n", n.paragraphs().get(1).code());
    assertEquals("val b = 2", n.paragraphs().get(2).code());
    assertEquals("val c = 3", n.paragraphs().get(3).code());
    assertEquals(List.of(false, true, true, true, false, true),
        n.paragraphs().stream().map(ZeppelinNote.Paragraph::isSparkScala).toList());
    assertEquals("n.zpln: no 'paragraphs' array", assertThrows(IllegalArgumentException.class,
        () -> ZeppelinNote.parse("{\"name\": 1}", "n.zpln")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ZeppelinNote.parse("{\"paragraphs\": [", "n.zpln")).getMessage()
        .startsWith("n.zpln: not valid JSON"));
  }

  @Test
  void runsScalaParagraphsAndStopsAtTheFirstFailure() {
    LOG.reset();
    assertTrue(runner.run(ZeppelinNote.parse(note("%md skipped", "%spark\nval x = 40\n",
        "println(\"answer \" + (x + 2))"), "ok.zpln"), OUT));
    String log = LOG.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("answer 42"), log);
    assertTrue(log.contains("paragraph 1 't1': %md, skipped"), log);

    LOG.reset();
    assertFalse(runner.run(ZeppelinNote.parse(note("val y: Int = \"no\"", "println(\"never\")"),
        "bad.zpln"), OUT));
    log = LOG.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("type mismatch"), log);
    assertTrue(log.contains("FAILED at paragraph 1 't1'"), log);
    assertFalse(log.contains("never"), log);

    LOG.reset();
    assertFalse(runner.run(ZeppelinNote.parse(note(
        "throw new IllegalStateException(\"boom\")"), "throws.zpln"), OUT));
    log = LOG.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("java.lang.IllegalStateException: boom"), log);
  }

  @Test
  void longLinesAreCut() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (LineCutter c = new LineCutter(buf, 5)) {
      c.write("abc\n0123456789\nxy".getBytes(StandardCharsets.US_ASCII));
    }
    assertEquals("abc\n01234 ... (5 more bytes)\nxy", buf.toString(StandardCharsets.US_ASCII));
  }
}
