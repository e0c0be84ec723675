package org.ssekit.examples.microblog;

import java.util.Locale;
import java.util.Optional;

/** The reactions a reader can leave on a post. */
public enum Reaction {
  /** Thumbs up. */
  LIKE("\uD83D\uDC4D"),
  /** A heart. */
  LOVE("\u2764\uFE0F"),
  /** Laughing. */
  LAUGH("\uD83D\uDE02"),
  /** Fire. */
  FIRE("\uD83D\uDD25");

  private final String emoji;

  Reaction(String emoji) {
    this.emoji = emoji;
  }

  /** The emoji shown on the button. */
  public String emoji() {
    return emoji;
  }

  /** The lower-case name used in URLs, e.g. {@code like}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The reaction named {@code id} (case-insensitive), if there is one. */
  public static Optional<Reaction> parse(String id) {
    for (Reaction r : values()) {
      if (r.id().equalsIgnoreCase(id)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
