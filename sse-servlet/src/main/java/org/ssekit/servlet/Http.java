package org.ssekit.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.ssekit.InitialResponse;
import org.ssekit.internal.transport.HttpRules;

/** Small HTTP helpers shared by the servlets. Stateless. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();

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

  /** {@link HttpRules#acceptsEventStream(String)}. */
  static boolean acceptsEventStream(String value) {
    return HttpRules.acceptsEventStream(value);
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
