package org.ssekit.examples.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One audit record: who did what to what, and when.
 *
 * @param at when it was recorded
 * @param actor who did it
 * @param action what they did
 * @param target what they did it to
 */
public record AuditRecord(Instant at, String actor, String action, String target) {
  /** Checks the fields. */
  public AuditRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(target, "target");
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** The time of day in UTC, {@code HH:mm:ss}, as pages show it. */
  public String time() {
    return TIME.format(at);
  }
}
