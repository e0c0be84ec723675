package org.ssekit.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An incremental {@code text/event-stream} parser that produces events exactly as a browser's
 * {@code EventSource} would (WHATWG HTML, "Server-sent events", "Interpreting an event stream").
 *
 * <p>Bytes may arrive in chunks cut anywhere: inside a UTF-8 character, between the CR and LF of a
 * CRLF, inside the leading byte order mark. The parser strips one leading BOM, accepts CRLF, lone
 * CR and lone LF as line ends, ignores comments' effect on events (reporting them to {@link
 * Listener#onComment}), ignores unknown fields, ignores an {@code id} containing NUL, accepts
 * {@code retry} only as ASCII digits, sets the last event id on every dispatch and dispatches no
 * event whose data buffer is empty. Invalid UTF-8 is decoded to U+FFFD.
 *
 * <p>Not thread-safe: feed it from one thread at a time. Listener methods run on the feeding thread.
 */
public final class SseParser {

  /** Receives what the parser finds. Only {@link #onEvent} is required. */
  @FunctionalInterface
  public interface Listener {
    /** A dispatched event. */
    void onEvent(MessageEvent event);

    /** A comment line, without the colon and without one leading space. */
    default void onComment(String comment) {}

    /** A valid {@code retry} field, in milliseconds. */
    default void onRetry(long millis) {}
  }

  private static final int BOM_LENGTH = 3;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final Listener listener;
  private final int maxLineLength;

  private byte[] line = new byte[256];
  private int lineLength;
  private boolean skipLf;
  private int bomMatched;
  private boolean bomDone;

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType = "";
  private String lastEventIdBuffer = "";
  private String lastEventId = "";

  private SseParser(Listener listener, int maxLineLength) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.maxLineLength = maxLineLength;
  }

  /** A parser that calls {@code listener}; lines may be of any length. */
  public static SseParser create(Listener listener) {
    return new SseParser(listener, Integer.MAX_VALUE);
  }

  /**
   * A parser that refuses lines longer than {@code maxLineLength} bytes with {@link
   * IllegalStateException}, to bound memory when reading from an untrusted server.
   */
  public static SseParser create(Listener listener, int maxLineLength) {
    if (maxLineLength < 1) {
      throw new IllegalArgumentException("maxLineLength must be positive: " + maxLineLength);
    }
    return new SseParser(listener, maxLineLength);
  }

  /** The last event id string as the stream has set it so far (empty when none). */
  public String lastEventId() {
    return lastEventId;
  }

  /**
   * Seeds the last event id, as a client does when it reconnects with {@code Last-Event-ID}.
   *
   * @throws IllegalArgumentException if it contains NUL, CR or LF
   */
  public void lastEventId(String id) {
    checkId(id);
    this.lastEventId = id;
    this.lastEventIdBuffer = id;
  }

  /** Feeds all of {@code bytes}. */
  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Feeds the remaining bytes of {@code buffer}, consuming them. */
  public void feed(ByteBuffer buffer) {
    if (buffer.hasArray()) {
      int pos = buffer.position();
      feed(buffer.array(), buffer.arrayOffset() + pos, buffer.remaining());
      buffer.position(buffer.limit());
    } else {
      byte[] tmp = new byte[Math.min(buffer.remaining(), 8192)];
      while (buffer.hasRemaining()) {
        int n = Math.min(tmp.length, buffer.remaining());
        buffer.get(tmp, 0, n);
        feed(tmp, 0, n);
      }
    }
  }

  /** Feeds {@code length} bytes of {@code bytes} from {@code offset}. */
  public void feed(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    int i = offset;
    int end = offset + length;
    if (!bomDone) {
      i = skipBom(bytes, i, end);
      if (!bomDone) {
        return;
      }
    }
    int start = i;
    while (i < end) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r') {
        if (b == '\n' && skipLf && i == start && lineLength == 0) {
          skipLf = false;
          start = ++i;
          continue;
        }
        append(bytes, start, i);
        skipLf = b == '\r';
        processLine();
        start = ++i;
      } else {
        if (skipLf) {
          skipLf = false;
        }
        i++;
      }
    }
    append(bytes, start, end);
  }

  /**
   * Ends the stream: a partial line and an event not yet terminated by a blank line are discarded,
   * as the spec requires at end of file. The last event id is kept, so the parser can be fed a
   * reconnected stream, whose leading BOM is again stripped.
   */
  public void reset() {
    lineLength = 0;
    skipLf = false;
    bomMatched = 0;
    bomDone = false;
    data.setLength(0);
    hasData = false;
    eventType = "";
    lastEventIdBuffer = lastEventId;
  }

  private int skipBom(byte[] bytes, int i, int end) {
    while (i < end && bomMatched < BOM_LENGTH) {
      if (bytes[i] != BOM[bomMatched]) {
        // Not a BOM: the bytes matched so far are ordinary content.
        bomDone = true;
        if (bomMatched > 0) {
          int matched = bomMatched;
          bomMatched = 0;
          feed(BOM, 0, matched);
        }
        return i;
      }
      bomMatched++;
      i++;
    }
    if (bomMatched == BOM_LENGTH) {
      bomDone = true;
    }
    return i;
  }

  private void append(byte[] bytes, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return;
    }
    if ((long) lineLength + n > maxLineLength) {
      throw new IllegalStateException("event stream line longer than " + maxLineLength + " bytes");
    }
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
    }
    System.arraycopy(bytes, from, line, lineLength, n);
    lineLength += n;
  }

  private void processLine() {
    int n = lineLength;
    lineLength = 0;
    if (n == 0) {
      dispatch();
      return;
    }
    byte[] l = line;
    if (l[0] == ':') {
      int from = n > 1 && l[1] == ' ' ? 2 : 1;
      listener.onComment(new String(l, from, n - from, StandardCharsets.UTF_8));
      return;
    }
    int colon = -1;
    for (int i = 0; i < n; i++) {
      if (l[i] == ':') {
        colon = i;
        break;
      }
    }
    int nameEnd = colon < 0 ? n : colon;
    int valueStart = colon < 0 ? n : colon + 1;
    if (valueStart < n && l[valueStart] == ' ') {
      valueStart++;
    }
    field(l, nameEnd, valueStart, n);
  }

  private void field(byte[] l, int nameEnd, int valueStart, int end) {
    if (is(l, nameEnd, "data")) {
      data.append(new String(l, valueStart, end - valueStart, StandardCharsets.UTF_8)).append('\n');
      hasData = true;
    } else if (is(l, nameEnd, "event")) {
      eventType = new String(l, valueStart, end - valueStart, StandardCharsets.UTF_8);
    } else if (is(l, nameEnd, "id")) {
      for (int i = valueStart; i < end; i++) {
        if (l[i] == 0) {
          return;
        }
      }
      lastEventIdBuffer = new String(l, valueStart, end - valueStart, StandardCharsets.UTF_8);
    } else if (is(l, nameEnd, "retry")) {
      if (valueStart == end) {
        return;
      }
      long v = 0;
      for (int i = valueStart; i < end; i++) {
        byte b = l[i];
        if (b < '0' || b > '9') {
          return;
        }
        if (v > (Long.MAX_VALUE - 9) / 10) {
          return; // too large to represent: ignore, as for any invalid value
        }
        v = v * 10 + (b - '0');
      }
      listener.onRetry(v);
    }
  }

  private static boolean is(byte[] l, int len, String name) {
    if (len != name.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (l[i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void dispatch() {
    lastEventId = lastEventIdBuffer;
    if (!hasData) {
      data.setLength(0);
      eventType = "";
      return;
    }
    data.setLength(data.length() - 1); // the trailing LF
    String type = eventType.isEmpty() ? MessageEvent.DEFAULT_TYPE : eventType;
    MessageEvent event = new MessageEvent(type, data.toString(), lastEventId);
    data.setLength(0);
    hasData = false;
    eventType = "";
    listener.onEvent(event);
  }

  /**
   * Checks that {@code id} may be sent as {@code Last-Event-ID}: it must not contain NUL, CR or LF.
   *
   * @throws IllegalArgumentException naming the first offending index
   */
  static void checkId(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '\0' || c == '\r' || c == '\n') {
        throw new IllegalArgumentException(
            "event id must not contain NUL, CR or LF (index " + i + ")");
      }
    }
  }
}
