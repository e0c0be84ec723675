package org.ssekit.examples;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.ssekit.StreamRequest;

/** Small HTTP helpers shared by the apps' servlets. */
public final class Http {

  private Http() {}

  /** Writes a small JSON body with {@code status}. {@code json} must already be valid JSON. */
  public static void json(HttpServletResponse response, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** Writes a plain-text error with {@code status}. */
  public static void error(HttpServletResponse response, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** The path below the servlet's mapping, {@code ""} for none (never null, no trailing slash). */
  public static String subPath(HttpServletRequest request) {
    String info = request.getPathInfo();
    if (info == null || info.equals("/")) {
      return "";
    }
    return info.endsWith("/") ? info.substring(0, info.length() - 1) : info;
  }

  /** A request parameter, trimmed, empty when missing or blank. */
  public static Optional<String> param(HttpServletRequest request, String name) {
    String v = request.getParameter(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(v.strip());
  }

  /** True when the client asked for JSON (a {@code Content-Type} of {@code application/json}). */
  public static boolean isJson(HttpServletRequest request) {
    String ct = request.getContentType();
    return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  /** The path parameter {@code name}, or else the path segment that follows {@code after}. */
  public static Optional<String> pathParam(StreamRequest request, String name, String after) {
    Optional<String> p = request.pathParam(name);
    if (p.isPresent()) {
      return p;
    }
    String[] parts = request.path().split("/");
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equals(after)) {
        return Optional.of(parts[i + 1]);
      }
    }
    return Optional.empty();
  }
}
