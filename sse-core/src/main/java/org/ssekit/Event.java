package org.ssekit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One server-sent event: an immutable value with an optional id, name (event type), data, retry
 * and comment.
 *
 * <p>Construction validates every field so that nothing a browser parses can differ from what was
 * meant: an id must not contain NUL, CR or LF, a name must not contain CR or LF (either would let
 * a value inject further fields), and a retry must not be negative. Data and comments may contain
 * any character; CR, LF and CRLF in them become separate {@code data:} (or comment) lines, which a
 * client joins back with LF.
 *
 * <p>The wire form (UTF-8 bytes ending in a blank line) is computed once, at construction, and
 * shared by every stream the event is sent to. Instances are thread-safe.
 */
public final class Event {

  private final @Nullable String id;
  private final @Nullable String name;
  private final @Nullable String data;
  private final @Nullable String comment;
  private final long retryMillis;
  private final byte[] wire;

  private Event(Builder b) {
    this.id = b.id;
    this.name = b.name;
    this.data = b.data;
    this.comment = b.comment;
    this.retryMillis = b.retryMillis;
    this.wire = Wire.encode(id, name, data, comment, retryMillis);
  }

  /** An unnamed event (type {@code message}) carrying {@code data}. */
  public static Event of(String data) {
    return builder().data(data).build();
  }

  /** An event of type {@code name} carrying {@code data}. */
  public static Event of(String name, String data) {
    return builder().name(name).data(data).build();
  }

  /**
   * A comment line; clients ignore it. Useful as a keep-alive. A comment with line breaks is
   * written as several comment lines.
   */
  public static Event comment(String comment) {
    return builder().comment(comment).build();
  }

  /** A builder for an event with any combination of fields. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this event's fields. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.name = name;
    b.data = data;
    b.comment = comment;
    b.retryMillis = retryMillis;
    return b;
  }

  /** The event id; an empty id resets the client's last event id. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The event type; absent means {@code message}. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The data; absent means the event has no {@code data:} line and a client dispatches nothing. */
  public Optional<String> data() {
    return Optional.ofNullable(data);
  }

  /** The comment, if any. */
  public Optional<String> comment() {
    return Optional.ofNullable(comment);
  }

  /** The reconnection time this event asks the client to use, if any. */
  public Optional<Duration> retry() {
    return retryMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryMillis));
  }

  /** The id or null, without allocating an {@code Optional}: for the delivery hot path. */
  @Nullable
  String idOrNull() {
    return id;
  }

  /** The number of bytes of the wire form. */
  public int encodedLength() {
    return wire.length;
  }

  /** The wire form as a read-only buffer positioned at 0. Allocates only the buffer view. */
  public ByteBuffer encoded() {
    return ByteBuffer.wrap(wire).asReadOnlyBuffer();
  }

  /**
   * Copies the wire form into {@code dst} starting at {@code offset}.
   *
   * @return the number of bytes copied, always {@link #encodedLength()}
   * @throws IndexOutOfBoundsException if it does not fit
   */
  public int copyTo(byte[] dst, int offset) {
    System.arraycopy(wire, 0, dst, offset, wire.length);
    return wire.length;
  }

  /** Writes the wire form to {@code out} without copying it. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(wire);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Event)) {
      return false;
    }
    Event e = (Event) o;
    return retryMillis == e.retryMillis
        && Objects.equals(id, e.id)
        && Objects.equals(name, e.name)
        && Objects.equals(data, e.data)
        && Objects.equals(comment, e.comment);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, data, comment, retryMillis);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Event{");
    if (id != null) {
      sb.append("id=").append(id).append(", ");
    }
    if (name != null) {
      sb.append("name=").append(name).append(", ");
    }
    if (retryMillis >= 0) {
      sb.append("retry=").append(retryMillis).append(", ");
    }
    if (comment != null) {
      sb.append("comment=").append(abbreviate(comment)).append(", ");
    }
    if (data != null) {
      sb.append("data=").append(abbreviate(data));
    }
    return sb.append('}').toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  /**
   * Builds an {@link Event}. Each setter validates its argument at once and throws {@link
   * IllegalArgumentException} naming the field; {@link #build()} encodes the wire form. Not
   * thread-safe.
   */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String name;
    private @Nullable String data;
    private @Nullable String comment;
    private long retryMillis = -1;

    private Builder() {}

    /**
     * Sets the id. An empty id is allowed and resets the client's last event id.
     *
     * @throws IllegalArgumentException if it contains NUL, CR or LF
     */
    public Builder id(String id) {
      Objects.requireNonNull(id, "id");
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c == '\0' || c == '\r' || c == '\n') {
          throw new IllegalArgumentException(
              "event id must not contain NUL, CR or LF (index " + i + "): " + quote(id));
        }
      }
      this.id = id;
      return this;
    }

    /**
     * Sets the event type. An empty name means the default type {@code message} and is written
     * as no {@code event:} line.
     *
     * @throws IllegalArgumentException if it contains CR or LF
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c == '\r' || c == '\n') {
          throw new IllegalArgumentException(
              "event name must not contain CR or LF (index " + i + "): " + quote(name));
        }
      }
      this.name = name.isEmpty() ? null : name;
      return this;
    }

    /** Sets the data; any string is allowed, line breaks become separate {@code data:} lines. */
    public Builder data(String data) {
      this.data = Objects.requireNonNull(data, "data");
      return this;
    }

    /** Sets a comment; line breaks become separate comment lines. */
    public Builder comment(String comment) {
      this.comment = Objects.requireNonNull(comment, "comment");
      return this;
    }

    /**
     * Sets the reconnection time in milliseconds.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder retry(long millis) {
      if (millis < 0) {
        throw new IllegalArgumentException("event retry must not be negative: " + millis);
      }
      this.retryMillis = millis;
      return this;
    }

    /**
     * Sets the reconnection time.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder retry(Duration retry) {
      Objects.requireNonNull(retry, "retry");
      if (retry.isNegative()) {
        throw new IllegalArgumentException("event retry must not be negative: " + retry);
      }
      return retry(retry.toMillis());
    }

    /** Builds the event and encodes its wire form. */
    public Event build() {
      return new Event(this);
    }
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r':
          sb.append("\\r");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\0':
          sb.append("\\0");
          break;
        default:
          sb.append(c);
      }
    }
    if (n < s.length()) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
