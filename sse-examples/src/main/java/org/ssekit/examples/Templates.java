package org.ssekit.examples;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Renders the jte templates of {@code src/main/jte}, which the build compiles to Java classes (a
 * template that does not type-check fails the build). Every template takes exactly one parameter,
 * its model record. Thread-safe.
 */
public final class Templates {

  /** Content type of rendered pages and fragments. */
  public static final String HTML = "text/html; charset=utf-8";

  private final TemplateEngine engine;

  private Templates(TemplateEngine engine) {
    this.engine = engine;
  }

  /** The templates precompiled into this jar. */
  public static Templates precompiled() {
    return new Templates(TemplateEngine.createPrecompiled(ContentType.Html));
  }

  /** Renders template {@code name} (e.g. {@code "index.jte"}) with {@code model}. */
  public String render(String name, Object model) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    StringOutput out = new StringOutput();
    engine.render(name, model, out);
    return out.toString();
  }

  /** Renders template {@code name} with {@code model} as the HTML response. */
  public void write(HttpServletResponse response, String name, Object model) throws IOException {
    byte[] body = render(name, model).getBytes(StandardCharsets.UTF_8);
    response.setContentType(HTML);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
