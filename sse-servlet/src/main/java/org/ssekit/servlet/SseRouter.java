package org.ssekit.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.CloseReason;
import org.ssekit.Event;
import org.ssekit.EventStream;
import org.ssekit.Hub;
import org.ssekit.InitialResponse;
import org.ssekit.Marshaller;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRejectedException;
import org.ssekit.StreamRequest;
import org.ssekit.broker.Message;
import org.ssekit.internal.transport.HttpRules;
import org.ssekit.internal.transport.PathTemplate;
import org.ssekit.internal.transport.QueryString;
import org.ssekit.internal.transport.ResumeIds;
import org.ssekit.internal.transport.StreamLimits;
import org.ssekit.internal.transport.WriteDispatcher;

/**
 * Serves {@link Hub} streams from servlets, after Watermill's {@code SSERouter}: build one router
 * per application, then mount the servlets it hands out wherever the application wants them.
 *
 * <pre>{@code
 * SseRouter router = SseRouter.builder().allowOrigins("https://app.example").build();
 * context.addServlet(router.handler("/posts/{id}/stats", "post-stats", statsAdapter), "/posts/*");
 * context.addServlet(router.publishHandler("/api/topics/{topic}", "{topic}"), "/api/topics/*");
 * router.hub().publish("post-stats", "42", Event.of("views", "17"));
 * }</pre>
 *
 * <p>Each {@link #handler stream servlet} answers a {@code GET} with {@code Accept:
 * text/event-stream} with a stream of its topic (resumed after {@code Last-Event-ID} or the {@code
 * lastEventId} query parameter), any other {@code GET} with the adapter's initial response as a
 * plain body, and CORS preflights. Servlets must be registered with {@code asyncSupported=true}.
 * They hold no thread while a stream is open: writes are non-blocking, driven by a {@code
 * WriteListener} and by the hub's wake-ups, which the router's few writer threads ({@link
 * Builder#writeConcurrency}) serve.
 *
 * <p>Threads: all methods are thread-safe. {@link #close()} (and a stream servlet's {@code
 * destroy()}) ends every stream after a last flush and waits up to the {@linkplain
 * Builder#shutdownTimeout shutdown timeout} for the responses to complete.
 */
public final class SseRouter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SseRouter.class);

  private final Hub hub;
  private final boolean ownsHub;
  private final Marshaller marshaller;
  private final Cors cors;
  private final StreamLimits limits;
  private final long retryAfterSeconds;
  private final ResumeIds resumeIds;
  private final byte @Nullable [] publishToken;
  private final int maxPublishBytes;
  private final int maxPublishEvents;
  private final Duration publishReadTimeout;
  private final @Nullable BiConsumer<HttpServletRequest, StreamRequest.Builder> customizer;
  private final Duration shutdownTimeout;
  private final WriteDispatcher dispatcher;
  private final BufferPool buffers;

  /** Every open stream and the servlet that opened it: one map entry per stream, not two sets. */
  private final ConcurrentHashMap<StreamWriter, Object> writers = new ConcurrentHashMap<>();
  private final Object drained = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Refusals by status code (index), for {@link #stats()}. */
  private final AtomicLongArray publishRejected = new AtomicLongArray(600);
  private final AtomicLongArray streamsRejected = new AtomicLongArray(600);
  private final RouterStats stats =
      new RouterStats() {
        @Override
        public int openStreams() {
          return writers.size();
        }

        @Override
        public long publishRejected(int status) {
          return status >= 0 && status < 600 ? publishRejected.get(status) : 0;
        }

        @Override
        public long streamsRejected(int status) {
          return status >= 0 && status < 600 ? streamsRejected.get(status) : 0;
        }

        @Override
        public String toString() {
          return "RouterStats{openStreams=" + writers.size() + "}";
        }
      };

  private SseRouter(Builder b) {
    if (b.hub != null) {
      this.hub = b.hub;
      this.ownsHub = false;
    } else {
      Hub.Builder hb = Hub.builder();
      if (b.hubOptions != null) {
        b.hubOptions.accept(hb);
      }
      this.hub = hb.build();
      this.ownsHub = true;
    }
    this.marshaller = b.marshaller;
    this.cors = new Cors(Collections.unmodifiableSet(new LinkedHashSet<>(b.origins)), b.credentials);
    this.limits = new StreamLimits(b.maxStreams, b.maxStreamsPerClient);
    this.retryAfterSeconds = Math.max(1, (b.retryAfter.toMillis() + 999) / 1000);
    this.resumeIds = new ResumeIds(b.maxLastEventIdLength, log);
    this.publishToken = b.publishToken == null ? null : b.publishToken.getBytes(StandardCharsets.UTF_8);
    this.maxPublishBytes = b.maxPublishBytes;
    this.maxPublishEvents = b.maxPublishEvents;
    this.publishReadTimeout = b.publishReadTimeout;
    this.customizer = b.customizer;
    this.shutdownTimeout = b.shutdownTimeout;
    this.dispatcher = new WriteDispatcher(b.writeConcurrency);
    // enough idle buffers for every write task and container callback to have one at hand
    this.buffers = new BufferPool(StreamWriter.BATCH_BYTES, Math.max(64, 16 * b.writeConcurrency));
  }

  /** A router on its own hub and in-memory broker, with default settings. */
  public static SseRouter create() {
    return builder().build();
  }

  /** A builder for a router. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- servlets ---------------------------------------------------------------------------

  /** A stream servlet of the fixed {@code topic} that passes every message through. */
  public HttpServlet handler(String topic) {
    return handler(topic, StreamAdapter.passThrough());
  }

  /**
   * A stream servlet of the fixed {@code topic}, answering at whatever path it is mounted.
   *
   * @param adapter decides who may connect and what each client sees
   */
  public HttpServlet handler(String topic, StreamAdapter adapter) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(adapter, "adapter");
    return new StreamServlet(this, PathTemplate.ANY, r -> topic, adapter);
  }

  /**
   * A stream servlet answering at {@code pathTemplate} (relative to the web application, e.g.
   * {@code /posts/{id}/stats}), whose parameters fill {@link StreamRequest#pathParams()}. Mount it
   * at a mapping that covers the template ({@code /posts/*}); other paths answer 404.
   *
   * @param topic the topic, where {@code {name}} is replaced by that path parameter (e.g. {@code
   *     "{topic}"} for {@code /api/topics/{topic}/events})
   * @throws IllegalArgumentException if the template is malformed or the topic names a parameter
   *     the template does not define
   */
  public HttpServlet handler(String pathTemplate, String topic, StreamAdapter adapter) {
    PathTemplate t = PathTemplate.parse(Objects.requireNonNull(pathTemplate, "pathTemplate"));
    t.checkTopic(Objects.requireNonNull(topic, "topic"));
    return new StreamServlet(this, t, PathTemplate.compileTopic(topic), adapter);
  }

  /**
   * A stream servlet answering at {@code pathTemplate} whose topic is computed from each request.
   * The function runs on the request thread; an {@link IllegalArgumentException} from it answers
   * 400.
   */
  public HttpServlet handler(
      String pathTemplate, Function<StreamRequest, String> topic, StreamAdapter adapter) {
    PathTemplate t = PathTemplate.parse(Objects.requireNonNull(pathTemplate, "pathTemplate"));
    return new StreamServlet(this, t, Objects.requireNonNull(topic, "topic"), Objects.requireNonNull(adapter, "adapter"));
  }

  /**
   * A publish servlet for the fixed {@code topic}: {@code POST} {@code {"data": ..., "event": ...,
   * "id": ..., "retry": ...}} (or an array of them; only {@code data} is required; data that is
   * not a JSON string is published as its JSON text) with {@code Content-Type: application/json}.
   * Answers 202 {@code {"ids": [...]}}; 400 or 413 with {@code {"error": ...}} and nothing
   * published when any element is invalid or the body too large; 401 without the {@linkplain
   * Builder#publishToken bearer token} when one is configured.
   */
  public HttpServlet publishHandler(String topic) {
    Objects.requireNonNull(topic, "topic");
    return new PublishServlet(this, PathTemplate.ANY, p -> topic);
  }

  /** A publish servlet at {@code pathTemplate} whose topic may use its parameters. */
  public HttpServlet publishHandler(String pathTemplate, String topic) {
    PathTemplate t = PathTemplate.parse(Objects.requireNonNull(pathTemplate, "pathTemplate"));
    t.checkTopic(Objects.requireNonNull(topic, "topic"));
    return new PublishServlet(this, t, p -> PathTemplate.expand(topic, p));
  }

  // ---- application side -------------------------------------------------------------------

  /** The hub the streams are opened on; publish and send through it. */
  public Hub hub() {
    return hub;
  }

  /** The marshaller given to the builder (default {@link Marshaller#text()}). */
  public Marshaller marshaller() {
    return marshaller;
  }

  /**
   * Publishes {@code value}, marshalled with the router's marshaller, as an event of type {@code
   * eventName} (empty for the default type {@code message}). Returns at once.
   *
   * @return the stage of {@link Hub#publish(String, Event)}: the stored message with its id
   */
  public CompletionStage<Message> publish(String topic, String eventName, Object value) {
    Objects.requireNonNull(value, "value");
    Event e = Event.builder().name(eventName).data(marshaller.marshal(value)).build();
    return hub.publish(topic, e);
  }

  /** The number of streams open through this router's servlets. */
  public int openStreams() {
    return writers.size();
  }

  /** The counters of the requests this router refused, and its open streams; a live view. */
  public RouterStats stats() {
    return stats;
  }

  /** True once {@link #close()} has been called. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Stops accepting streams (503), ends every open stream after a last flush, closes the hub if
   * the router built it, and waits up to the shutdown timeout for the responses to complete.
   * Idempotent; blocks the calling thread at most the shutdown timeout.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    shutdown(writers.keySet());
    if (ownsHub) {
      hub.close();
    }
    dispatcher.close();
  }

  // ---- streams served by other protocols' servlets ------------------------------------------

  /**
   * Callbacks of a stream served through {@link #serveStream}. Both are optional; an exception from
   * either is logged and ignored.
   */
  public interface StreamHooks {
    /**
     * The hub opened {@code stream} (its initial events are queued and its history replayed) and
     * no byte has been written: the last chance to set response headers. Runs on the request
     * thread.
     */
    default void opened(EventStream stream, HttpServletResponse response) {}

    /**
     * The response of {@code stream} ended, for whatever reason. Runs on a writer or container
     * thread; must return at once.
     */
    default void ended(EventStream stream) {}
  }

  static final StreamHooks NO_HOOKS = new StreamHooks() {};

  /**
   * Serves {@code req} as a stream of {@code topic} through this router's non-blocking writers,
   * limits and shutdown, for servlets of protocols built on ssekit (such as {@code sse-mercure})
   * that parse the request themselves. Answers like a stream servlet of this router: the
   * adapter's rejection, 503 over a limit or while closing, else {@code 200 text/event-stream}.
   * The servlet must be registered with {@code asyncSupported=true}; call it from {@code doGet}.
   * Streams served this way end when the router closes.
   *
   * @param request the transport-neutral view of {@code req}, with its last event id
   * @param hooks told when the stream opened (to add headers) and when it ended
   * @throws IOException if writing an error answer fails
   */
  public void serveStream(
      HttpServletRequest req,
      HttpServletResponse resp,
      String topic,
      StreamAdapter adapter,
      StreamRequest request,
      StreamHooks hooks)
      throws IOException {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(hooks, "hooks");
    if (isClosed()) {
      Http.unavailable(resp, retryAfterSeconds, "the server is shutting down");
      return;
    }
    String client = Objects.requireNonNullElse(request.remoteAddress().orElse(null), "unknown");
    openStream(req, resp, request, topic, client, adapter, this, hooks);
  }

  /** Opens a hub stream for {@code req} and starts writing it; see {@link #serveStream}. */
  void openStream(
      HttpServletRequest req,
      HttpServletResponse resp,
      StreamRequest sr,
      String topicName,
      String client,
      StreamAdapter adapter,
      Object owner,
      StreamHooks hooks)
      throws IOException {
    if (!limits.tryAcquire(client)) {
      streamRejected(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
      Http.unavailable(resp, retryAfterSeconds, "too many open streams; retry later");
      return;
    }
    EventStream[] opened = new EventStream[1];
    StreamWriter writer =
        new StreamWriter(
            dispatcher,
            buffers,
            w -> {
              limits.release(client);
              unregister(w);
              if (opened[0] != null && hooks != NO_HOOKS) {
                try {
                  hooks.ended(opened[0]);
                } catch (RuntimeException e) {
                  log.warn("stream hook {} failed on ended", hooks, e);
                }
              }
            });
    StreamConnection connection;
    try {
      connection = hub.open(topicName, adapter, sr, writer);
    } catch (StreamRejectedException e) {
      limits.release(client);
      InitialResponse r = e.response();
      if (r.status() >= 400) {
        streamRejected(r.status()); // 204 ends a client's retries: an answer, not a refusal
      }
      if (r.status() == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
        resp.setHeader("Retry-After", Long.toString(retryAfterSeconds));
      }
      Http.write(resp, r);
      return;
    } catch (RuntimeException e) {
      limits.release(client);
      log.error("cannot open a stream of {} for {}", topicName, sr, e);
      streamRejected(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
      Http.error(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "cannot open the stream");
      return;
    }
    AsyncContext async;
    try {
      async = req.startAsync();
    } catch (IllegalStateException e) {
      connection.close(CloseReason.ERROR);
      limits.release(client);
      log.error(
          "cannot stream {}: register the servlet with asyncSupported=true (and every filter "
              + "in front of it)",
          sr.path(),
          e);
      streamRejected(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
      Http.error(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "async not supported");
      return;
    }
    async.setTimeout(0); // a healthy stream lives as long as the client wants it
    resp.setStatus(HttpServletResponse.SC_OK);
    resp.setContentType("text/event-stream; charset=utf-8");
    resp.setHeader("Cache-Control", "no-cache");
    resp.setHeader("X-Accel-Buffering", "no");
    if (hooks != NO_HOOKS) {
      try {
        hooks.opened(connection.stream(), resp);
      } catch (RuntimeException e) {
        log.warn("stream hook {} failed on opened", hooks, e);
      }
      opened[0] = connection.stream();
    }
    register(writer, owner);
    // on Jetty, the response's own buffer would hold 32 KiB of direct memory for the life of the
    // stream, and the writer batches already: see UnbufferedOutput
    writer.start(connection, async, UnbufferedOutput.wrap(resp.getOutputStream()));
    if (isClosed()) {
      writer.shutdown(); // lost a race with close(): end it like the others
    }
  }

  // ---- package-private plumbing ---------------------------------------------------------------

  /** Ends {@code streams} after a last flush and waits up to the shutdown timeout. */
  void shutdown(Collection<StreamWriter> streams) {
    List<StreamWriter> snapshot = new ArrayList<>(streams);
    for (StreamWriter w : snapshot) {
      try {
        w.shutdown();
      } catch (RuntimeException e) {
        log.warn("closing a stream failed", e);
      }
    }
    long deadline = System.nanoTime() + shutdownTimeout.toNanos();
    synchronized (drained) {
      while (snapshot.stream().anyMatch(w -> !w.isFinished())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.warn("{} streams did not end within {}", snapshot.stream().filter(w -> !w.isFinished()).count(), shutdownTimeout);
          return;
        }
        try {
          drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  void publishRejected(int status) {
    if (status >= 0 && status < 600) {
      publishRejected.incrementAndGet(status);
    }
  }

  void streamRejected(int status) {
    if (status >= 0 && status < 600) {
      streamsRejected.incrementAndGet(status);
    }
  }

  void register(StreamWriter w, Object owner) {
    writers.put(w, owner);
  }

  /** The open streams of one servlet. */
  List<StreamWriter> writersOf(Object owner) {
    List<StreamWriter> of = new ArrayList<>();
    writers.forEach((w, s) -> {
      if (s == owner) {
        of.add(w);
      }
    });
    return of;
  }

  void unregister(StreamWriter w) {
    writers.remove(w);
    synchronized (drained) {
      drained.notifyAll();
    }
  }

  Cors cors() {
    return cors;
  }

  StreamLimits limits() {
    return limits;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  byte @Nullable [] publishToken() {
    return publishToken;
  }

  int maxPublishBytes() {
    return maxPublishBytes;
  }

  int maxPublishEvents() {
    return maxPublishEvents;
  }

  Duration publishReadTimeout() {
    return publishReadTimeout;
  }

  /**
   * The transport-neutral view of {@code req}. It outlives the request (the container recycles
   * that), so it holds the container's strings, not the request; see {@link StreamRequest} for
   * how it stores them compactly.
   *
   * @param pathParams name/value pairs from {@link PathTemplate#matchPairs}
   * @param remoteAddress {@code req.getRemoteAddr()}, which the caller already has
   * @throws Query.MalformedQueryException if the query string is malformed (a client error)
   */
  StreamRequest streamRequest(
      HttpServletRequest req,
      String path,
      String[] pathParams,
      @Nullable String remoteAddress,
      boolean stream) {
    StreamRequest.Builder b = StreamRequest.builder().path(path);
    for (int i = 0; i < pathParams.length; i += 2) {
      b.pathParam(pathParams[i], pathParams[i + 1]);
    }
    // a GET's parameters are its query's (form bodies count for POST only); parsed strictly here,
    // not by the container, so a malformed query is the same 400 on every container
    String rawQuery = req.getQueryString();
    List<String> query = rawQuery == null ? List.of() : QueryString.parse(rawQuery);
    for (int i = 0; i < query.size(); i += 2) {
      b.queryParam(query.get(i), query.get(i + 1));
    }
    Enumeration<String> names = req.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String n = names.nextElement();
      Enumeration<String> vs = req.getHeaders(n);
      while (vs.hasMoreElements()) {
        b.header(n, vs.nextElement());
      }
    }
    var principal = req.getUserPrincipal();
    b.principal(principal == null ? null : principal.getName());
    b.remoteAddress(remoteAddress);
    if (stream) {
      b.lastEventId(lastEventId(req, query));
    }
    if (customizer != null) {
      customizer.accept(req, b);
    }
    return b.build();
  }

  /**
   * The id the client resumes from ({@link ResumeIds}).
   *
   * @param query the parsed query, name/value pairs ({@link QueryString#parse})
   */
  @Nullable String lastEventId(HttpServletRequest req, List<String> query) {
    return resumeIds.resolve(req.getHeader("Last-Event-ID"), query, req.getRemoteAddr());
  }

  @Override
  public String toString() {
    return "SseRouter{streams=" + writers.size() + ", closed=" + closed.get() + "}";
  }

  /**
   * Builds an {@link SseRouter}. Setters fail fast on invalid values; {@link #build()} fails when
   * options contradict each other and says which. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable Hub hub;
    private @Nullable Consumer<Hub.Builder> hubOptions;
    private Marshaller marshaller = Marshaller.text();
    private final Set<String> origins = new LinkedHashSet<>();
    private boolean credentials;
    private int maxStreams = Integer.MAX_VALUE;
    private int maxStreamsPerClient = Integer.MAX_VALUE;
    private Duration retryAfter = Duration.ofSeconds(5);
    private int maxLastEventIdLength = HttpRules.DEFAULT_MAX_LAST_EVENT_ID_LENGTH;
    private @Nullable String publishToken;
    private int maxPublishBytes = 64 * 1024;
    private int maxPublishEvents = 512;
    private Duration publishReadTimeout = Duration.ofSeconds(30);
    private @Nullable BiConsumer<HttpServletRequest, StreamRequest.Builder> customizer;
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private int writeConcurrency = Math.max(2, Runtime.getRuntime().availableProcessors());

    private Builder() {}

    /**
     * Serves streams of an existing hub, which the router does not close. Use it to share one hub
     * between routers, or with code that publishes through {@link Hub} directly.
     *
     * @throws IllegalStateException if {@link #hub(Consumer)} was called already
     */
    public Builder hub(Hub hub) {
      Objects.requireNonNull(hub, "hub");
      if (hubOptions != null) {
        throw new IllegalStateException("hub(Consumer) was already set: the router would build its own hub");
      }
      this.hub = hub;
      return this;
    }

    /**
     * Configures the hub the router builds, owns and closes: its broker, heartbeat, retry, queue
     * capacity, slow-consumer policy, listeners and scheduler are {@link Hub.Builder} options, e.g.
     * {@code hub(h -> h.broker(broker).heartbeat(Duration.ofSeconds(30)))}. Runs once, in {@link
     * #build()}. Without it the router builds a hub with {@link Hub.Builder}'s defaults.
     *
     * @throws IllegalStateException if {@link #hub(Hub)} was called already
     */
    public Builder hub(Consumer<Hub.Builder> options) {
      Objects.requireNonNull(options, "options");
      if (hub != null) {
        throw new IllegalStateException("hub(Hub) was already set: configure that hub's builder instead");
      }
      this.hubOptions = options;
      return this;
    }

    /** The marshaller of {@link SseRouter#publish(String, String, Object)} (default text). */
    public Builder marshaller(Marshaller marshaller) {
      this.marshaller = Objects.requireNonNull(marshaller, "marshaller");
      return this;
    }

    /**
     * Origins allowed to connect from other sites, e.g. {@code https://app.example} (scheme, host
     * and port as browsers send them), or {@code *} for any. Default: none (no CORS headers).
     */
    public Builder allowOrigins(String... origins) {
      for (String o : origins) {
        Objects.requireNonNull(o, "origin");
        String t = o.trim();
        if (t.isEmpty() || t.endsWith("/")) {
          throw new IllegalArgumentException("an origin is scheme://host[:port] without a path or trailing '/': " + o);
        }
        this.origins.add(t.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Lets allowed origins send cookies ({@code withCredentials}). Credentials are only ever
     * granted to an explicitly listed origin, so this cannot be combined with {@code *}.
     */
    public Builder allowCredentials(boolean allow) {
      this.credentials = allow;
      return this;
    }

    /** The most streams open at once through this router (default unlimited); above it, 503. */
    public Builder maxStreams(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxStreams must be positive: " + max);
      }
      this.maxStreams = max;
      return this;
    }

    /**
     * The most streams one client address may hold open (default unlimited); above it, 503. Behind
     * a reverse proxy, let the container resolve the client address (Jetty's {@code
     * ForwardedRequestCustomizer}, Tomcat's {@code RemoteIpValve}).
     */
    public Builder maxStreamsPerClient(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxStreamsPerClient must be positive: " + max);
      }
      this.maxStreamsPerClient = max;
      return this;
    }

    /**
     * The {@code Retry-After} sent with 503 answers and with the 429 of a publish refused by a
     * capacity bound (default 5 s, rounded up to seconds).
     */
    public Builder retryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** The longest last event id accepted (default 256 characters); longer ones count as none. */
    public Builder maxLastEventIdLength(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxLastEventIdLength must be positive: " + max);
      }
      this.maxLastEventIdLength = max;
      return this;
    }

    /** Requires {@code Authorization: Bearer <token>} on the publish servlets (default: none). */
    public Builder publishToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("publish token must not be blank");
      }
      this.publishToken = token;
      return this;
    }

    /** The largest publish body accepted (default 64 KiB); larger ones answer 413. */
    public Builder maxPublishBytes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPublishBytes must be positive: " + max);
      }
      this.maxPublishBytes = max;
      return this;
    }

    /**
     * The most events one publish request may carry (default 512); a larger batch answers 413 and
     * publishes nothing. A batch lands in every reader's queue at once, so keep this well below
     * the hub's {@link Hub.Builder#queueCapacity queueCapacity} (default 1024, twice this): a
     * batch larger than the queue would trip the slow-consumer policy of readers that keep up.
     */
    public Builder maxPublishEvents(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPublishEvents must be positive: " + max);
      }
      this.maxPublishEvents = max;
      return this;
    }

    /**
     * How long a publish request may take, from its first byte to the broker's confirmation
     * (default 30 s). A body still arriving then answers 408 (JSON) and closes the connection; a
     * publish the broker has not confirmed by then answers 504 saying the outcome is unknown.
     * Pair it with the container's minimum request data rate against slow senders.
     */
    public Builder publishReadTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("publishReadTimeout must be positive: " + timeout);
      }
      this.publishReadTimeout = timeout;
      return this;
    }

    /**
     * Lets the application complete each {@link StreamRequest} from the servlet request, e.g. set
     * the principal from its session. Runs on the request thread; an {@link
     * IllegalArgumentException} answers 400 (its message is sent to the client, logged at DEBUG),
     * any other exception 500 (logged at ERROR: a bug in the customizer).
     */
    public Builder requestCustomizer(BiConsumer<HttpServletRequest, StreamRequest.Builder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** How long {@link SseRouter#close()} waits for streams to end (default 5 s). */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must not be negative: " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * The number of the router's writer threads ({@code ssekit-writer-N}; default: the number of
     * processors, at least 2), which write woken streams. Writes never block, so a few threads
     * serve many streams, and a heartbeat or broadcast to thousands of streams does not grow the
     * container's pool. They start on demand and end after 30 s without work. Writes resumed by the
     * container's own {@code onWritePossible} callbacks run on the container's threads.
     */
    public Builder writeConcurrency(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("writeConcurrency must be positive: " + threads);
      }
      this.writeConcurrency = threads;
      return this;
    }

    /**
     * Builds the router (and its hub, unless one was given).
     *
     * @throws IllegalStateException if credentials were combined with the {@code *} origin
     */
    public SseRouter build() {
      if (credentials && origins.contains("*")) {
        throw new IllegalStateException(
            "allowCredentials(true) needs explicit origins: '*' would hand cookies to any site");
      }
      return new SseRouter(this);
    }
  }
}
