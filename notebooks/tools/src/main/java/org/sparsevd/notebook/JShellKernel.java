package org.sparsevd.notebook;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;

/**
 * A Jupyter kernel for Java: {@code JShellKernel CONNECTION_FILE}. Each cell runs in one JShell
 * whose code executes in this JVM ("local" execution), so cells see this JVM's classpath and
 * objects, including the kernel itself for {@link Display#display}. A cell is split into
 * snippets; the first snippet that does not compile, names something undefined or throws
 * ends the cell with an error (so {@code jupyter nbconvert --execute} fails), and the value
 * of a last expression is the cell's result.
 */
public final class JShellKernel extends BaseKernel {
  private final JShell shell;

  private JShellKernel(JShell shell) {
    super("sparsevd-jshell", "1", new LanguageInfo.Builder("java")
            .version(Runtime.version().toString()).mimetype("text/x-java-source")
            .fileExtension(".jshell").pygments("java").codemirror("text/x-java").build(),
        List.of(), null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(),
        new Renderer(), null, new MagicsRegistry(), false, new StringStyler.Builder().build());
    this.shell = shell;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
      throw new IllegalArgumentException("usage: JShellKernel CONNECTION_FILE (a Jupyter "
          + "connection file), got " + List.of(args));
    }
    JShellKernel kernel = create();
    kernel.onStartup();
    JupyterConnection connection = new JupyterConnection(
        KernelConnectionProperties.parse(Files.readString(Path.of(args[0]))));
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
    kernel.shell.close();
  }

  /** A kernel whose JShell compiles against this JVM's classpath. */
  static JShellKernel create() {
    JShell shell = JShell.builder().executionEngine("local").build();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        shell.addToClasspath(entry);
      }
    }
    JShellKernel kernel = new JShellKernel(shell);
    kernel.evalRaw("import static " + Display.class.getName() + ".display;");
    return kernel;
  }

  /** Runs a cell; returns the text of its last expression's value, or null. */
  @Override
  public Object evalRaw(String cell) {
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String rest = cell;
    String value = null;
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        break;
      }
      if (!info.completeness().isComplete()) {
        throw new CellException("incomplete code at the end of the cell: " + rest.strip());
      }
      value = run(info.source());
      rest = info.remaining();
    }
    return value;
  }

  private String run(String snippet) {
    String value = null;
    for (SnippetEvent e : shell.eval(snippet)) {
      if (e.causeSnippet() != null) {
        continue;
      }
      Snippet s = e.snippet();
      if (e.status() == Snippet.Status.REJECTED) {
        throw new CellException("does not compile:\n" + snippet.strip() + "\n"
            + shell.diagnostics(s).map(d -> d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n")));
      }
      if (s instanceof DeclarationSnippet d && shell.unresolvedDependencies(d).count() > 0) {
        throw new CellException(snippet.strip() + "\nrefers to undefined "
            + shell.unresolvedDependencies(d).collect(Collectors.joining(", ")));
      }
      if (e.exception() != null) {
        throw CellException.thrownBy(e.exception());
      }
      boolean expression = s.kind() == Snippet.Kind.EXPRESSION
          || s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
      value = expression ? e.value() : null;
    }
    return value;
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    List<SourceCodeAnalysis.Documentation> docs =
        shell.sourceCodeAnalysis().documentation(code, at, extraDetail);
    return docs.isEmpty() ? null : new DisplayData(docs.stream()
        .map(SourceCodeAnalysis.Documentation::signature).collect(Collectors.joining("\n")));
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor)
        .stream().map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
    return new ReplacementOptions(options, anchor[0], at);
  }

  @Override
  public String isComplete(String code) {
    return switch (shell.sourceCodeAnalysis().analyzeCompletion(code).completeness()) {
      case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
      case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "    ";
      case UNKNOWN -> IS_COMPLETE_BAD;
    };
  }

  /** A cell that failed: the message says why, the stack trace is the cell code's own. */
  static final class CellException extends RuntimeException {
    CellException(String message) {
      super(message, null, false, true);
    }

    static CellException thrownBy(jdk.jshell.JShellException e) {
      String type = e instanceof EvalException ee ? ee.getExceptionClassName() : "exception";
      CellException c = new CellException(type + ": " + e.getMessage());
      c.setStackTrace(e.getStackTrace());
      if (e.getCause() != null) {
        c.initCause(e.getCause());
      }
      return c;
    }
  }
}
