package org.ssekit.internal.transport;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP rules every ssekit transport applies the same way, whatever the container: which
 * {@code Accept} opens a stream, which topics a request may name, which last event ids count.
 * Internal: public so that transports in other modules (servlet, Jetty core) share them; applications do not
 * need it. Stateless.
 */
public final class HttpRules {

  /** The media type of a stream. */
  public static final String EVENT_STREAM = "text/event-stream";

  /** The longest last event id a transport accepts by default (in UTF-16 code units). */
  public static final int DEFAULT_MAX_LAST_EVENT_ID_LENGTH = 256;

  private HttpRules() {}

  /**
   * True when the Accept value names {@code text/event-stream} (in any ASCII case, with a non-zero
   * q). Wildcards do not count: {@code curl} and browsers' navigations get the plain
   * representation. Runs on every request, so it scans the value in place; only a media range
   * with parameters allocates.
   *
   * @param value one {@code Accept} header value (a list of media ranges)
   */
  public static boolean acceptsEventStream(String value) {
    int len = value.length();
    int start = 0;
    while (start <= len) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? len : comma;
      int semi = value.indexOf(';', start);
      int typeEnd = semi < 0 || semi > end ? end : semi;
      if (isEventStream(value, start, typeEnd) && (typeEnd == end || !zeroQuality(value, typeEnd, end))) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** True if {@code s[from, to)}, trimmed, is {@code text/event-stream} in any ASCII case. */
  private static boolean isEventStream(String s, int from, int to) {
    while (from < to && s.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) <= ' ') {
      to--;
    }
    if (to - from != EVENT_STREAM.length()) {
      return false;
    }
    for (int i = 0; i < EVENT_STREAM.length(); i++) {
      char c = s.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != EVENT_STREAM.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** True if the parameters {@code ;p1;p2...} in {@code s[from, to)} set the quality to 0. */
  private static boolean zeroQuality(String s, int from, int to) {
    boolean zero = false;
    for (String param : s.substring(from + 1, to).split(";")) {
      String p = param.trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("q=")) {
        try {
          zero = Double.parseDouble(p.substring(2).trim()) <= 0;
        } catch (NumberFormatException e) {
          zero = false;
        }
      }
    }
    return zero;
  }

  /**
   * The longest topic ssekit's transports accept (in UTF-16 code units), whatever the broker: a longer one
   * answers 400 up front instead of a broker error (PostgreSQL's NOTIFY payload and NATS subjects
   * have limits of a few KB).
   */
  public static final int MAX_TOPIC_LENGTH = 200;

  /**
   * Checks a topic computed from a request: 1 to {@value #MAX_TOPIC_LENGTH} characters, no control
   * character (C0, DEL, C1) and no unpaired surrogate.
   *
   * @throws IllegalArgumentException saying what is wrong, without echoing the topic
   */
  public static void checkTopic(String topic) {
    int n = topic.length();
    if (n == 0) {
      throw new IllegalArgumentException("the topic is empty");
    }
    if (n > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException(
          "the topic has " + n + " characters; at most " + MAX_TOPIC_LENGTH + " are allowed");
    }
    for (int i = 0; i < n; i++) {
      char c = topic.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException("the topic contains a control character at " + i);
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(topic.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("the topic contains an unpaired surrogate at " + i);
      }
    }
  }

  /**
   * Why {@code id}, a last event id a client sent, counts as none: longer than {@code maxLength}
   * or containing NUL, CR or LF (which no id ssekit sends contains). A browser sends back only ids
   * it received, so such an id is garbage or an attack; the stream then starts as for a new client.
   *
   * @return null if the id is acceptable, else the reason, without echoing the id
   */
  public static @Nullable String lastEventIdProblem(String id, int maxLength) {
    if (id.length() > maxLength) {
      return "longer than " + maxLength + " characters";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '\0' || c == '\r' || c == '\n') {
        return "containing NUL, CR or LF";
      }
    }
    return null;
  }
}
