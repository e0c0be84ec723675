package org.ssekit.mercure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ssekit.broker.Message;

/**
 * How a Mercure update travels on the ssekit broker: one {@link Message} whose id is the update's
 * id, whose payload is its data, and whose metadata carries its topics (joined by LF, which no
 * topic may contain), its privacy, its SSE type and retry. Stateless.
 */
final class Updates {

  /** Metadata key of the topics, canonical first, joined by LF. */
  static final String TOPICS = "mercure-topics";

  /** Metadata key present (value {@code 1}) on private updates. */
  static final String PRIVATE = "mercure-private";

  /**
   * Metadata key of the update's id, which subscribers see: most brokers keep a message's own id,
   * but one that numbers its log itself (PostgreSQL) replaces it.
   */
  static final String ID = "mercure-id";

  /** Metadata key present on subscription events; its value is the profile name. */
  static final String PRESENCE = "mercure-presence";

  private Updates() {}

  static Message toMessage(
      String id,
      List<String> topics,
      String data,
      boolean isPrivate,
      @org.jspecify.annotations.Nullable String type,
      @org.jspecify.annotations.Nullable Long retry,
      @org.jspecify.annotations.Nullable String presenceProfile) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(TOPICS, String.join("\n", topics));
    meta.put(ID, id);
    if (isPrivate) {
      meta.put(PRIVATE, "1");
    }
    if (type != null && !type.isEmpty()) {
      meta.put(Message.EVENT, type);
    }
    if (retry != null) {
      meta.put(Message.RETRY, Long.toString(retry));
    }
    if (presenceProfile != null) {
      meta.put(PRESENCE, presenceProfile);
    }
    return Message.of(data.getBytes(StandardCharsets.UTF_8), meta).withId(id);
  }

  /** The topics of {@code m}; empty for a message that is not a Mercure update. */
  static List<String> topics(Message m) {
    String t = m.metadata().get(TOPICS);
    if (t == null || t.isEmpty()) {
      return List.of();
    }
    int nl = t.indexOf('\n');
    if (nl < 0) {
      return List.of(t);
    }
    List<String> out = new ArrayList<>(4);
    int from = 0;
    while (nl >= 0) {
      out.add(t.substring(from, nl));
      from = nl + 1;
      nl = t.indexOf('\n', from);
    }
    out.add(t.substring(from));
    return out;
  }

  /** The update's id as subscribers see it. */
  static @org.jspecify.annotations.Nullable String id(Message m) {
    String id = m.metadata().get(ID);
    return id != null ? id : m.id().orElse(null);
  }

  static boolean isPrivate(Message m) {
    return m.metadata().containsKey(PRIVATE);
  }
}
