package org.ssekit.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.ssekit.Event;
import org.ssekit.broker.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish endpoint of an {@link SseRouter}: {@code POST} a JSON event {@code {"data": ...,
 * "event": ..., "id": ..., "retry": ...}} or an array of them to a topic; answers {@code 202
 * {"ids": [...]}} with the ids the history assigned. Every element is validated before anything is
 * published, so a bad element (bad JSON, a line break in {@code event}, an unknown field) answers
 * 400 and publishes nothing; a body over the limit answers 413. The body is read with a
 * non-blocking {@code ReadListener} and the answer is sent once the broker accepted the events;
 * no thread waits for either.
 */
final class PublishServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(PublishServlet.class);
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final long BODY_TIMEOUT_MILLIS = 30_000;

  private final transient SseRouter router;
  private final transient PathTemplate template;
  private final transient Function<Map<String, String>, String> topic;

  PublishServlet(SseRouter router, PathTemplate template, Function<Map<String, String>, String> topic) {
    this.router = router;
    this.template = template;
    this.topic = topic;
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (router.isClosed()) {
      router.publishRejected(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      Http.unavailable(resp, router.retryAfterSeconds(), "the server is shutting down");
      return;
    }
    String path = Http.path(req);
    Optional<Map<String, String>> params = template.match(path);
    if (params.isEmpty()) {
      Http.closeConnection(req, resp); // answered before the body was read (also below)
      router.publishRejected(HttpServletResponse.SC_NOT_FOUND);
      Http.error(resp, HttpServletResponse.SC_NOT_FOUND, "no publish endpoint at " + path);
      return;
    }
    router.cors().apply(req, resp);
    if (!authorized(req)) {
      resp.setHeader("WWW-Authenticate", "Bearer");
      Http.closeConnection(req, resp);
      router.publishRejected(HttpServletResponse.SC_UNAUTHORIZED);
      Http.error(resp, HttpServletResponse.SC_UNAUTHORIZED, "a valid bearer token is required");
      return;
    }
    String type = req.getContentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).trim().startsWith("application/json")) {
      // also forces a CORS preflight for cross-origin publishers: no simple-request form posts
      Http.closeConnection(req, resp);
      router.publishRejected(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
      Http.error(resp, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
      return;
    }
    int max = router.maxPublishBytes();
    if (req.getContentLengthLong() > max) {
      Http.closeConnection(req, resp);
      router.publishRejected(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      Http.error(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "body larger than " + max + " bytes");
      return;
    }
    String topicName;
    try {
      topicName = topic.apply(params.get());
    } catch (IllegalArgumentException e) {
      router.publishRejected(HttpServletResponse.SC_BAD_REQUEST);
      Http.error(resp, HttpServletResponse.SC_BAD_REQUEST, "no topic for " + path + ": " + e.getMessage());
      return;
    }
    AsyncContext async = req.startAsync();
    async.setTimeout(BODY_TIMEOUT_MILLIS);
    ServletInputStream in = req.getInputStream();
    in.setReadListener(new Body(async, req, in, resp, topicName, max));
  }

  private boolean authorized(HttpServletRequest req) {
    byte[] token = router.publishToken();
    if (token == null) {
      return true;
    }
    String h = req.getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = h.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  @Override
  protected void doOptions(HttpServletRequest req, HttpServletResponse resp)
      throws jakarta.servlet.ServletException, IOException {
    if (!router.cors().preflight(req, resp, "POST")) {
      super.doOptions(req, resp);
    }
  }

  /** Reads one request body without blocking, then validates and publishes it. */
  private final class Body implements ReadListener {
    private final AsyncContext async;
    private final HttpServletRequest req;
    private final ServletInputStream in;
    private final HttpServletResponse resp;
    private final String topicName;
    private final int max;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] chunk = new byte[4096];
    private final AtomicBoolean answered = new AtomicBoolean();

    Body(
        AsyncContext async,
        HttpServletRequest req,
        ServletInputStream in,
        HttpServletResponse resp,
        String topicName,
        int max) {
      this.async = async;
      this.req = req;
      this.in = in;
      this.resp = resp;
      this.topicName = topicName;
      this.max = max;
    }

    @Override
    public void onDataAvailable() throws IOException {
      while (!answered.get() && in.isReady()) {
        int n = in.read(chunk);
        if (n < 0) {
          return;
        }
        if (body.size() + n > max) {
          Http.closeConnection(req, resp);
          answer(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, error("body larger than " + max + " bytes"));
          return;
        }
        body.write(chunk, 0, n);
      }
    }

    @Override
    public void onAllDataRead() {
      if (answered.get()) {
        return;
      }
      List<Event> events;
      try {
        events = parse(body.toByteArray());
      } catch (BadRequest e) {
        answer(HttpServletResponse.SC_BAD_REQUEST, error(e.getMessage()));
        return;
      }
      List<CompletableFuture<Message>> stages = new ArrayList<>(events.size());
      for (Event e : events) {
        stages.add(router.hub().publish(topicName, e).toCompletableFuture());
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0]));
      if (all.isDone()) {
        published(stages);
      } else {
        all.whenComplete(
            (v, err) -> {
              try {
                async.start(() -> published(stages));
              } catch (RuntimeException e) {
                published(stages); // the container is stopping; answer from here
              }
            });
      }
    }

    private void published(List<CompletableFuture<Message>> stages) {
      ArrayNode ids = Http.JSON.createArrayNode();
      for (CompletableFuture<Message> f : stages) {
        Message m;
        try {
          m = f.join();
        } catch (RuntimeException e) {
          log.warn("publishing to {} failed", topicName, e);
          ObjectNode err = error("publish failed: " + rootMessage(e));
          err.put("published", ids.size());
          err.set("ids", ids);
          answer(HttpServletResponse.SC_SERVICE_UNAVAILABLE, err);
          return;
        }
        Optional<String> id = m.id();
        if (id.isPresent()) {
          ids.add(id.get());
        } else {
          ids.addNull();
        }
      }
      ObjectNode ok = Http.JSON.createObjectNode();
      ok.set("ids", ids);
      answer(HttpServletResponse.SC_ACCEPTED, ok);
    }

    @Override
    public void onError(Throwable t) {
      log.debug("reading a publish body failed", t);
      if (answered.compareAndSet(false, true)) {
        try {
          async.complete();
        } catch (RuntimeException e) {
          log.debug("completing a failed publish request failed", e);
        }
      }
    }

    private void answer(int status, ObjectNode json) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      if (status >= 400) {
        router.publishRejected(status);
      }
      try {
        Http.json(resp, status, json);
      } catch (IOException e) {
        log.debug("cannot answer a publish request", e);
      } finally {
        try {
          async.complete();
        } catch (RuntimeException e) {
          log.debug("completing a publish request failed", e);
        }
      }
    }
  }

  private static ObjectNode error(String message) {
    return Http.JSON.createObjectNode().put("error", message);
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage());
  }

  /** Parses and validates the whole body; throws before anything is published. */
  static List<Event> parse(byte[] body) throws BadRequest {
    JsonNode root;
    try {
      root = STRICT.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequest("unreadable body: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new BadRequest("empty body: expected an event object or an array of them");
    }
    List<Event> events = new ArrayList<>();
    if (root.isArray()) {
      if (root.isEmpty()) {
        throw new BadRequest("empty array: expected at least one event");
      }
      for (int i = 0; i < root.size(); i++) {
        events.add(event(root.get(i), "[" + i + "]."));
      }
    } else {
      events.add(event(root, ""));
    }
    return events;
  }

  private static Event event(JsonNode node, String where) throws BadRequest {
    if (!node.isObject()) {
      throw new BadRequest((where.isEmpty() ? "body" : where.substring(0, where.length() - 1))
          + " must be a JSON object with at least \"data\"");
    }
    Event.Builder b = Event.builder();
    boolean hasData = false;
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      try {
        switch (name) {
          case "data":
            if (v.isNull()) {
              throw new BadRequest(where + "data must not be null");
            }
            b.data(v.isTextual() ? v.textValue() : v.toString());
            hasData = true;
            break;
          case "event":
            b.name(text(v, where + name));
            break;
          case "id":
            b.id(text(v, where + name));
            break;
          case "retry":
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
              throw new BadRequest(where + "retry must be a non-negative integer (milliseconds)");
            }
            b.retry(v.longValue());
            break;
          default:
            throw new BadRequest(
                where + name + " is not a field of an event (data, event, id, retry)");
        }
      } catch (IllegalArgumentException e) {
        throw new BadRequest(where + name + ": " + e.getMessage());
      }
    }
    if (!hasData) {
      throw new BadRequest(where + "data is required");
    }
    return b.build();
  }

  private static String text(JsonNode v, String field) throws BadRequest {
    if (!v.isTextual()) {
      throw new BadRequest(field + " must be a string");
    }
    return v.textValue();
  }

  /** A client error in a publish body; its message is sent back. */
  static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }

    @Override
    public String getMessage() {
      return String.valueOf(super.getMessage());
    }
  }

  @Override
  public String toString() {
    return "SsePublishServlet{" + template + "}";
  }
}
