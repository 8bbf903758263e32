package org.sparsevd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md holds the keys of the jobs as generated tables, each between a pair of
 * marker comments; this test fails when a table differs from the keys in the code. Run it with
 * {@code -Dsparsevd.writeDocs=true} to rewrite the tables from the code instead.
 */
class ConfigurationDocTest {
  private static final Path DOC = Path.of("docs/configuration.md");
  private static final String WRITE_PROPERTY = "sparsevd.writeDocs";
  private static final String REGENERATE =
      "mvn -B test -Dtest=ConfigurationDocTest -D" + WRITE_PROPERTY + "=true";

  /** Section name (as in the markers) to the table the code renders. */
  private static Map<String, String> sections() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("JobConfig.KEYS", JobConfig.markdownTable());
    s.put("Compare.KEYS", JobConfig.markdownTable(Compare.KEYS));
    s.put("RetrainConfig.KEYS", JobConfig.markdownTable(RetrainConfig.KEYS));
    s.put("Score.KEYS", JobConfig.markdownTable(Score.KEYS));
    return s;
  }

  private static String begin(String name) {
    return "<!-- BEGIN GENERATED " + name + " -->\n";
  }

  private static String end(String name) {
    return "<!-- END GENERATED " + name + " -->";
  }

  @Test
  void theGeneratedTablesAreTheKeysOfTheCode() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    String updated = doc;
    for (Map.Entry<String, String> e : sections().entrySet()) {
      updated = replaceSection(updated, e.getKey(), e.getValue());
    }
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      if (!updated.equals(doc)) {
        Files.writeString(DOC, updated, StandardCharsets.UTF_8);
      }
      return;
    }
    for (Map.Entry<String, String> e : sections().entrySet()) {
      assertEquals(e.getValue(), section(doc, e.getKey()), DOC + ": the table of "
          + e.getKey() + " differs from the code; regenerate it with: " + REGENERATE);
    }
  }

  private static String section(String doc, String name) {
    int from = doc.indexOf(begin(name));
    int to = doc.indexOf(end(name));
    assertTrue(from >= 0 && to > from, DOC + " lacks the markers '" + begin(name).trim()
        + "' ... '" + end(name) + "', in that order, around the generated table of " + name);
    return doc.substring(from + begin(name).length(), to);
  }

  private static String replaceSection(String doc, String name, String table) {
    String old = section(doc, name);
    int from = doc.indexOf(begin(name)) + begin(name).length();
    return doc.substring(0, from) + table + doc.substring(from + old.length());
  }
}
