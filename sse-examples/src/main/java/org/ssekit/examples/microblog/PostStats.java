package org.ssekit.examples.microblog;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one post's counters.
 *
 * @param postId the post
 * @param views how often the post page was opened
 * @param reactions how often each reaction was clicked (every reaction is present)
 */
public record PostStats(long postId, long views, Map<Reaction, Long> reactions) {

  /** Copies the map and fills in missing reactions with 0. */
  public PostStats {
    Objects.requireNonNull(reactions, "reactions");
    EnumMap<Reaction, Long> copy = new EnumMap<>(Reaction.class);
    for (Reaction r : Reaction.values()) {
      copy.put(r, reactions.getOrDefault(r, 0L));
    }
    reactions = Collections.unmodifiableMap(copy);
  }

  /** How often {@code reaction} was clicked. */
  public long count(Reaction reaction) {
    return reactions.get(reaction);
  }
}
