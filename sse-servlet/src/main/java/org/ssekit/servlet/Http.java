package org.ssekit.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.ssekit.InitialResponse;

/** Small HTTP helpers shared by the servlets. Stateless. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String EVENT_STREAM = "text/event-stream";

  private Http() {}

  /** The request path inside the application: servlet path plus path info, never empty. */
  static String path(HttpServletRequest req) {
    String servletPath = req.getServletPath();
    String info = req.getPathInfo();
    // a stream keeps its path: reuse the container's string where there is nothing to join
    // ("" + s would be a copy)
    if (info == null || info.isEmpty()) {
      return servletPath == null || servletPath.isEmpty() ? "/" : servletPath;
    }
    return servletPath == null || servletPath.isEmpty() ? info : servletPath + info;
  }

  /**
   * True when {@code Accept} names {@code text/event-stream} (with a non-zero q). Wildcards do not
   * count: {@code curl} and browsers' navigations get the plain representation.
   */
  static boolean acceptsEventStream(HttpServletRequest req) {
    Enumeration<String> values = req.getHeaders("Accept");
    while (values != null && values.hasMoreElements()) {
      if (acceptsEventStream(values.nextElement())) {
        return true;
      }
    }
    return false;
  }

  /** {@link #acceptsEventStream(HttpServletRequest)} on the values of the Accept headers. */
  static boolean acceptsEventStream(List<String> acceptValues) {
    for (String value : acceptValues) {
      if (acceptsEventStream(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@link #acceptsEventStream(HttpServletRequest)} on one Accept value. Runs on every request, so
   * it scans the value in place; only a media range with parameters allocates.
   */
  static boolean acceptsEventStream(String value) {
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
   * The longest topic the servlets accept (in UTF-16 code units), whatever the broker: a longer one
   * answers 400 up front instead of a broker error (PostgreSQL's NOTIFY payload and NATS subjects
   * have limits of a few KB).
   */
  static final int MAX_TOPIC_LENGTH = 200;

  /**
   * Checks a topic computed from a request: 1 to {@value #MAX_TOPIC_LENGTH} characters, no control
   * character (C0, DEL, C1) and no unpaired surrogate.
   *
   * @throws IllegalArgumentException saying what is wrong, without echoing the topic
   */
  static void checkTopic(String topic) {
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
   * True if {@code contentType} is the media type {@code application/json} (any case, with
   * parameters), and its charset, if named, is UTF-8. Only the exact type counts: {@code
   * application/jsonp} or {@code application/json-evil} do not.
   */
  static boolean isJson(@Nullable String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    if (!type.equalsIgnoreCase("application/json")) {
      return false;
    }
    if (semi < 0) {
      return true;
    }
    for (String param : contentType.substring(semi + 1).split(";")) {
      int eq = param.indexOf('=');
      if (eq < 0) {
        continue;
      }
      if (param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String cs = param.substring(eq + 1).trim();
        if (cs.length() >= 2 && cs.startsWith("\"") && cs.endsWith("\"")) {
          cs = cs.substring(1, cs.length() - 1);
        }
        if (!cs.equalsIgnoreCase("utf-8") && !cs.equalsIgnoreCase("utf8")) {
          return false;
        }
      }
    }
    return true;
  }

  /** Writes {@code {"error": message}} with {@code status}. */
  static void error(HttpServletResponse resp, int status, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("error", message);
    json(resp, status, body);
  }

  /** Writes a JSON body with {@code status}. */
  static void json(HttpServletResponse resp, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setHeader("Cache-Control", "no-store");
    resp.setContentLength(bytes.length);
    resp.getOutputStream().write(bytes);
  }

  /** Writes an adapter's plain response (a rejection or the initial state). */
  static void write(HttpServletResponse resp, InitialResponse r) throws IOException {
    if (r.status() == HttpServletResponse.SC_NO_CONTENT) {
      resp.setStatus(HttpServletResponse.SC_NO_CONTENT); // no body, no Content-Length (RFC 9110)
      return;
    }
    byte[] body = r.body();
    resp.setStatus(r.status());
    resp.setContentType(r.contentType());
    resp.setHeader("Cache-Control", "no-cache");
    resp.setContentLength(body.length);
    resp.getOutputStream().write(body);
  }

  /**
   * Asks an HTTP/1.x client not to reuse the connection: for answers sent before the request body
   * was read, which the container then discards by closing the connection. (HTTP/2 forbids the
   * header and resets just the stream.)
   */
  static void closeConnection(HttpServletRequest req, HttpServletResponse resp) {
    String protocol = req.getProtocol();
    if (protocol != null && protocol.startsWith("HTTP/1")) {
      resp.setHeader("Connection", "close");
    }
  }

  /** 503 with {@code Retry-After} in whole seconds. */
  static void unavailable(HttpServletResponse resp, long retryAfterSeconds, String message)
      throws IOException {
    resp.setHeader("Retry-After", Long.toString(retryAfterSeconds));
    error(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, message);
  }
}
