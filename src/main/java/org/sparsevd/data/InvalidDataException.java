package org.sparsevd.data;

/**
 * Input data that cannot be used: a malformed file, a label out of range, a non-finite
 * feature. The message names the source (a file or data set) and, where there is one, the row,
 * so that a user can find the offending record without a debugger.
 *
 * <p>It is unchecked because the caller can rarely recover beyond reporting it; plain I/O
 * failures (a missing file, a broken connection) stay {@link java.io.IOException}s.
 */
public final class InvalidDataException extends IllegalArgumentException {

  /**
   * @param message what is wrong and where, e.g.
   *     {@code "train.idx row 17: label 12 outside [0, 10)"}
   */
  public InvalidDataException(String message) {
    super(message);
  }
}
