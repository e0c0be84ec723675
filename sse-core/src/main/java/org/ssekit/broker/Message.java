package org.ssekit.broker;

import org.ssekit.Event;
import org.ssekit.StreamAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One message on the broker SPI: an id (assigned by the history or the broker, absent before
 * that), payload bytes and string metadata. Immutable and thread-safe.
 *
 * <p>Metadata keys {@link #EVENT}, {@link #RETRY} and {@link #KEY} carry an event's type, its
 * reconnection time and the message's routing key; {@link #fromEvent} and {@link #toEvent} map
 * between the two shapes. {@link #toEvent} is computed once per message and cached, so the default
 * {@link StreamAdapter} hands the very same encoded {@link Event} to every stream.
 */
public final class Message {

  /** Metadata key of the event type. */
  public static final String EVENT = "sse-event";

  /** Metadata key of the reconnection time in milliseconds. */
  public static final String RETRY = "sse-retry";

  /** Metadata key of the routing key (see {@link StreamAdapter#routingKey(Message)}). */
  public static final String KEY = "sse-key";

  private static final byte[] EMPTY = new byte[0];

  private final @Nullable String id;
  private final byte[] payload;
  private final Map<String, String> metadata;
  private volatile @Nullable Event event;

  private Message(@Nullable String id, byte[] payload, Map<String, String> metadata) {
    this.id = id;
    this.payload = payload;
    this.metadata = metadata;
  }

  /** A message with a copy of {@code payload} and {@code metadata}, without an id. */
  public static Message of(byte[] payload, Map<String, String> metadata) {
    Objects.requireNonNull(payload, "payload");
    return new Message(null, payload.clone(), copy(metadata));
  }

  /** A message whose payload is {@code data} in UTF-8, without metadata or id. */
  public static Message of(String data) {
    return new Message(null, data.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /**
   * A message carrying {@code event}: data as payload, type and retry as metadata, the event's id
   * (if any) as the message id. An event without data gives an empty payload.
   */
  public static Message fromEvent(Event event) {
    String name = event.name().orElse(null);
    String retry = event.retry().map(r -> Long.toString(r.toMillis())).orElse(null);
    Map<String, String> meta;
    if (name == null) {
      meta = retry == null ? Map.of() : Map.of(RETRY, retry);
    } else if (retry == null) {
      meta = Map.of(EVENT, name);
    } else {
      Map<String, String> both = new LinkedHashMap<>(4);
      both.put(EVENT, name);
      both.put(RETRY, retry);
      meta = Collections.unmodifiableMap(both);
    }
    byte[] bytes = event.data().map(d -> d.getBytes(StandardCharsets.UTF_8)).orElse(EMPTY);
    Message m = new Message(event.id().orElse(null), bytes, meta);
    if (event.comment().isEmpty() && event.data().isPresent()) {
      m.event = event; // toEvent() would rebuild exactly this event: reuse its encoded form
    }
    return m;
  }

  /**
   * A copy of this message with {@code id} (null: none) that shares the payload and metadata and
   * caches no event: what a history keeps, one compact copy per entry. Package-private.
   */
  Message compact(@Nullable String id) {
    return new Message(id, payload, metadata);
  }

  /**
   * This message with {@code id}, keeping the payload and metadata.
   *
   * @throws IllegalArgumentException if the id contains NUL, CR or LF
   */
  public Message withId(String id) {
    Event.builder().id(id);
    return new Message(id, payload, metadata);
  }

  /** This message with one more metadata entry (replacing one of the same key). */
  public Message withMetadata(String key, String value) {
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    Message m = new Message(id, payload, Collections.unmodifiableMap(meta));
    if (!key.equals(EVENT) && !key.equals(RETRY)) {
      m.event = event; // the event does not depend on other metadata
    }
    return m;
  }

  /** The id, absent until a history or broker assigned one. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload length in bytes. */
  public int payloadLength() {
    return payload.length;
  }

  /** The payload decoded as UTF-8. */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** The metadata, unmodifiable. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The routing key from metadata {@link #KEY}, if set. */
  public Optional<String> key() {
    return Optional.ofNullable(metadata.get(KEY));
  }

  /**
   * This message as an event: id, type ({@link #EVENT}), retry ({@link #RETRY}) and the payload as
   * UTF-8 data. Computed once and cached.
   *
   * @throws IllegalArgumentException if the metadata holds an invalid type or retry
   */
  public Event toEvent() {
    Event e = event;
    if (e == null) {
      Event.Builder b = Event.builder().data(payloadAsString());
      if (id != null) {
        b.id(id);
      }
      String name = metadata.get(EVENT);
      if (name != null) {
        b.name(name);
      }
      String retry = metadata.get(RETRY);
      if (retry != null) {
        try {
          b.retry(Long.parseLong(retry));
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException("message metadata " + RETRY + " is not a number: " + retry);
        }
      }
      e = b.build();
      event = e;
    }
    return e;
  }

  private static Map<String, String> copy(Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    return metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Message)) {
      return false;
    }
    Message m = (Message) o;
    return Objects.equals(id, m.id) && Arrays.equals(payload, m.payload) && metadata.equals(m.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(payload), metadata);
  }

  @Override
  public String toString() {
    return "Message{id=" + id + ", " + payload.length + " bytes, metadata=" + metadata + "}";
  }
}
