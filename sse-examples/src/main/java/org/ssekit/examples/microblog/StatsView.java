package org.ssekit.examples.microblog;

import java.util.Objects;

/**
 * What the stats fragment template renders: the counters, and which one just changed (it gets
 * the highlight animation).
 *
 * @param stats the counters
 * @param changed {@code "views"}, a {@link Reaction#id()}, or {@code ""} when nothing is new
 */
public record StatsView(PostStats stats, String changed) {

  /** Counter name of the views. */
  public static final String VIEWS = "views";

  /** Checks the fields. */
  public StatsView {
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(changed, "changed");
  }

  /** The view of {@code stats} with nothing highlighted. */
  public static StatsView of(PostStats stats) {
    return new StatsView(stats, "");
  }

  /** The CSS classes of the counter called {@code counter}: it bumps when it just changed. */
  public String classes(String counter) {
    return counter.equals(changed) ? "counter bump" : "counter";
  }
}
