package org.ssekit.internal.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks every broker builder and {@code EventLog} implementation makes, with one
 * wording. Each throws {@link IllegalArgumentException} (or {@link NullPointerException} for a
 * null) naming the option and the value.
 *
 * <p>Internal: not API (see the package description).
 */
public final class Checks {

  private Checks() {}

  /**
   * {@code d} if it is positive (at least one millisecond, which every broker's timers need).
   *
   * @param what the option's name, e.g. {@code "timeout"}
   */
  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(what + " must be at least 1 ms: " + d);
    }
    return d;
  }

  /** Checks a reconnect backoff pair: both positive, {@code initial <= max}. */
  public static void backoff(Duration initial, Duration max) {
    positive(initial, "reconnectBackoff initial");
    positive(max, "reconnectBackoff max");
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "reconnectBackoff needs initial <= max: initial " + initial + ", max " + max);
    }
  }

  /** Checks a history bound pair: at least one message, an age of at least one millisecond. */
  public static void history(int maxEvents, Duration maxAge) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("history maxEvents must be positive: " + maxEvents);
    }
    positive(maxAge, "history maxAge");
  }

  /**
   * Checks a history bound triple: at least one message, at least one byte, an age of at least one
   * millisecond.
   */
  public static void history(int maxEvents, long maxBytes, Duration maxAge) {
    history(maxEvents, maxAge);
    if (maxBytes < 1) {
      throw new IllegalArgumentException("history maxBytes must be positive: " + maxBytes);
    }
  }

  /**
   * The refusal of a publisher's {@code id} that has the form of the ids the log assigns (so it
   * could stand for another message of the history), with one wording for every broker.
   *
   * @param form the form of the assigned ids, e.g. {@code "<run>-<sequence>"}
   */
  public static IllegalArgumentException aliasingId(String id, String form) {
    return new IllegalArgumentException(
        "message id " + id + " has the form of the ids this history assigns (" + form
            + "); it could stand for another message of the history: give the message another id, or none");
  }

  /** The arguments of {@code EventLog.readAfter}: non-null topic and id, a limit of at least 0. */
  public static void readAfter(String topic, String lastEventId, int limit) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(lastEventId, "lastEventId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
  }

  /** {@code d} in nanoseconds, saturated at {@link Long#MAX_VALUE}. */
  public static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
