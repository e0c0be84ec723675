package org.ssekit.mercure;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a verified token allows (or nothing, for an anonymous client): the selectors it may publish
 * to, those whose private updates it may receive (each with the payload attached to subscriptions
 * it matches), and when it expires. Immutable.
 *
 * @param publish selectors every topic of a published update must match one of
 * @param subscribe selectors one topic of a private update must match for it to be received
 * @param payloads the payload of each {@code subscribe} selector (same index; null for none)
 * @param payload the token-wide payload of the released protocol ({@code mercure.payload})
 * @param expires the token's {@code exp}, if any
 * @param subject the token's {@code sub}, if any
 */
record Grants(
    List<Selector> publish,
    List<Selector> subscribe,
    List<@Nullable JsonNode> payloads,
    @Nullable JsonNode payload,
    @Nullable Instant expires,
    @Nullable String subject) {

  /** An anonymous client: no rights. */
  static final Grants ANONYMOUS = new Grants(List.of(), List.of(), List.of(), null, null, null);

  Grants {
    publish = List.copyOf(publish);
    subscribe = List.copyOf(subscribe);
    payloads = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(payloads));
    if (payloads.size() != subscribe.size()) {
      throw new IllegalArgumentException("one payload slot per subscribe selector");
    }
  }

  /** Whether every one of {@code topics} matches a publish selector. */
  boolean canPublish(List<String> topics) {
    if (topics.isEmpty()) {
      return false;
    }
    for (String t : topics) {
      boolean ok = false;
      for (Selector s : publish) {
        if (s.matches(t)) {
          ok = true;
          break;
        }
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether a private update of {@code topics} may be received: one topic matches a selector. */
  boolean canReceive(List<String> topics) {
    return Selector.anyMatches(subscribe, topics);
  }

  /**
   * The payload of a subscription whose own selector is {@code subscription}: that of the first
   * subscribe selector matching the subscription's string, else the token-wide one.
   */
  Optional<JsonNode> payloadFor(String subscription) {
    for (int i = 0; i < subscribe.size(); i++) {
      if (payloads.get(i) != null && subscribe.get(i).matches(subscription)) {
        return Optional.ofNullable(payloads.get(i));
      }
    }
    return Optional.ofNullable(payload);
  }
}
