package org.sparsevd.ml;

import java.io.Serializable;
import java.util.function.Consumer;
import scala.Function1;

/**
 * Validators for the parameters of this package, in the form Spark's {@code Param} takes.
 * They are serialisable: a Param, validator included, travels with its stage to executors.
 */
final class ParamChecks {
  private ParamChecks() {}

  /** A parser used only for its exceptions. */
  interface Parser extends Consumer<String>, Serializable {}

  private interface Check<T> extends Function1<T, Object>, Serializable {}

  /**
   * Accepts a text that {@code parser} parses. A text it rejects fails with the parser's own
   * message, which says what was expected, rather than Spark's generic "invalid value".
   */
  static Function1<String, Object> parses(String param, Parser parser) {
    return (Check<String>) s -> {
      if (s == null) {
        return false;
      }
      try {
        parser.accept(s);
        return true;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("parameter " + param + ": " + e.getMessage(), e);
      }
    };
  }

  /** Accepts an array whose every element is at least 1 (the empty array too). */
  static Function1<int[], Object> allPositive() {
    return (Check<int[]>) a -> a != null && java.util.Arrays.stream(a).allMatch(v -> v >= 1);
  }

  /** Accepts a path (any Hadoop path); "" turns the setting off. */
  static Function1<String, Object> path() {
    return (Check<String>) s -> s != null;
  }

  /** Accepts a column name; "" turns the column off. */
  static Function1<String, Object> columnName() {
    return (Check<String>) s -> s != null;
  }
}
