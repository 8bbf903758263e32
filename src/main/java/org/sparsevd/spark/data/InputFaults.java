package org.sparsevd.spark.data;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkThrowable;
import org.sparsevd.data.InvalidDataException;

/**
 * Tells, from the failure of a Spark job that read the input, whether the input was invalid.
 * Two kinds are: our own {@link InvalidDataException}, thrown in an executor and wrapped by
 * Spark on its way to the driver; and a file Spark's own reader could not decode (a Parquet
 * file without its footer or with a corrupt page, a gzip stream cut short), which Spark reports
 * as {@code FAILED_READ_FILE} with the file's path. A file that is missing, unreadable for its
 * permissions or behind a failed connection is not invalid data: it stays the I/O failure it is.
 */
public final class InputFaults {
  private InputFaults() {}

  /**
   * @return the invalid-data fault in {@code e}'s cause chain, with its own message (naming the
   *     file and, for a row fault, the row) and {@code e} as its cause; empty if there is none
   */
  public static Optional<InvalidDataException> of(Throwable e) {
    String path = null;
    Throwable detail = null;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof InvalidDataException invalid) {
        return Optional.of(withCause(invalid.getMessage(), e));
      }
      if (c instanceof FileNotFoundException || c instanceof AccessDeniedException
          || c.getClass().getName().startsWith("java.net.")) {
        return Optional.empty();
      }
      if (c instanceof SparkThrowable s) {
        if (path == null && s.getCondition() != null
            && s.getCondition().startsWith("FAILED_READ_FILE")) {
          path = s.getMessageParameters().get("path");
        }
      } else if (path != null && detail == null) {
        // The reader's own exception, below Spark's wrappers: what it could not decode.
        detail = c;
      }
    }
    if (path == null || detail == null) {
      return Optional.empty();
    }
    return Optional.of(withCause(new Path(java.net.URI.create(path)) + ": cannot be read: "
        + detail.getMessage() + " (" + detail.getClass().getSimpleName() + ")", e));
  }

  private static InvalidDataException withCause(String message, Throwable cause) {
    InvalidDataException out = new InvalidDataException(message);
    out.initCause(cause);
    return out;
  }
}
