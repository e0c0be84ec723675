package org.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.internal.transport.HttpRules;
import org.ssekit.internal.transport.PathTemplate;
import org.ssekit.internal.transport.QueryString;

/**
 * Serves one route of an {@link SseRouter}: a GET with {@code Accept: text/event-stream} opens a
 * hub stream written by a {@link StreamWriter}; any other GET gets the adapter's initial response
 * as a plain body; a CORS preflight is answered. The request thread returns as soon as the stream
 * is open; no thread is held while it lasts.
 */
final class StreamServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(StreamServlet.class);

  private final transient SseRouter router;
  private final transient PathTemplate template;
  private final transient Function<StreamRequest, String> topic;
  private final transient StreamAdapter adapter;

  StreamServlet(
      SseRouter router,
      PathTemplate template,
      Function<StreamRequest, String> topic,
      StreamAdapter adapter) {
    this.router = router;
    this.template = template;
    this.topic = topic;
    this.adapter = adapter;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (router.isClosed()) {
      if (Http.acceptsEventStream(req)) {
        router.streamRejected(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      }
      Http.unavailable(resp, router.retryAfterSeconds(), "the server is shutting down");
      return;
    }
    String path = Http.path(req);
    String[] params = template.matchPairs(path);
    if (params == null) {
      Http.error(resp, HttpServletResponse.SC_NOT_FOUND, "no stream at " + path);
      return;
    }
    router.cors().apply(req, resp);
    resp.addHeader("Vary", "Accept");
    boolean stream = Http.acceptsEventStream(req);
    @Nullable String client = req.getRemoteAddr(); // a new String per call on Jetty: ask once
    StreamRequest sr;
    try {
      sr = router.streamRequest(req, path, params, client, stream);
    } catch (QueryString.MalformedQueryException e) {
      // client input: one DEBUG line, no stack trace
      log.debug("400 for a malformed query string on {} from {}: {}", path, client, e.getMessage());
      Http.error(resp, HttpServletResponse.SC_BAD_REQUEST, "malformed query string: " + e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      log.debug("400: the request customizer refused a request for {} from {}: {}", path, client, e.getMessage());
      Http.error(resp, HttpServletResponse.SC_BAD_REQUEST, "bad request: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      log.error("the request customizer failed on {}", path, e);
      Http.error(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "request customizer failed");
      return;
    }
    String topicName;
    try {
      topicName = Objects.requireNonNull(topic.apply(sr), "topic");
      HttpRules.checkTopic(topicName);
    } catch (IllegalArgumentException e) {
      Http.error(resp, HttpServletResponse.SC_BAD_REQUEST, "no topic for " + path + ": " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      log.error("the topic resolver failed on {}", path, e);
      Http.error(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "topic resolver failed");
      return;
    }
    if (stream) {
      openStream(req, resp, sr, topicName, Objects.requireNonNullElse(client, "unknown"));
    } else {
      plain(resp, sr);
    }
  }

  private void plain(HttpServletResponse resp, StreamRequest sr) throws IOException {
    InitialResponse r;
    try {
      r = Objects.requireNonNull(adapter.initial(sr), "initial response");
    } catch (RuntimeException e) {
      log.error("stream adapter {} failed on a plain GET of {}", adapter, sr, e);
      Http.error(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "stream adapter failed");
      return;
    }
    Http.write(resp, r);
  }

  private void openStream(
      HttpServletRequest req,
      HttpServletResponse resp,
      StreamRequest sr,
      String topicName,
      String client)
      throws IOException {
    router.openStream(req, resp, sr, topicName, client, adapter, this, SseRouter.NO_HOOKS);
  }

  @Override
  protected void doHead(HttpServletRequest req, HttpServletResponse resp)
      throws jakarta.servlet.ServletException, IOException {
    if (Http.acceptsEventStream(req)) {
      router.cors().apply(req, resp);
      resp.setStatus(HttpServletResponse.SC_OK);
      resp.setContentType("text/event-stream; charset=utf-8");
      resp.setHeader("Cache-Control", "no-cache");
      return;
    }
    super.doHead(req, resp);
  }

  @Override
  protected void doOptions(HttpServletRequest req, HttpServletResponse resp)
      throws jakarta.servlet.ServletException, IOException {
    if (!router.cors().preflight(req, resp, "GET")) {
      super.doOptions(req, resp);
    }
  }

  /** Ends every stream of this servlet (a last flush, then complete) and waits a while for it. */
  @Override
  public void destroy() {
    router.shutdown(router.writersOf(this));
  }

  @Override
  public String toString() {
    return "SseStreamServlet{" + template + ", streams=" + router.writersOf(this).size() + "}";
  }
}
