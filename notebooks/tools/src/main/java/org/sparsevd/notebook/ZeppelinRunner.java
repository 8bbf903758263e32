package org.sparsevd.notebook;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * Runs the Scala paragraphs of Zeppelin notes without Zeppelin: {@code ZeppelinRunner
 * NOTE.zpln ...}. Like Zeppelin's {@code %spark} interpreter it compiles each paragraph in
 * the Scala interpreter (class-based wrappers, classes written to a directory the Spark
 * executors load from) with {@code spark} and {@code sc} already bound; paragraphs of other
 * interpreters ({@code %md}, ...) are listed and skipped. Exits with status 1 at the first
 * paragraph that does not compile or throws, naming it.
 */
public final class ZeppelinRunner implements AutoCloseable {
  /** Longer output lines (e.g. {@code %html} with an embedded image) are cut in the log. */
  static final int MAX_LINE = 400;
  private final IMain repl;
  private final Path classDir;

  /** An interpreter compiling against this JVM's classpath. */
  ZeppelinRunner(PrintWriter out) throws java.io.IOException {
    classDir = Files.createTempDirectory("repl-classes");
    Settings settings = new Settings();
    settings.processArgumentString("-usejavacp -Yrepl-class-based -Yrepl-outdir " + classDir);
    repl = new IMain(settings, new ReplReporterImpl(settings, out));
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ZeppelinRunner NOTE.zpln ...");
    }
    PrintStream stdout = new PrintStream(new LineCutter(System.out, MAX_LINE), true);
    System.setOut(stdout);
    boolean ok;
    try (ZeppelinRunner runner = new ZeppelinRunner(new PrintWriter(stdout, true))) {
      ok = runner.startSpark(stdout);
      for (int i = 0; ok && i < args.length; i++) {
        ok = runner.run(ZeppelinNote.read(Path.of(args[i])), stdout);
      }
    }
    System.exit(ok ? 0 : 1);
  }

  /**
   * Binds {@code spark} and {@code sc} as Zeppelin does; the master and other settings come
   * from {@code spark.*} system properties, {@code local[*]} when none is set. Both are
   * transient, as in spark-shell: closures capture the interpreter's wrapper objects, which
   * must serialise without the session.
   */
  boolean startSpark(PrintStream log) {
    if (System.getProperty("spark.master") == null) {
      System.setProperty("spark.master", "local[*]");
    }
    return interpret("spark session", """
        @transient val spark = org.apache.spark.sql.SparkSession.builder()
          .appName("zeppelin-note").config("spark.repl.class.outputDir", "%s").getOrCreate()
        @transient val sc = spark.sparkContext
        import spark.implicits._
        """.formatted(classDir.toString().replace("\\", "\\\\")), log);
  }

  /** Runs the note's Scala paragraphs in order; false at the first that fails. */
  boolean run(ZeppelinNote note, PrintStream log) {
    log.printf(Locale.ROOT, "note %s: %d paragraphs%n", note.name(), note.paragraphs().size());
    for (ZeppelinNote.Paragraph p : note.paragraphs()) {
      String name = "paragraph " + p.number() + (p.title().isEmpty() ? "" : " '" + p.title() + "'");
      if (!p.isSparkScala()) {
        log.printf("%s: %%%s, skipped%n", name, p.interpreter());
      } else if (!p.code().isBlank() && !interpret(name, p.code(), log)) {
        log.printf("note %s FAILED at %s%n", note.name(), name);
        return false;
      }
    }
    log.printf("note %s: every Scala paragraph ran%n", note.name());
    return true;
  }

  private boolean interpret(String name, String code, PrintStream log) {
    log.printf("---- %s%n", name);
    long start = System.nanoTime();
    // Scala's println writes to Console.out, fixed when Console was first used: point it here.
    Results.Result r = scala.Console$.MODULE$.withOut(log, () -> repl.interpret(code));
    boolean ok = r instanceof Results.Success$;
    log.printf(Locale.ROOT, "---- %s: %s in %.1f s%n", name,
        ok ? "ok" : r instanceof Results.Incomplete$ ? "INCOMPLETE CODE" : "ERROR",
        (System.nanoTime() - start) / 1e9);
    return ok;
  }

  @Override
  public void close() throws java.io.IOException {
    repl.close();
    try (var files = Files.walk(classDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
