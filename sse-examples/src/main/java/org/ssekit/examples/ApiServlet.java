package org.ssekit.examples;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.ssekit.StreamAdapter;
import org.ssekit.servlet.SseRouter;

/**
 * The topic API at {@code /api/topics/{topic}/events}: {@code POST} publishes (sse-servlet's
 * publish servlet, bearer token when configured), every other method is the stream servlet
 * ({@code GET} streams with history, {@code OPTIONS} answers CORS preflights).
 *
 * <p>API topics live in their own namespace, {@code api.<topic>}, so a client of the open API
 * cannot inject events (which the apps swap into pages as HTML) into the apps' topics.
 */
final class ApiServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** The URL template of the API. */
  static final String PATH = "/api/topics/{topic}/events";

  /** The hub topic of API topic {@code {topic}}. */
  static final String TOPIC = "api.{topic}";

  private final transient HttpServlet stream;
  private final transient HttpServlet publish;

  ApiServlet(SseRouter router) {
    this.stream = router.handler(PATH, TOPIC, StreamAdapter.passThrough());
    this.publish = router.publishHandler(PATH, TOPIC);
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    stream.init(config);
    publish.init(config);
  }

  @Override
  public void destroy() {
    publish.destroy();
    stream.destroy();
    super.destroy();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
    if ("POST".equals(req.getMethod())) {
      publish.service(req, resp);
    } else {
      stream.service(req, resp);
    }
  }
}
