package org.ssekit.jetty;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.CloseReason;
import org.ssekit.Hub;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRejectedException;
import org.ssekit.StreamRequest;
import org.ssekit.internal.transport.HttpRules;
import org.ssekit.internal.transport.PathTemplate;
import org.ssekit.internal.transport.QueryString;
import org.ssekit.internal.transport.ResumeIds;
import org.ssekit.internal.transport.StreamLimits;
import org.ssekit.internal.transport.WriteDispatcher;

/**
 * Serves {@link Hub} streams with Jetty 12's core API, without the servlet layer: less memory per
 * open stream and a shorter write path than {@code sse-servlet} on Jetty, for applications that
 * run Jetty's core {@link Handler}s (or put this handler in front of their servlet context).
 *
 * <p>Each route is a path template, the topic computed from it and a {@link StreamAdapter}, as
 * {@code SseRouter.handler(pathTemplate, topic, adapter)} in {@code sse-servlet}:
 *
 * <pre>{@code
 * Hub hub = Hub.builder().history(1000).build();
 * SseHandler sse = SseHandler.builder(hub)
 *     .route("/rooms/{room}", "room-{room}", myAdapter)
 *     .build();
 * server.setHandler(sse); // or inside a ContextHandler, a PathMappingsHandler, ...
 * hub.publish("room-42", Event.of("hello"));
 * }</pre>
 *
 * <p>A request whose path matches no route goes to the next handler ({@code handle} returns
 * false). A matching {@code GET} with {@code Accept: text/event-stream} opens a stream (resuming
 * after {@code Last-Event-ID}, or the {@code lastEventId} query parameter, when the hub keeps
 * history); any other {@code GET} gets the adapter's initial response as a plain body. Refusals
 * are JSON ({@code {"error": ...}}): 400 for a malformed query string or an invalid topic, 405 for
 * other methods, 503 with {@code Retry-After} over a limit or while stopping, and the adapter's own
 * status and body when it rejects. No thread is held while a stream is open; woken streams are
 * written by a few writer threads of the handler ({@code ssekit-writer-N}) and completed writes
 * continue on Jetty's threads, at most one write at a time per stream, several queued events in
 * one write.
 *
 * <p>Cross-origin requests: put Jetty's {@code CrossOriginHandler} in front. A client that leaves
 * is noticed when a write fails, so keep the hub's heartbeat shorter than the connector's idle
 * timeout (the defaults: 15 s and 30 s). Stopping ends every stream after a last flush and waits up
 * to the {@linkplain Builder#shutdownTimeout shutdown timeout}: set {@code
 * server.setStopTimeout(...)} above 0, since Jetty closes the connections before it stops the
 * handlers unless it stops gracefully. The hub is the application's and stays open.
 *
 * <p>Thread-safe.
 */
public final class SseHandler extends Handler.Abstract.NonBlocking implements Graceful {

  private static final Logger log = LoggerFactory.getLogger(SseHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Hub hub;
  private final List<Route> routes;
  private final StreamLimits limits;
  private final long retryAfterSeconds;
  private final ResumeIds resumeIds;
  private final Duration shutdownTimeout;
  private final int writeConcurrency;
  /** The writer threads; a new one each start, closed at stop. */
  private volatile WriteDispatcher dispatcher;
  private final @Nullable BiConsumer<Request, StreamRequest.Builder> customizer;
  private final Set<CoreStreamWriter> writers = ConcurrentHashMap.newKeySet();
  private final Object drained = new Object();
  private volatile boolean stopping;
  /** Completed when the last stream ended after {@link #shutdown()}. */
  private volatile CompletableFuture<Void> allEnded = new CompletableFuture<>();

  private record Route(PathTemplate template, Function<StreamRequest, String> topic, StreamAdapter adapter) {}

  private SseHandler(Builder b) {
    this.hub = b.hub;
    this.routes = List.copyOf(b.routes);
    this.limits = new StreamLimits(b.maxStreams, b.maxStreamsPerClient);
    this.retryAfterSeconds = Math.max(1, b.retryAfter.toSeconds());
    this.resumeIds = new ResumeIds(b.maxLastEventIdLength, log);
    this.shutdownTimeout = b.shutdownTimeout;
    this.customizer = b.customizer;
    this.writeConcurrency = b.writeConcurrency;
    this.dispatcher = new WriteDispatcher(writeConcurrency);
  }

  /** A builder for a handler of {@code hub}'s streams. */
  public static Builder builder(Hub hub) {
    return new Builder(Objects.requireNonNull(hub, "hub"));
  }

  /** The hub whose streams this handler serves. */
  public Hub hub() {
    return hub;
  }

  /** Streams this handler has open now. */
  public int openStreams() {
    return writers.size();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    Route route = null;
    String[] params = null;
    for (Route r : routes) {
      params = r.template().matchPairs(path);
      if (params != null) {
        route = r;
        break;
      }
    }
    if (route == null) {
      return false;
    }
    String method = request.getMethod();
    boolean head = HttpMethod.HEAD.is(method);
    if (!head && !HttpMethod.GET.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      error(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, method + " is not allowed here");
      return true;
    }
    if (stopping || !isRunning()) {
      unavailable(response, callback, "the server is shutting down");
      return true;
    }
    response.getHeaders().add(HttpHeader.VARY, "Accept");
    boolean stream = acceptsEventStream(request);
    if (head && stream) {
      eventStreamHeaders(response);
      callback.succeeded();
      return true;
    }
    String client = Objects.requireNonNullElse(Request.getRemoteAddr(request), "unknown");
    StreamRequest sr;
    try {
      sr = streamRequest(request, path, params, client, stream);
    } catch (QueryString.MalformedQueryException e) {
      log.debug("400 for a malformed query string on {} from {}: {}", path, client, e.getMessage());
      error(response, callback, HttpStatus.BAD_REQUEST_400, "malformed query string: " + e.getMessage());
      return true;
    } catch (IllegalArgumentException e) {
      log.debug("400: the request customizer refused a request for {} from {}: {}", path, client, e.getMessage());
      error(response, callback, HttpStatus.BAD_REQUEST_400, "bad request: " + e.getMessage());
      return true;
    } catch (RuntimeException e) {
      log.error("the request customizer failed on {}", path, e);
      error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "request customizer failed");
      return true;
    }
    String topic;
    try {
      topic = Objects.requireNonNull(route.topic().apply(sr), "topic");
      HttpRules.checkTopic(topic);
    } catch (IllegalArgumentException e) {
      error(response, callback, HttpStatus.BAD_REQUEST_400, "no topic for " + path + ": " + e.getMessage());
      return true;
    } catch (RuntimeException e) {
      log.error("the topic resolver failed on {}", path, e);
      error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "topic resolver failed");
      return true;
    }
    if (stream) {
      openStream(request, response, callback, sr, topic, client, route.adapter());
    } else {
      plain(response, callback, sr, route.adapter());
    }
    return true;
  }

  private void plain(Response response, Callback callback, StreamRequest sr, StreamAdapter adapter) {
    InitialResponse r;
    try {
      r = Objects.requireNonNull(adapter.initial(sr), "initial response");
    } catch (RuntimeException e) {
      log.error("stream adapter {} failed on a plain GET of {}", adapter, sr, e);
      error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "stream adapter failed");
      return;
    }
    write(response, callback, r);
  }

  private void openStream(Request request, Response response, Callback callback, StreamRequest sr,
      String topic, String client, StreamAdapter adapter) {
    if (!limits.tryAcquire(client)) {
      unavailable(response, callback, "too many open streams; retry later");
      return;
    }
    CoreStreamWriter writer = new CoreStreamWriter(this, dispatcher, response, callback, client, request);
    StreamConnection connection;
    try {
      connection = hub.open(topic, adapter, sr, writer);
    } catch (StreamRejectedException e) {
      limits.release(client);
      InitialResponse r = e.response();
      if (r.status() == HttpStatus.SERVICE_UNAVAILABLE_503) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
      }
      write(response, callback, r);
      return;
    } catch (RuntimeException e) {
      limits.release(client);
      log.error("cannot open a stream of {} for {}", topic, sr, e);
      error(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, "cannot open the stream");
      return;
    }
    eventStreamHeaders(response);
    writers.add(writer);
    writer.start(connection);
    if (stopping) {
      connection.stream().close(); // lost a race with doStop(): end it like the others
    }
  }

  private static void eventStreamHeaders(Response response) {
    response.setStatus(HttpStatus.OK_200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("X-Accel-Buffering", "no");
  }

  /** Whether an {@code Accept} header of {@code request} names {@code text/event-stream}. */
  private static boolean acceptsEventStream(Request request) {
    for (HttpField f : request.getHeaders()) {
      if (f.is(HttpHeader.ACCEPT.asString()) && HttpRules.acceptsEventStream(f.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** The transport-neutral view of {@code request}; it outlives the request. */
  private StreamRequest streamRequest(Request request, String path, String[] params, String client, boolean stream) {
    StreamRequest.Builder b = StreamRequest.builder().path(path);
    for (int i = 0; i < params.length; i += 2) {
      b.pathParam(params[i], params[i + 1]);
    }
    String raw = request.getHttpURI().getQuery();
    List<String> query = raw == null ? List.of() : QueryString.parse(raw);
    for (int i = 0; i < query.size(); i += 2) {
      b.queryParam(query.get(i), query.get(i + 1));
    }
    for (HttpField f : request.getHeaders()) {
      b.header(f.getName(), f.getValue());
    }
    b.remoteAddress(client);
    if (stream) {
      b.lastEventId(resumeIds.resolve(request.getHeaders().get("Last-Event-ID"), query, client));
    }
    if (customizer != null) {
      customizer.accept(request, b);
    }
    return b.build();
  }


  // ---- answers ---------------------------------------------------------------------------------

  private static void write(Response response, Callback callback, InitialResponse r) {
    response.setStatus(r.status());
    if (r.status() == HttpStatus.NO_CONTENT_204) {
      callback.succeeded(); // no body, no Content-Length (RFC 9110)
      return;
    }
    byte[] body = r.body();
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback); // Jetty sends no body to a HEAD
  }

  private static void error(Response response, Callback callback, int status, String message) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // a String field always serialises
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private void unavailable(Response response, Callback callback, String message) {
    response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
    error(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, message);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Called once by a writer whose response has ended. */
  void ended(CoreStreamWriter writer, String client) {
    limits.release(client);
    writers.remove(writer);
    if (stopping && writers.isEmpty()) {
      allEnded.complete(null);
    }
    synchronized (drained) {
      drained.notifyAll();
    }
  }

  /**
   * Jetty's graceful stop ({@code Server.setStopTimeout} above 0), before it closes connections:
   * refuses new streams and ends every open one after a last flush of what is queued.
   *
   * @return completed when the last stream has ended
   */
  @Override
  public CompletableFuture<Void> shutdown() {
    stopping = true;
    CompletableFuture<Void> f = allEnded;
    for (CoreStreamWriter w : new ArrayList<>(writers)) {
      w.shutdown();
    }
    if (writers.isEmpty()) {
      f.complete(null);
    }
    return f;
  }

  @Override
  public boolean isShutdown() {
    return stopping;
  }

  /**
   * Ends every open stream after a last flush of what is queued and waits up to the shutdown
   * timeout for them to end; a stream still writing then is failed.
   */
  @Override
  protected void doStop() throws Exception {
    stopping = true;
    List<CoreStreamWriter> open = new ArrayList<>(writers);
    for (CoreStreamWriter w : open) {
      w.shutdown();
    }
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    synchronized (drained) {
      while (!writers.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
    List<CoreStreamWriter> left = new ArrayList<>(writers);
    if (!left.isEmpty()) {
      log.warn("{} streams did not end within {}; failing them", left.size(), shutdownTimeout);
      for (CoreStreamWriter w : left) {
        w.fail(new java.util.concurrent.TimeoutException("the handler stopped"), CloseReason.HUB_CLOSED);
      }
    }
    dispatcher.close();
    super.doStop();
  }

  @Override
  protected void doStart() throws Exception {
    if (stopping) {
      dispatcher = new WriteDispatcher(writeConcurrency); // started again after a stop
      allEnded = new CompletableFuture<>();
    }
    stopping = false;
    super.doStart();
  }

  @Override
  public String toString() {
    return "SseHandler{routes=" + routes.stream().map(r -> r.template().toString()).toList()
        + ", streams=" + writers.size() + "}";
  }

  /** Configures an {@link SseHandler}. Not thread-safe; build once. */
  public static final class Builder {
    private final Hub hub;
    private final List<Route> routes = new ArrayList<>();
    private int maxStreams = Integer.MAX_VALUE;
    private int maxStreamsPerClient = Integer.MAX_VALUE;
    private Duration retryAfter = Duration.ofSeconds(5);
    private int maxLastEventIdLength = HttpRules.DEFAULT_MAX_LAST_EVENT_ID_LENGTH;
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private @Nullable BiConsumer<Request, StreamRequest.Builder> customizer;
    private int writeConcurrency = Math.max(2, Runtime.getRuntime().availableProcessors());

    private Builder(Hub hub) {
      this.hub = hub;
    }

    /**
     * Adds a route: requests whose path (inside the context) matches {@code pathTemplate} stream
     * the topic {@code topic}, with its {@code {name}} placeholders filled from the path, through
     * {@code adapter}. Routes are tried in the order added.
     *
     * @param pathTemplate such as {@code /rooms/{room}}; {@code {name}} matches one non-empty segment
     * @param topic such as {@code room-{room}}; every placeholder must be a parameter of the path
     * @throws IllegalArgumentException if the template is malformed or the topic names a
     *     placeholder the path does not define
     */
    public Builder route(String pathTemplate, String topic, StreamAdapter adapter) {
      PathTemplate t = PathTemplate.parse(Objects.requireNonNull(pathTemplate, "pathTemplate"));
      t.checkTopic(Objects.requireNonNull(topic, "topic"));
      routes.add(new Route(t, PathTemplate.compileTopic(topic), Objects.requireNonNull(adapter, "adapter")));
      return this;
    }

    /** {@link #route(String, String, StreamAdapter)} with {@link StreamAdapter#passThrough()}. */
    public Builder route(String pathTemplate, String topic) {
      return route(pathTemplate, topic, StreamAdapter.passThrough());
    }

    /** At most this many streams open at once (default: no cap); more answer 503. */
    public Builder maxStreams(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxStreams must be at least 1, got " + max);
      }
      this.maxStreams = max;
      return this;
    }

    /** At most this many streams open at once per client address (default: no cap); more answer 503. */
    public Builder maxStreamsPerClient(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxStreamsPerClient must be at least 1, got " + max);
      }
      this.maxStreamsPerClient = max;
      return this;
    }

    /** The {@code Retry-After} of a 503 (default 5 s; whole seconds, at least 1). */
    public Builder retryAfter(Duration retryAfter) {
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** A longer last event id counts as none (default {@value HttpRules#DEFAULT_MAX_LAST_EVENT_ID_LENGTH}). */
    public Builder maxLastEventIdLength(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxLastEventIdLength must be at least 1, got " + max);
      }
      this.maxLastEventIdLength = max;
      return this;
    }

    /** How long stopping waits for the streams' last flush (default 5 s). */
    public Builder shutdownTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * How many writer threads may write woken streams at once (default: the number of cores, at
     * least 2). Writes never block, so more threads than cores rarely help.
     */
    public Builder writeConcurrency(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("writeConcurrency must be at least 1, got " + threads);
      }
      this.writeConcurrency = threads;
      return this;
    }

    /**
     * Runs on every matching request after the stream request is built from it and before the
     * adapter sees it: to set the principal from the application's authentication, say. An
     * {@link IllegalArgumentException} it throws answers 400 with its message.
     */
    public Builder requestCustomizer(BiConsumer<Request, StreamRequest.Builder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * The handler.
     *
     * @throws IllegalStateException if no route was added
     */
    public SseHandler build() {
      if (routes.isEmpty()) {
        throw new IllegalStateException("add at least one route");
      }
      return new SseHandler(this);
    }
  }
}
