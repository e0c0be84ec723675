package org.ssekit.examples.notifications;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One notification sent to one user.
 *
 * @param to the recipient (the routing key of the message)
 * @param from the sender
 * @param text what it says
 * @param at when it was sent
 */
public record Notification(String to, String from, String text, Instant at) {
  /** Checks the fields. */
  public Notification {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(at, "at");
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** The time of day in UTC, {@code HH:mm:ss}, as pages show it. */
  public String time() {
    return TIME.format(at);
  }
}
