package org.ssekit.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Serves files from a class-path folder (this jar's {@code static/}, the WebJars' {@code
 * META-INF/resources/webjars/}). Only known file types are served; paths with {@code ..} or
 * backslashes are refused.
 */
final class StaticServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "map", "application/json");

  private final String root;
  private final String cacheControl;
  /** The one file served whatever the path, or null to serve the request's path under root. */
  private final @Nullable String file;

  /**
   * Serves class-path folder {@code root} (e.g. {@code "static/"}), with {@code cacheControl} on
   * every response.
   */
  StaticServlet(String root, String cacheControl) {
    this(root, cacheControl, null);
  }

  private StaticServlet(String root, String cacheControl, @Nullable String file) {
    this.root = Objects.requireNonNull(root, "root");
    this.cacheControl = Objects.requireNonNull(cacheControl, "cacheControl");
    this.file = file;
  }

  /**
   * Serves class-path file {@code root + file} at whatever path the servlet is mapped to (e.g.
   * {@code /favicon.ico}).
   */
  static StaticServlet file(String root, String file, String cacheControl) {
    return new StaticServlet(root, cacheControl, "/" + Objects.requireNonNull(file, "file"));
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = file != null ? file : Http.subPath(req);
    int dot = path.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    if (path.isEmpty() || type == null || path.contains("..") || path.contains("\\") || path.contains("//")) {
      Http.error(resp, 404, "not found");
      return;
    }
    try (InputStream in = StaticServlet.class.getClassLoader().getResourceAsStream(root + path.substring(1))) {
      if (in == null) {
        Http.error(resp, 404, "not found");
        return;
      }
      byte[] body = in.readAllBytes();
      resp.setContentType(type);
      resp.setHeader("Cache-Control", cacheControl);
      resp.setContentLength(body.length);
      resp.getOutputStream().write(body);
    }
  }
}
