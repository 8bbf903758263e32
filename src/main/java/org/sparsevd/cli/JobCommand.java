package org.sparsevd.cli;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparsevd.data.InvalidDataException;
import org.sparsevd.io.HadoopFiles;
import org.sparsevd.spark.data.InputFaults;

/**
 * The command line of every job: {@code [CONFIG] [ARG ...] [--key value ...] [--flag ...]}.
 * A job declares whether it takes a config file and which keys the file may hold, its
 * positional arguments, the keys it reads (settable as {@code --key value}) and its flags;
 * {@link #parse} turns the arguments into a {@link JobConfig}, {@link #help} lists exactly
 * those. An unknown key or flag, in the file or on the command line, is an error that names the
 * nearest known one (edit distance), so a typo never silently falls back to a default.
 *
 * <p>Our own parser rather than picocli: every job's settings are a table of keys
 * ({@link JobConfig.Key}) that a config file and the command line share, and the file needs the
 * same checks and suggestions as the command line. Picocli would declare each key a second
 * time as an option, still leave the file to us and its help would not be the key table; this
 * class is smaller than that glue and adds no dependency to the job jar.
 */
public final class JobCommand {
  /** Keys whose value names another file: in a config file, relative to that file. */
  private static final Set<String> NAMES_A_FILE = Set.of("train_config");

  /**
   * A flag: {@code --name}, no value.
   *
   * @param setsKey the key the flag sets to {@code true}; empty: the job reads the flag itself
   */
  public record Flag(String name, String help, String setsKey) {}

  private final String usage;
  private final List<JobConfig.Key> fileKeys;
  private final List<JobConfig.Key> positionals;
  private final int requiredPositionals;
  private final List<JobConfig.Key> keys;
  private final List<Flag> flags;

  private JobCommand(String usage, List<JobConfig.Key> fileKeys, List<JobConfig.Key> positionals,
                     int requiredPositionals, List<JobConfig.Key> keys, List<Flag> flags) {
    this.usage = usage;
    this.fileKeys = fileKeys;
    this.positionals = positionals;
    this.requiredPositionals = requiredPositionals;
    this.keys = keys;
    this.flags = flags;
  }

  /**
   * A job that starts from an optional config file.
   *
   * @param usage the usage line, e.g. {@code jobs/train.sh CONFIG [--key value ...] [--resume]}
   * @param fileKeys what the file may hold
   * @param keys what the job reads, settable as {@code --key value}; a subset of {@code fileKeys}
   *     or keys of their own
   */
  public static JobCommand withConfig(String usage, List<JobConfig.Key> fileKeys,
                                      List<JobConfig.Key> keys, Flag... flags) {
    return new JobCommand(usage, fileKeys, List.of(), 0, keys, List.of(flags));
  }

  /**
   * A job of positional arguments (the first {@code required} of them must be given, the others
   * have their key's default) and {@code --key value} options, without a config file.
   */
  public static JobCommand positional(String usage, int required,
                                      List<JobConfig.Key> positionals, List<JobConfig.Key> keys,
                                      Flag... flags) {
    if (required > positionals.size()) {
      throw new IllegalArgumentException(required + " of " + positionals.size()
          + " positional arguments required");
    }
    return new JobCommand(usage, null, positionals, required, keys, List.of(flags));
  }

  public String usage() {
    return "usage: " + usage;
  }

  /** The usage line, the arguments, the flags and the table of the keys the job reads. */
  public String help() {
    StringBuilder b = new StringBuilder(usage()).append("\n");
    if (!positionals.isEmpty()) {
      b.append("\narguments:\n");
      for (JobConfig.Key k : positionals) {
        b.append(line(k.name(), k.help() + (k.defaultValue().isEmpty() ? ""
            : " (default " + k.defaultValue() + ")")));
      }
    }
    if (!flags.isEmpty()) {
      b.append("\nflags:\n");
      flags.forEach(f -> b.append(line("--" + f.name(), f.help())));
    }
    if (!keys.isEmpty()) {
      b.append(fileKeys == null ? "\noptions (--key value):\n"
          : "\nkeys (in CONFIG, or --key value to override):\n");
      b.append(JobConfig.markdownTable(keys));
    }
    return b.toString();
  }

  /** Exit status of a job stopped by invalid input data (2 is a bad argument or config). */
  public static final int EXIT_INVALID_DATA = 3;

  /** A job's {@code main} body. */
  public interface MainBody {
    void run() throws Exception;
  }

  /**
   * Runs a job's {@code main} body and exits with {@link #status}'s status if it is not 0.
   */
  static void runMain(MainBody body) throws Exception {
    int status = status(body, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs a job's {@code main} body in this JVM. Invalid input data ({@link InputFaults}, also a
   * file Spark's reader cannot decode) ends it with its message, which names the file and the
   * row, on {@code err} (the job's stderr) as the last line and {@link #EXIT_INVALID_DATA}, not
   * with a stack trace; the body's own clean-up (stopping Spark) has run by then. Any other
   * failure is thrown.
   *
   * @return 0, or {@link #EXIT_INVALID_DATA}
   */
  public static int status(MainBody body, java.io.PrintStream err) throws Exception {
    try {
      body.run();
      return 0;
    } catch (Exception e) {
      Optional<InvalidDataException> invalid = InputFaults.of(e);
      if (invalid.isEmpty()) {
        throw e;
      }
      err.println("invalid data: " + invalid.get().getMessage());
      return EXIT_INVALID_DATA;
    }
  }

  /**
   * For a job's {@code main}: with {@code --help} prints {@link #help} and exits with 0; on a
   * bad argument prints why and the usage line and exits with 2; else the parsed arguments.
   */
  public JobConfig parseMain(String[] args) throws IOException {
    return parseMain(args, c -> { });
  }

  /**
   * As {@link #parseMain(String[])}, with the job's own check of the whole config (before it
   * starts Spark): a value it rejects exits with 2 and its message, as a bad argument does.
   */
  public JobConfig parseMain(String[] args, java.util.function.Consumer<JobConfig> check)
      throws IOException {
    if (List.of(args).contains("--help")) {
      System.out.print(help());
      System.exit(0);
    }
    try {
      JobConfig c = parse(args);
      check.accept(c);
      return c;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      throw e;
    }
  }

  /** The keys' defaults, then the config file (any Hadoop path) if any, then the arguments. */
  public JobConfig parse(String[] args) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    Stream.of(fileKeys == null ? List.<JobConfig.Key>of() : fileKeys, positionals, keys)
        .flatMap(List::stream).forEach(k -> values.putIfAbsent(k.name(), k.defaultValue()));
    int i = 0;
    if (fileKeys != null && args.length > 0 && !args[0].startsWith("--")) {
      readFile(args[0], values);
      i = 1;
    }
    Set<String> given = new LinkedHashSet<>();
    Map<String, String> commandLine = new LinkedHashMap<>();
    int positional = 0;
    for (; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        if (positional == positionals.size()) {
          throw new IllegalArgumentException("argument '" + a + "': expected "
              + (positionals.isEmpty() ? "--key value" : "at most " + positionals.size()
              + " arguments") + "\n" + usage());
        }
        values.put(positionals.get(positional++).name(), a);
        continue;
      }
      String name = a.substring(2);
      Flag flag = flags.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
      if (flag != null) {
        given.add(name);
        if (!flag.setsKey().isEmpty()) {
          values.put(flag.setsKey(), "true");
          commandLine.put(flag.setsKey(), "true");
        }
      } else if (keys.stream().anyMatch(k -> k.name().equals(name))) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value\n" + usage());
        }
        values.put(name, args[++i].trim());
        commandLine.put(name, values.get(name));
      } else {
        throw new IllegalArgumentException(unknownOnCommandLine(name));
      }
    }
    if (positional < requiredPositionals) {
      throw new IllegalArgumentException("expected " + requiredPositionals + " arguments ("
          + String.join(" ", positionals.subList(0, requiredPositionals).stream()
          .map(JobConfig.Key::name).toList()) + "), got " + positional + "\n" + usage());
    }
    return new JobConfig(values, given, commandLine);
  }

  private void readFile(String file, Map<String, String> values) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(HadoopFiles.readString(configPath(file), new Configuration(),
        1 << 20)));
    List<String> names = fileKeys.stream().map(JobConfig.Key::name).toList();
    for (String name : new TreeMap<>(p).keySet().stream().map(Object::toString).toList()) {
      if (!names.contains(name)) {
        throw new IllegalArgumentException(file + ": unknown key '" + name + "'"
            + didYouMean(name, names, ""));
      }
      String value = p.getProperty(name).trim();
      values.put(name, NAMES_A_FILE.contains(name) ? relativeTo(file, value) : value);
    }
  }

  /**
   * A config file's path: any Hadoop path; without a scheme, a local file, as spark-submit's own
   * files are (in a YARN or Kubernetes container, one shipped with {@code --files} sits in the
   * working directory, while the default file system is the cluster's).
   */
  static Path configPath(String file) {
    Path p = new Path(file);
    return p.toUri().getScheme() != null ? p
        : new Path("file", null, new java.io.File(file).getAbsolutePath());
  }

  /**
   * A path written in the config file {@code file}: relative ones are relative to the file's
   * folder (as in a Makefile or an include), so configs that name each other move together.
   */
  static String relativeTo(String file, String value) {
    Path p = new Path(value);
    if (value.isEmpty() || p.isAbsolute() || p.toUri().getScheme() != null
        || value.startsWith("~")) {
      return value;
    }
    Path parent = new Path(file).getParent();
    return parent == null ? value : new Path(parent, p).toString();
  }

  private String unknownOnCommandLine(String name) {
    if (fileKeys != null && fileKeys.stream().anyMatch(k -> k.name().equals(name))) {
      return "command line: this job does not read the key '" + name + "' (--help lists the "
          + "keys it reads)\n" + usage();
    }
    List<String> known = new ArrayList<>(keys.stream().map(JobConfig.Key::name).toList());
    flags.forEach(f -> known.add(f.name()));
    String suggestion = didYouMean(name, known, "--");
    boolean flagLike = flags.stream().anyMatch(f -> suggestion.contains("'--" + f.name() + "'"));
    return "command line: unknown " + (flagLike ? "flag" : "key") + " '" + name + "'"
        + suggestion + "\n" + usage();
  }

  /** "; did you mean 'x'?" for the nearest of {@code known}, if it is near enough. */
  static String didYouMean(String name, List<String> known, String prefix) {
    return known.stream().min(Comparator.comparingInt(k -> distance(name, k)))
        .filter(k -> distance(name, k) <= Math.max(2, name.length() / 2))
        .map(k -> "; did you mean '" + prefix + k + "'?").orElse("");
  }

  /** Levenshtein distance: insertions, deletions and substitutions of one character. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int same = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(prev[j - 1] + same, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String line(String name, String help) {
    return String.format("  %-16s %s%n", name, help);
  }
}
