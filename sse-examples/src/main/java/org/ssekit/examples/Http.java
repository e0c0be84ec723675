package org.ssekit.examples;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.ssekit.StreamRequest;

/** Small HTTP helpers shared by the apps' servlets. */
public final class Http {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /** Writes a small JSON body with {@code status}. {@code json} must already be valid JSON. */
  public static void json(HttpServletResponse response, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** Writes {@code {"error": message}} with {@code status} (JSON, like the library's errors). */
  public static void error(HttpServletResponse response, int status, String message) throws IOException {
    byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
    response.setStatus(status);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /**
   * True unless the request comes from another site: its {@code Origin} (or, without one, its
   * {@code Sec-Fetch-Site}) must name this server. Browsers send both on cross-site form posts, so
   * checking them refuses cross-site request forgery of the demo's POST endpoints; non-browser
   * clients (curl) send neither and pass.
   */
  public static boolean sameOrigin(HttpServletRequest request) {
    String origin = request.getHeader("Origin");
    if (origin != null) {
      String host = request.getHeader("Host");
      if (host == null || origin.equals("null")) {
        return false;
      }
      String self = request.getScheme() + "://" + host;
      return origin.equalsIgnoreCase(self);
    }
    String site = request.getHeader("Sec-Fetch-Site");
    return site == null || site.equals("same-origin") || site.equals("none");
  }

  /**
   * Parses an {@code application/x-www-form-urlencoded} body strictly (UTF-8, {@code +} for a
   * space).
   *
   * @throws IllegalArgumentException on a malformed escape or bytes that are not UTF-8
   */
  public static Map<String, String> form(byte[] body) {
    String text = strictUtf8(body);
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (out.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("the form repeats the field " + name);
      }
    }
    return out;
  }

  private static String decode(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("the form has a malformed %-escape");
        }
        bytes.write((hi << 4) | lo);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    return strictUtf8(bytes.toByteArray());
  }

  /**
   * Decodes strict UTF-8 (overlong forms and lone surrogates are errors).
   *
   * @throws IllegalArgumentException if {@code bytes} are not UTF-8
   */
  public static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("the body is not valid UTF-8");
    }
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

  /**
   * True when the body is JSON: a {@code Content-Type} whose media type is exactly {@code
   * application/json} (so not {@code application/jsonp-evil}).
   */
  public static boolean isJson(HttpServletRequest request) {
    String ct = request.getContentType();
    if (ct == null) {
      return false;
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT).equals("application/json");
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
