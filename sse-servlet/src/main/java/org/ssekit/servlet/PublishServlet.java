package org.ssekit.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.Event;
import org.ssekit.broker.CapacityExceededException;
import org.ssekit.broker.DuplicateIdException;
import org.ssekit.broker.Message;
import org.ssekit.broker.PublishUnconfirmedException;
import org.ssekit.internal.transport.HttpRules;
import org.ssekit.internal.transport.PathTemplate;

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
  /** Streaming parser and generator factory: duplicate keys are an error at any depth. */
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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
    if (!Http.isJson(req.getContentType())) {
      // also forces a CORS preflight for cross-origin publishers: no simple-request form posts
      Http.closeConnection(req, resp);
      router.publishRejected(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
      Http.error(resp, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json (UTF-8)");
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
      HttpRules.checkTopic(topicName);
    } catch (IllegalArgumentException e) {
      Http.closeConnection(req, resp);
      router.publishRejected(HttpServletResponse.SC_BAD_REQUEST);
      Http.error(resp, HttpServletResponse.SC_BAD_REQUEST, "no topic for this path: " + e.getMessage());
      return;
    }
    AsyncContext async = req.startAsync();
    async.setTimeout(router.publishReadTimeout().toMillis());
    ServletInputStream in = req.getInputStream();
    Body body = new Body(async, req, in, resp, topicName, max);
    async.addListener(body);
    in.setReadListener(body);
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

  /**
   * Reads one request body without blocking, then validates and publishes it. Every way the
   * request can end (read, refused, failed read, timeout) answers once, with JSON.
   */
  private final class Body implements ReadListener, AsyncListener {
    private final AsyncContext async;
    private final HttpServletRequest req;
    private final ServletInputStream in;
    private final HttpServletResponse resp;
    private final String topicName;
    private final int max;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] chunk = new byte[4096];
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile boolean bodyRead;

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
      bodyRead = true;
      List<Event> events;
      try {
        events = parse(body.toByteArray());
      } catch (BadRequest e) {
        answer(HttpServletResponse.SC_BAD_REQUEST, error(e.getMessage()));
        return;
      }
      int maxEvents = router.maxPublishEvents();
      if (events.size() > maxEvents) {
        // more than a stream's queue may take at once: the slow-consumer policy would cut
        // readers that keep up; refuse it whole instead
        answer(
            HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
            error("a batch of " + events.size() + " events is more than the " + maxEvents
                + " one publish may carry (maxPublishEvents): split it"));
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
          Throwable cause = unwrap(e);
          ObjectNode err;
          int status;
          if (cause instanceof DuplicateIdException d) {
            // a client error: the id is in the history already; nothing of this event was stored
            log.debug("publishing to {} refused: {}", topicName, d.getMessage());
            err = error("duplicate id: " + d.id());
            status = HttpServletResponse.SC_CONFLICT;
          } else if (cause instanceof CapacityExceededException c) {
            // a bound of the broker's memory: nothing of this event was stored; retry later
            log.debug("publishing to {} refused: {}", topicName, c.getMessage());
            err = error("capacity exceeded: " + c.getMessage());
            err.put("limit", c.limit());
            err.put("max", c.max());
            err.put("outcome", "not published");
            status = 429;
            resp.setHeader("Retry-After", Long.toString(router.retryAfterSeconds()));
          } else if (cause instanceof IllegalArgumentException) {
            log.debug("publishing to {} refused: {}", topicName, cause.getMessage());
            err = error("refused by the broker: " + cause.getMessage());
            status = HttpServletResponse.SC_BAD_REQUEST;
          } else if (cause instanceof PublishUnconfirmedException) {
            log.warn("publishing to {} unconfirmed: {}", topicName, cause.getMessage());
            err = error("publish unconfirmed: " + cause.getMessage());
            err.put("outcome", "unknown"); // the event may have been stored: check before retrying
            status = HttpServletResponse.SC_SERVICE_UNAVAILABLE;
          } else {
            log.warn("publishing to {} failed", topicName, e);
            err = error("publish failed: " + rootMessage(e));
            err.put("outcome", "not published");
            status = HttpServletResponse.SC_SERVICE_UNAVAILABLE;
          }
          err.put("published", ids.size());
          err.set("ids", ids);
          answer(status, err);
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

    /** The body could not be read: malformed chunked framing, a truncated body, a reset. */
    @Override
    public void onError(Throwable t) {
      log.debug("400 for a publish body that could not be read: {}", String.valueOf(t));
      Http.closeConnection(req, resp);
      answer(HttpServletResponse.SC_BAD_REQUEST, error("the request body could not be read (truncated or malformed framing)"));
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      if (bodyRead) {
        // the broker has not answered yet: say so, the events may or may not be stored
        answer(
            HttpServletResponse.SC_GATEWAY_TIMEOUT,
            error("the broker did not confirm the publish within " + router.publishReadTimeout().toMillis()
                + " ms: the events may or may not have been published"));
        return;
      }
      log.debug("408 for a publish body not read within {}", router.publishReadTimeout());
      Http.closeConnection(req, resp);
      answer(
          HttpServletResponse.SC_REQUEST_TIMEOUT,
          error("the request body did not arrive within " + router.publishReadTimeout().toMillis() + " ms"));
    }

    @Override
    public void onError(AsyncEvent event) {
      onError(event.getThrowable() == null ? new IOException("async error") : event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
      answered.set(true);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}

    private void answer(int status, ObjectNode json) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      if (status >= 400) {
        router.publishRejected(status);
      }
      try {
        Http.json(resp, status, json);
      } catch (IOException | RuntimeException e) {
        log.debug("cannot answer a publish request (the client is gone?): {}", e.toString());
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

  /**
   * The failure a publish stage reports, without the future's wrappers: not the innermost cause,
   * since a broker's {@link PublishUnconfirmedException} carries the timeout that caused it.
   */
  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage());
  }

  /**
   * Parses and validates the whole body; throws before anything is published. The body must be
   * strict UTF-8 (an overlong or otherwise malformed sequence is refused, not decoded); {@code data}
   * that is not a string is published as its JSON text, with numbers exactly as sent (never
   * re-rendered through a double); ids must be non-empty and distinct within a batch.
   */
  static List<Event> parse(byte[] body) throws BadRequest {
    String text = utf8(body);
    List<Event> events = new ArrayList<>();
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken root = p.nextToken();
      if (root == null) {
        throw new BadRequest("empty body: expected an event object or an array of them");
      }
      Map<String, Integer> ids = new HashMap<>();
      if (root == JsonToken.START_ARRAY) {
        int i = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t == null) {
            throw new BadRequest("malformed JSON: the array is not closed");
          }
          events.add(event(p, t, "[" + i + "].", i, ids));
          i++;
        }
        if (i == 0) {
          throw new BadRequest("empty array: expected at least one event");
        }
      } else {
        events.add(event(p, root, "", 0, ids));
      }
      if (p.nextToken() != null) {
        throw new BadRequest("malformed JSON: trailing content after the " + (root == JsonToken.START_ARRAY ? "array" : "event"));
      }
    } catch (JsonProcessingException e) {
      throw new BadRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequest("unreadable body: " + e.getMessage());
    }
    return events;
  }

  /** Decodes {@code body} as strict UTF-8. */
  private static String utf8(byte[] body) throws BadRequest {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult r = d.decode(in, out, true);
    if (r.isUnderflow()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      throw new BadRequest("the body is not valid UTF-8 (byte offset " + in.position() + ")");
    }
    out.flip();
    return out.toString();
  }

  private static Event event(JsonParser p, JsonToken start, String where, int index, Map<String, Integer> ids)
      throws IOException, BadRequest {
    if (start != JsonToken.START_OBJECT) {
      throw new BadRequest((where.isEmpty() ? "body" : where.substring(0, where.length() - 1))
          + " must be a JSON object with at least \"data\"");
    }
    Event.Builder b = Event.builder();
    boolean hasData = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      try {
        switch (name) {
          case "data":
            if (v == JsonToken.VALUE_NULL) {
              throw new BadRequest(where + "data must not be null");
            }
            b.data(v == JsonToken.VALUE_STRING ? p.getText() : jsonText(p));
            hasData = true;
            break;
          case "event":
            b.name(text(p, v, where + name));
            break;
          case "id":
            String id = text(p, v, where + name);
            if (id.isEmpty()) {
              // on the wire "id:" with no value resets the client's last event id
              throw new BadRequest(where + "id must not be empty (an empty id resets the client's last event id)");
            }
            Integer first = ids.putIfAbsent(id, index);
            if (first != null) {
              throw new BadRequest(where + "id repeats the id of [" + first + "]: ids in a batch must be distinct");
            }
            b.id(id);
            break;
          case "retry":
            if (v != JsonToken.VALUE_NUMBER_INT
                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < 0) {
              throw new BadRequest(where + "retry must be a non-negative integer (milliseconds)");
            }
            b.retry(p.getLongValue());
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

  /**
   * The current value (a number, boolean, object or array) as compact JSON text; numbers are
   * copied as their source text.
   */
  private static String jsonText(JsonParser p) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      int depth = 0;
      JsonToken t = p.currentToken();
      while (true) {
        switch (t) {
          case VALUE_NUMBER_INT:
          case VALUE_NUMBER_FLOAT:
            g.writeNumber(p.getText());
            break;
          case START_OBJECT:
          case START_ARRAY:
            depth++;
            g.copyCurrentEvent(p);
            break;
          case END_OBJECT:
          case END_ARRAY:
            depth--;
            g.copyCurrentEvent(p);
            break;
          default:
            g.copyCurrentEvent(p);
        }
        if (depth == 0) {
          break;
        }
        t = p.nextToken();
        if (t == null) {
          throw new JsonParseException(p, "unexpected end of input in data");
        }
      }
    }
    return w.toString();
  }

  private static String text(JsonParser p, JsonToken v, String field) throws IOException, BadRequest {
    if (v != JsonToken.VALUE_STRING) {
      throw new BadRequest(field + " must be a string");
    }
    return p.getText();
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
