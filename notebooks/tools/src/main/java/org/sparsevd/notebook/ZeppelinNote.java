package org.sparsevd.notebook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paragraphs of a Zeppelin note ({@code .zpln}, Zeppelin 0.9+ JSON): each paragraph's
 * text starts with an interpreter directive such as {@code %spark} or {@code %md}; without
 * one it belongs to the note's default interpreter group.
 */
public record ZeppelinNote(String name, List<Paragraph> paragraphs) {
  /** A directive line: {@code %name} or {@code %name(local properties)}. */
  private static final Pattern DIRECTIVE = Pattern.compile("\\s*%([\\w.]+)(\\([^)]*\\))?[ \\t]*\\n?");

  /**
   * @param number 1-based position in the note
   * @param interpreter e.g. {@code spark}, {@code spark.pyspark}, {@code md}
   * @param code the text after the directive
   */
  public record Paragraph(int number, String title, String interpreter, String code) {
    /** Scala run by Zeppelin's Spark interpreter: {@code %spark} or {@code %spark.spark}. */
    public boolean isSparkScala() {
      return interpreter.equals("spark") || interpreter.equals("spark.spark");
    }
  }

  public ZeppelinNote {
    paragraphs = List.copyOf(paragraphs);
  }

  public static ZeppelinNote read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** @param source names the note in error messages */
  public static ZeppelinNote parse(String json, String source) {
    JsonObject root;
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException(source + ": a Zeppelin note is a JSON object");
      }
      root = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
    }
    if (!root.has("paragraphs") || !root.get("paragraphs").isJsonArray()) {
      throw new IllegalArgumentException(source + ": no 'paragraphs' array");
    }
    String group = text(root, "defaultInterpreterGroup", "spark");
    List<Paragraph> out = new ArrayList<>();
    int number = 0;
    for (JsonElement p : root.getAsJsonArray("paragraphs")) {
      number++;
      if (!p.isJsonObject()) {
        throw new IllegalArgumentException(source + ": paragraph " + number
            + " is not a JSON object");
      }
      String body = text(p.getAsJsonObject(), "text", "");
      Matcher m = DIRECTIVE.matcher(body);
      boolean directed = m.lookingAt();
      String interpreter = directed ? m.group(1) : group;
      String code = directed ? body.substring(m.end()) : body;
      out.add(new Paragraph(number, text(p.getAsJsonObject(), "title", ""), interpreter,
          code));
    }
    return new ZeppelinNote(text(root, "name", source), out);
  }

  private static String text(JsonObject o, String field, String orElse) {
    JsonElement v = o.get(field);
    return v == null || v.isJsonNull() ? orElse : v.getAsString();
  }
}
