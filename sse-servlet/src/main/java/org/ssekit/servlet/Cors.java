package org.ssekit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin resource sharing for the stream and publish servlets: an allow-list of origins
 * ({@code *} for any), credentials only ever with an explicit origin, and preflight answers.
 * Immutable and thread-safe.
 */
final class Cors {

  static final String ALLOWED_HEADERS = "Last-Event-ID, Authorization, Content-Type, Accept, Cache-Control";
  private static final String MAX_AGE = "600";

  private final Set<String> origins;
  private final boolean anyOrigin;
  private final boolean credentials;

  Cors(Set<String> origins, boolean credentials) {
    this.anyOrigin = origins.contains("*");
    this.origins = origins;
    this.credentials = credentials;
  }

  boolean enabled() {
    return !origins.isEmpty();
  }

  private boolean allowed(String origin) {
    return anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** Adds the response headers of an actual (non-preflight) cross-origin request. */
  void apply(HttpServletRequest req, HttpServletResponse resp) {
    if (!enabled()) {
      return;
    }
    String origin = req.getHeader("Origin");
    if (!anyOrigin || credentials) {
      resp.addHeader("Vary", "Origin");
    }
    if (origin == null || !allowed(origin)) {
      return;
    }
    allowOrigin(resp, origin);
  }

  private void allowOrigin(HttpServletResponse resp, String origin) {
    if (credentials) {
      // never "*" with credentials: browsers refuse it, and it would hand cookies to any site
      resp.setHeader("Access-Control-Allow-Origin", origin);
      resp.setHeader("Access-Control-Allow-Credentials", "true");
    } else {
      resp.setHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
    }
  }

  /**
   * Answers a CORS preflight ({@code OPTIONS} with {@code Origin} and {@code
   * Access-Control-Request-Method}).
   *
   * @return false if {@code req} is not a preflight (the caller answers it as a plain OPTIONS)
   */
  boolean preflight(HttpServletRequest req, HttpServletResponse resp, String methods) {
    String origin = req.getHeader("Origin");
    String method = req.getHeader("Access-Control-Request-Method");
    if (origin == null || method == null) {
      return false;
    }
    resp.addHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    if (!enabled() || !allowed(origin) || !List.of(methods.split(", ")).contains(method.trim().toUpperCase(Locale.ROOT))) {
      resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
      return true;
    }
    allowOrigin(resp, origin);
    resp.setHeader("Access-Control-Allow-Methods", methods);
    resp.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    resp.setHeader("Access-Control-Max-Age", MAX_AGE);
    resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
    return true;
  }
}
