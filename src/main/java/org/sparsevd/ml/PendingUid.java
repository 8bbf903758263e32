package org.sparsevd.ml;

/**
 * The uid of a Spark ML stage while its Spark superclass is being constructed.
 *
 * <p>Spark's parameter traits create their Params ({@code featuresCol}, ...) in the
 * superclass constructor, and each Param records {@code parent.uid()} at that moment. A Java
 * subclass's fields are not assigned yet then, so {@code uid()} would return null and every
 * inherited Param would belong to "null". A stage's constructor therefore parks its uid here
 * before calling its superclass constructor, and {@code uid()} falls back to the parked value
 * until the field is set.
 */
final class PendingUid {
  private static final ThreadLocal<String> PARKED = new ThreadLocal<>();

  /** A token proving a uid is parked: the argument of the private constructor. */
  static final class Token {
    private Token() {}
  }

  private PendingUid() {}

  static Token park(String uid) {
    if (uid == null || uid.isBlank()) {
      throw new IllegalArgumentException("uid must be a non-blank string, got '" + uid + "'");
    }
    PARKED.set(uid);
    return new Token();
  }

  /** The uid being constructed on this thread. */
  static String parked() {
    return PARKED.get();
  }

  /** Ends construction: returns the parked uid and clears it. */
  static String take(Token token) {
    String uid = PARKED.get();
    PARKED.remove();
    return uid;
  }
}
