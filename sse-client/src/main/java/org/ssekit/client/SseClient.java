package org.ssekit.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Server-Sent Events client on the JDK {@link HttpClient}, with the reconnection behaviour of a
 * browser's {@code EventSource} and the controls a service needs.
 *
 * <pre>{@code
 * SseClient client = SseClient.builder(URI.create("http://localhost:8080/events"))
 *     .header("Authorization", "Bearer " + token)
 *     .onEvent("price", e -> System.out.println(e.data()))
 *     .listener(new ConnectionListener() {
 *       public void onError(SseException error) { log.warn("stream: {}", error.getMessage()); }
 *     })
 *     .build()
 *     .start();
 * // ... later
 * client.close();
 * }</pre>
 *
 * <h2>Requests</h2>
 *
 * Every request carries {@code Accept: text/event-stream} and {@code Cache-Control: no-cache}
 * (both may be overridden with {@link Builder#header}), the custom headers, and {@code
 * Last-Event-ID} whenever the last event id is not empty (initially {@link Builder#lastEventId},
 * then as the stream sets it with {@code id:}). The method and body ({@link Builder#method}, {@link
 * Builder#body}) are resent unchanged on every reconnection. Plain {@code http} URIs are requested
 * with HTTP/1.1 (no h2c upgrade); {@code https} uses the HttpClient's version (HTTP/2 when the
 * server offers it).
 *
 * <h2>Responses and the error policy</h2>
 *
 * A 2xx response other than 204 whose {@code Content-Type} is {@code text/event-stream} (any
 * parameters) opens the stream: {@link ConnectionListener#onOpen}. Anything else is reported to
 * {@link ConnectionListener#onError} as an {@link SseException}, its body is discarded unread and
 * its connection closed, and then:
 *
 * <ul>
 *   <li>HTTP 204 No Content always stops the client ({@link ConnectionListener#onClosed}): the
 *       server's way of saying "do not come back".
 *   <li>Every other failure — a non-2xx status, a wrong content type, a connection error, the end
 *       of the stream, a timeout — is passed to the {@link Builder#reconnectWhen} predicate: {@code
 *       true} reconnects, {@code false} stops. The default, {@link SseException#isTransient()},
 *       reconnects after network errors, end of stream, timeouts, 408, 429 and 5xx, and stops on
 *       other 4xx, on a wrong content type and on protocol errors.
 * </ul>
 *
 * <h2>Reconnection</h2>
 *
 * The wait before a reconnection starts from the reconnection time: the last {@code retry:} the
 * server sent, or {@link Builder#initialDelay} (1 s), but never less than {@link
 * #MIN_RECONNECT_DELAY} (100 ms), so that neither {@code retry: 0} nor an initial delay of zero can
 * make the client reconnect in a busy loop. It doubles with every consecutive failure up to {@link
 * Builder#maxDelay} (30 s, or the server's {@code retry} if larger), plus up to {@link
 * Builder#jitter} (50 %) random extra, never beyond that cap and never below the server's {@code
 * retry}. A {@code Retry-After} on a 503 or 429 response lengthens that wait to its value, up to
 * the same cap. A connection that stayed open for {@link Builder#backoffResetAfter} (60 s) resets the
 * count. A partial event cut by a drop is discarded. With {@link Builder#readTimeout} set, a stream
 * that delivers no bytes for that long is dropped and reconnected.
 *
 * <h2>Threads</h2>
 *
 * The client has no thread of its own. Connections and bodies are driven by the {@link HttpClient};
 * reconnect delays and read timeouts run on the scheduler. Unless injected, both are defaults
 * shared by the clients that were given none, and they exist only while such a client is started
 * and not closed:
 *
 * <ul>
 *   <li>the default scheduler is one daemon thread, {@code ssekit-sse-client-scheduler};
 *   <li>the default HttpClient (redirects followed, 10 s connect timeout) runs on daemon threads
 *       {@code ssekit-sse-client-http-N} (a cached pool: as many as are busy at once), plus the
 *       JDK's own selector thread {@code HttpClient-N-SelectorManager}.
 * </ul>
 *
 * When the last client using a default {@linkplain #close() closes} (or stops by itself, e.g. on a
 * 204), that default is shut down and its threads end; a client started later creates new ones. So
 * closing every client leaves no thread behind and nothing that pins your class loader, e.g. on a
 * redeploy in an application server. (The JDK selector thread ends at once on Java 21 and later,
 * where the client calls {@code HttpClient.shutdownNow()}; on Java 17 it ends by itself once the
 * HttpClient is no longer referenced.) With {@link Builder#executor} the client creates an
 * HttpClient of its own on that executor, and shuts it down (never the executor) on close. What
 * you inject with {@link Builder#httpClient} or {@link Builder#scheduler} is yours: the client
 * never shuts it down.
 *
 * <p>Callbacks — event, comment and {@link ConnectionListener} — run on the
 * thread that caused them: an HttpClient executor thread for the stream, the scheduler thread for
 * a read timeout, the calling thread for {@link #close()}. For one client they are never run
 * concurrently and always run in order; the next bytes are not read until a callback returns, so a
 * callback that blocks stalls its stream (and, on the scheduler thread, others' reconnections):
 * hand long work to your own executor. A callback's exception is logged and otherwise ignored.
 * All public methods are thread-safe and non-blocking, and may be called from callbacks.
 */
public final class SseClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SseClient.class);

  /**
   * The shortest wait before a reconnection, 100 ms: a smaller server {@code retry:} or {@link
   * Builder#initialDelay} is raised to it, and the backoff doubles from there. ({@link #restart()}
   * is not delayed.)
   */
  public static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(Backoff.MIN_DELAY_MILLIS);

  /** The browser's {@code readyState}, plus {@link #NEW} for a client not yet started. */
  public enum State {
    /** Built, not yet {@linkplain #start() started}. */
    NEW,
    /** Connecting, or waiting to reconnect. */
    CONNECTING,
    /** A stream is open. */
    OPEN,
    /** Closed for good. */
    CLOSED
  }

  /** Removes a listener added with {@link #addEventListener}. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    /** Removes the listener; later events are not delivered to it. Idempotent. */
    @Override
    void close();
  }

  private final URI uri;
  private final String method;
  private final byte @Nullable [] body;
  private final Map<String, List<String>> headers;
  // Threads (see "Threads"): what the builder was given, and what this client uses once started.
  private final @Nullable HttpClient givenHttpClient;
  private final @Nullable Executor givenExecutor;
  private final @Nullable ScheduledExecutorService givenScheduler;
  private volatile @Nullable HttpClient httpClient; // set by start()
  private volatile @Nullable ScheduledExecutorService scheduler; // set by start()
  private final AtomicBoolean released = new AtomicBoolean();
  private final Backoff backoff;
  private final long initialDelayMillis;
  private final long maxDelayMillis;
  private final long resetNanos;
  private final long readTimeoutNanos;
  private final Duration responseTimeout;
  private final int maxLineLength;
  private final Predicate<? super SseException> reconnectWhen;
  private final LongSupplier nanoClock;

  private final Map<String, List<Consumer<? super MessageEvent>>> typed = new ConcurrentHashMap<>();
  private final List<Consumer<? super MessageEvent>> anyEvent;
  private final List<Consumer<? super String>> comments;
  private final List<ConnectionListener> connectionListeners;
  private final List<Sink> sinks = new CopyOnWriteArrayList<>();
  private final SerialRunner serial = new SerialRunner();

  private final Object lock = new Object();
  // written under lock; current is also read without it, to drop a superseded connection's events
  private State state = State.NEW;
  private volatile @Nullable Connection current;
  private @Nullable ScheduledFuture<?> pendingReconnect;
  private int failures;

  private volatile String lastEventId;
  private volatile long retryMillis = -1;

  private SseClient(Builder b) {
    this.uri = b.uri;
    this.method = b.method;
    this.body = b.body;
    Map<String, List<String>> h = new LinkedHashMap<>();
    b.headers.forEach((name, values) -> h.put(name, List.copyOf(values)));
    this.headers = h;
    this.givenHttpClient = b.httpClient;
    this.givenExecutor = b.executor;
    this.givenScheduler = b.scheduler;
    this.backoff = new Backoff(b.maxDelay.toMillis(), b.jitter, b.random);
    this.initialDelayMillis = b.initialDelay.toMillis();
    this.maxDelayMillis = b.maxDelay.toMillis();
    this.resetNanos = b.backoffResetAfter.toNanos();
    this.readTimeoutNanos = b.readTimeout.toNanos();
    this.responseTimeout = b.responseTimeout;
    this.maxLineLength = b.maxLineLength;
    this.reconnectWhen = b.reconnectWhen;
    this.nanoClock = b.nanoClock;
    this.lastEventId = b.lastEventId;
    b.typed.forEach((type, list) -> typed.put(type, new CopyOnWriteArrayList<>(list)));
    this.anyEvent = List.copyOf(b.anyEvent);
    this.comments = List.copyOf(b.comments);
    this.connectionListeners = List.copyOf(b.connectionListeners);
  }

  /** A builder for a client of {@code uri} ({@code http} or {@code https}). */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /** A builder for a client of {@code uri} ({@code http} or {@code https}). */
  public static Builder builder(String uri) {
    return new Builder(URI.create(uri));
  }

  // ---- public API --------------------------------------------------------------------------------

  /**
   * Starts connecting, without blocking; returns this client. Does nothing if already started or
   * closed.
   */
  public SseClient start() {
    synchronized (lock) {
      if (state != State.NEW) {
        return this;
      }
      acquireThreads();
      state = State.CONNECTING;
    }
    connect();
    return this;
  }

  /**
   * Drops the current connection (or cuts short a pending reconnect wait) and connects again at
   * once, with the last event id, as if the server had dropped it but without reporting an error
   * or counting a failure. Does nothing unless started and not closed.
   */
  public void restart() {
    ScheduledFuture<?> pending;
    synchronized (lock) {
      if (state == State.NEW || state == State.CLOSED) {
        return;
      }
      pending = pendingReconnect;
      pendingReconnect = null;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    connect();
  }

  /**
   * Stops the client for good: cancels a pending reconnection, aborts the current request or
   * stream and closes its connection, ends the {@linkplain #events(int) iterators} and reports
   * {@link ConnectionListener#onClosed()} (once). It also lets go of the default scheduler and
   * HttpClient: when the last started client that uses them closes, their threads stop (see
   * "Threads"); what was injected with {@link Builder#httpClient}, {@link Builder#executor} or
   * {@link Builder#scheduler} is never shut down. Idempotent, non-blocking, callable from
   * callbacks. An event being dispatched when this is called may still complete; none follows.
   */
  @Override
  public void close() {
    Connection c;
    ScheduledFuture<?> pending;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      c = current;
      current = null;
      pending = pendingReconnect;
      pendingReconnect = null;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    if (c != null) {
      c.end();
    }
    ended();
  }

  /** The current state. */
  public State state() {
    synchronized (lock) {
      return state;
    }
  }

  /** The last event id the stream set (or the configured initial one); empty when none. */
  public String lastEventId() {
    return lastEventId;
  }

  /** The URI this client connects to. */
  public URI uri() {
    return uri;
  }

  /**
   * Adds a listener for events of {@code type} ({@code "message"} for events without an {@code
   * event:} field), also after the client has started. Runs as described in "Threads".
   */
  public Registration addEventListener(String type, Consumer<? super MessageEvent> listener) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(listener, "listener");
    List<Consumer<? super MessageEvent>> list =
        typed.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>());
    // A distinct wrapper, so that removing it never removes another registration of the same listener.
    Consumer<? super MessageEvent> entry = listener::accept;
    list.add(entry);
    return () -> list.remove(entry);
  }

  /**
   * A blocking iterator over the events dispatched from now on, holding at most {@code capacity}
   * events before the client pauses reading. Create it before {@link #start()} to see every event.
   */
  public EventIterator events(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    QueueIterator it = new QueueIterator(this, capacity);
    add(it);
    return it;
  }

  /**
   * A {@link Flow.Publisher} of the events dispatched after each subscription, of every type, in
   * order, across reconnections; it completes a subscriber when the client closes (after the events
   * already buffered) and never signals {@code onError} for connection failures (see {@link
   * ConnectionListener}). Each subscriber may have {@code capacity} events buffered beyond its
   * demand before the client pauses reading the socket. {@code onNext} runs on the client's
   * callback threads (see "Threads") or on the thread calling {@code request}; for one subscriber
   * signals are serialized. Subscribe before {@link #start()} to see every event.
   */
  public Flow.Publisher<MessageEvent> publisher(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      FlowSubscription s = new FlowSubscription(this, subscriber, capacity);
      add(s);
      s.start();
    };
  }

  /** {@link #publisher(int)} with a capacity of 256 events. */
  public Flow.Publisher<MessageEvent> publisher() {
    return publisher(256);
  }

  private void add(Sink sink) {
    sinks.add(sink);
    if (state() == State.CLOSED) {
      sink.end();
    }
  }

  /** {@link #events(int)} with a capacity of 256 events. */
  public EventIterator events() {
    return events(256);
  }

  @Override
  public String toString() {
    return "SseClient[" + uri + ", " + state() + "]";
  }

  // ---- connection machinery (package-private for Connection and QueueIterator) ------------------

  private void connect() {
    Connection c;
    Connection previous;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      pendingReconnect = null;
      previous = current;
      c = new Connection(this, lastEventId, maxLineLength, readTimeoutNanos);
      current = c;
      state = State.CONNECTING;
    }
    if (previous != null) {
      previous.end(); // silently: restart, or a reconnect racing a restart
    }
    try {
      HttpClient http = Objects.requireNonNull(httpClient, "started without an HttpClient");
      CompletableFuture<HttpResponse<Void>> f = http.sendAsync(request(), c::onResponse);
      c.exchange(f);
      f.whenComplete(
          (response, error) -> {
            if (error != null) {
              failed(c, classify(error));
            }
          });
    } catch (RuntimeException e) {
      failed(c, SseException.connection(e));
    }
  }

  private HttpRequest request() {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(responseTimeout);
    if ("http".equalsIgnoreCase(uri.getScheme())) {
      b.version(HttpClient.Version.HTTP_1_1);
    }
    b.setHeader("Accept", "text/event-stream");
    b.setHeader("Cache-Control", "no-cache");
    boolean contentType = false;
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      List<String> values = h.getValue();
      b.setHeader(h.getKey(), values.get(0));
      for (int i = 1; i < values.size(); i++) {
        b.header(h.getKey(), values.get(i));
      }
      contentType |= h.getKey().equalsIgnoreCase("Content-Type");
    }
    String id = lastEventId;
    if (!id.isEmpty()) {
      b.setHeader("Last-Event-ID", id);
    }
    byte[] content = body;
    if (content == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      if (!contentType) {
        b.setHeader("Content-Type", "text/plain; charset=utf-8");
      }
      b.method(method, HttpRequest.BodyPublishers.ofByteArray(content));
    }
    return b.build();
  }

  static SseException classify(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof SseException) {
      return (SseException) cause;
    }
    if (cause instanceof HttpTimeoutException) {
      return SseException.timeout("no response within the response timeout: " + cause.getMessage(), cause);
    }
    return SseException.connection(cause);
  }

  /** The response of {@code c} was accepted; false if {@code c} is no longer wanted. */
  boolean opened(Connection c, HttpResponse.ResponseInfo info) {
    synchronized (lock) {
      if (current != c || state == State.CLOSED) {
        return false;
      }
      state = State.OPEN;
      c.openedAtNanos = nanoTime();
    }
    serial.execute(() -> each(connectionListeners, l -> l.onOpen(info), "onOpen"));
    return true;
  }

  /** {@code c} failed or ended: report, then reconnect or stop (see the class comment). */
  void failed(Connection c, SseException error) {
    if (!c.end()) {
      return; // already ended: closed, restarted or failed before
    }
    boolean noContent = error.kind() == SseException.Kind.HTTP_STATUS && error.status().orElse(0) == 204;
    boolean reconnect = !noContent && wantsReconnect(error);
    long delay = 0;
    synchronized (lock) {
      if (current != c || state == State.CLOSED) {
        return;
      }
      if (c.openedAtNanos >= 0 && nanoTime() - c.openedAtNanos >= resetNanos) {
        failures = 0;
      }
      if (reconnect) {
        long base = retryMillis >= 0 ? retryMillis : initialDelayMillis;
        delay = backoff.delayMillis(base, failures);
        long retryAfter = error.retryAfter().map(Duration::toMillis).orElse(-1L);
        if (retryAfter > delay) {
          delay = Math.max(delay, Math.min(retryAfter, Math.max(maxDelayMillis, base)));
        }
        failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
        state = State.CONNECTING;
      } else {
        state = State.CLOSED;
        current = null;
      }
    }
    serial.execute(() -> each(connectionListeners, l -> l.onError(error), "onError"));
    if (!reconnect) {
      ended();
      return;
    }
    long wait = delay;
    serial.execute(() -> each(connectionListeners, l -> l.onReconnecting(Duration.ofMillis(wait)), "onReconnecting"));
    try {
      synchronized (lock) {
        if (current == c && state == State.CONNECTING) {
          pendingReconnect = scheduler().schedule(this::connect, wait, TimeUnit.MILLISECONDS);
        }
      }
    } catch (RejectedExecutionException e) {
      log.warn("SSE client scheduler refused the reconnection; closing {}", uri, e);
      close();
    }
  }

  private boolean wantsReconnect(SseException error) {
    try {
      return reconnectWhen.test(error);
    } catch (RuntimeException e) {
      log.warn("SSE client reconnect policy failed; not reconnecting", e);
      return false;
    }
  }

  private void ended() {
    releaseThreads();
    serial.execute(
        () -> {
          each(connectionListeners, ConnectionListener::onClosed, "onClosed");
          for (Sink sink : sinks) {
            sink.end();
          }
        });
  }

  /** Inside the serial runner. */
  void dispatch(Connection c, MessageEvent event) {
    if (current != c) {
      return;
    }
    lastEventId = event.lastEventId();
    List<Consumer<? super MessageEvent>> forType = typed.get(event.type());
    if (forType != null) {
      each(forType, l -> l.accept(event), "event listener");
    }
    each(anyEvent, l -> l.accept(event), "event listener");
    for (Sink sink : sinks) {
      sink.offer(event);
    }
  }

  /** Inside the serial runner. */
  void dispatchComment(String comment) {
    each(comments, l -> l.accept(comment), "comment listener");
  }

  /** Inside the serial runner: the parser's last event id after a chunk. */
  void lastEventIdSeen(Connection c, String id) {
    if (current == c) {
      lastEventId = id;
    }
  }

  void retry(long millis) {
    retryMillis = millis;
  }

  boolean sinksFull() {
    for (Sink sink : sinks) {
      if (sink.full()) {
        return true;
      }
    }
    return false;
  }

  void resumeReading() {
    Connection c = current;
    if (c != null) {
      c.resume();
    }
  }

  void remove(Sink sink) {
    sinks.remove(sink);
  }

  SerialRunner serial() {
    return serial;
  }

  ScheduledExecutorService scheduler() {
    return Objects.requireNonNull(scheduler, "not started");
  }

  long nanoTime() {
    return nanoClock.getAsLong();
  }

  private static <T> void each(List<T> listeners, Consumer<T> call, String what) {
    for (T l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("SSE client {} threw; ignored", what, e);
      }
    }
  }

  // ---- threads ---------------------------------------------------------------------------------

  /** Under {@link #lock}, once, from {@link #start()}. */
  private void acquireThreads() {
    scheduler = givenScheduler != null ? givenScheduler : Defaults.SCHEDULER.acquire();
    if (givenHttpClient != null) {
      httpClient = givenHttpClient;
    } else if (givenExecutor != null) {
      httpClient = newHttpClient(givenExecutor); // this client's own; shut down by releaseThreads
    } else {
      httpClient = Defaults.HTTP_CLIENT.acquire();
    }
  }

  /** Once the client is closed: gives back what {@link #acquireThreads()} took. */
  private void releaseThreads() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    ScheduledExecutorService s = scheduler;
    HttpClient h = httpClient;
    if (s == null || h == null) {
      return; // closed before it was started
    }
    if (givenScheduler == null) {
      Defaults.SCHEDULER.release(s);
    }
    if (givenHttpClient == null && givenExecutor == null) {
      Defaults.HTTP_CLIENT.release(h);
    } else if (givenHttpClient == null) {
      Defaults.shutdownNow(h);
    }
  }

  /**
   * The default scheduler and HttpClient, shared by the started clients given none, stopped when
   * the last of them closes. Package-private for tests.
   */
  static final class Defaults {
    static final String THREAD_PREFIX = "ssekit-sse-client-";

    static final SharedResource<ScheduledExecutorService> SCHEDULER =
        new SharedResource<>(Defaults::newScheduler, ScheduledExecutorService::shutdown);

    static final SharedResource<HttpClient> HTTP_CLIENT =
        new SharedResource<>(Defaults::newSharedHttpClient, Defaults::stopSharedHttpClient);

    private Defaults() {}

    private static ScheduledExecutorService newScheduler() {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(1, r -> daemon(r, THREAD_PREFIX + "scheduler"));
      s.setRemoveOnCancelPolicy(true);
      // every user has closed when it is shut down: drop what is left instead of waiting for it
      s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      s.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
      return s;
    }

    private static HttpClient newSharedHttpClient() {
      AtomicInteger n = new AtomicInteger();
      ExecutorService workers =
          Executors.newCachedThreadPool(r -> daemon(r, THREAD_PREFIX + "http-" + n.incrementAndGet()));
      return newHttpClient(workers);
    }

    private static void stopSharedHttpClient(HttpClient client) {
      shutdownNow(client);
      client.executor().ifPresent(e -> ((ExecutorService) e).shutdown());
    }

    /**
     * Stops the HttpClient's own selector thread at once where the JDK can (Java 21 added {@code
     * HttpClient.shutdownNow()}); on Java 17 it ends by itself once the HttpClient is unreferenced.
     */
    static void shutdownNow(HttpClient client) {
      try {
        HttpClient.class.getMethod("shutdownNow").invoke(client);
      } catch (NoSuchMethodException e) {
        // Java 17 to 20: nothing to call
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.debug("HttpClient.shutdownNow failed", e);
      }
    }

    private static Thread daemon(Runnable r, String name) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }
  }

  static HttpClient newHttpClient(Executor executor) {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(executor)
        .build();
  }

  // ---- builder -----------------------------------------------------------------------------------

  /**
   * Configures an {@link SseClient}. Not thread-safe; {@link #build()} may be called more than once
   * (each client gets its own copy of the listeners). Setters fail fast with {@link
   * IllegalArgumentException} on bad values and {@link IllegalStateException} on a value set twice.
   */
  public static final class Builder {
    private final URI uri;
    private String method = "GET";
    private boolean methodSet;
    private byte @Nullable [] body;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private @Nullable HttpClient httpClient;
    private @Nullable Executor executor;
    private @Nullable ScheduledExecutorService scheduler;
    private String lastEventId = "";
    private Duration initialDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofSeconds(30);
    private double jitter = 0.5;
    private Duration backoffResetAfter = Duration.ofSeconds(60);
    private Duration readTimeout = Duration.ZERO;
    private Duration responseTimeout = Duration.ofSeconds(30);
    private int maxLineLength = Integer.MAX_VALUE;
    private Predicate<? super SseException> reconnectWhen = SseException::isTransient;
    private LongSupplier nanoClock = System::nanoTime;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private final Map<String, List<Consumer<? super MessageEvent>>> typed = new LinkedHashMap<>();
    private final List<Consumer<? super MessageEvent>> anyEvent = new ArrayList<>();
    private final List<Consumer<? super String>> comments = new ArrayList<>();
    private final List<ConnectionListener> connectionListeners = new ArrayList<>();

    private Builder(URI uri) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        throw new IllegalArgumentException("uri must be http or https: " + uri);
      }
      this.uri = uri;
    }

    /**
     * Adds a request header (repeat the name for several values). {@code Accept} and {@code
     * Cache-Control} replace the defaults; {@code Last-Event-ID} is managed by the client.
     *
     * @throws IllegalArgumentException if the JDK HttpClient refuses the header (e.g. {@code Host},
     *     {@code Connection}, {@code Content-Length}) or it is {@code Last-Event-ID}
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.equalsIgnoreCase("Last-Event-ID")) {
        throw new IllegalArgumentException("set Last-Event-ID with lastEventId(String)");
      }
      HttpRequest.newBuilder().header(name, value); // validates as HttpClient will
      String key = null;
      for (String k : headers.keySet()) {
        if (k.equalsIgnoreCase(name)) {
          key = k;
        }
      }
      headers.computeIfAbsent(key == null ? name : key, k -> new ArrayList<>()).add(value);
      return this;
    }

    /** The request method, {@code GET} by default; any token, e.g. {@code POST} or {@code REPORT}. */
    public Builder method(String method) {
      Objects.requireNonNull(method, "method");
      if (methodSet) {
        throw new IllegalStateException("method was already set to " + this.method);
      }
      if (method.isEmpty() || !method.chars().allMatch(Builder::isTokenChar)) {
        throw new IllegalArgumentException("not an HTTP method token: " + method);
      }
      this.method = method;
      this.methodSet = true;
      return this;
    }

    /**
     * A request body, sent with every request (also on reconnect), with {@code Content-Type:
     * text/plain; charset=utf-8} unless a {@code Content-Type} header is set.
     */
    public Builder body(byte[] body) {
      Objects.requireNonNull(body, "body");
      if (this.body != null) {
        throw new IllegalStateException("body was already set");
      }
      this.body = body.clone();
      return this;
    }

    /** {@link #body(byte[])} with the UTF-8 bytes of {@code body}. */
    public Builder body(String body) {
      return body(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code Last-Event-ID} of the first request, as if a previous stream had set it.
     *
     * @throws IllegalArgumentException if it contains NUL, CR or LF
     */
    public Builder lastEventId(String id) {
      Objects.requireNonNull(id, "id");
      SseParser.checkId(id);
      this.lastEventId = id;
      return this;
    }

    /**
     * The reconnection time until the server sends {@code retry:}, the base of the backoff; 1 s by
     * default. A value below {@link SseClient#MIN_RECONNECT_DELAY} (100 ms, zero included) waits
     * that floor instead.
     */
    public Builder initialDelay(Duration delay) {
      this.initialDelay = nonNegative(delay, "initialDelay");
      return this;
    }

    /** The cap of the exponential backoff, 30 s by default (a larger server {@code retry} wins). */
    public Builder maxDelay(Duration delay) {
      this.maxDelay = nonNegative(delay, "maxDelay");
      return this;
    }

    /**
     * The random share added to each backoff delay, in [0, 1]; 0.5 by default (wait between {@code
     * d} and {@code 1.5 d}, capped). 0 makes delays exact.
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /** How long a connection must have stayed open to reset the backoff; 60 s by default. */
    public Builder backoffResetAfter(Duration duration) {
      this.backoffResetAfter = nonNegative(duration, "backoffResetAfter");
      return this;
    }

    /**
     * Drop and reconnect an open stream that delivers no bytes for this long (heartbeat comments
     * count); disabled ({@link Duration#ZERO}) by default. Time spent waiting for a full {@link
     * EventIterator} or in a callback does not count.
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = nonNegative(timeout, "readTimeout");
      return this;
    }

    /** The longest wait for response headers, including connecting; 30 s by default. */
    public Builder responseTimeout(Duration timeout) {
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("responseTimeout must be positive: " + timeout);
      }
      this.responseTimeout = timeout;
      return this;
    }

    /**
     * Fail the connection ({@link SseException.Kind#PROTOCOL}) on a line longer than this many bytes,
     * to bound memory against a hostile server; unlimited by default, as in browsers.
     */
    public Builder maxLineLength(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxLineLength must be positive: " + bytes);
      }
      this.maxLineLength = bytes;
      return this;
    }

    /**
     * Decides, for each failure except HTTP 204, whether to reconnect ({@code true}) or stop;
     * {@link SseException#isTransient()} by default. Called on an I/O thread; must not block. If it
     * throws, the client stops.
     */
    public Builder reconnectWhen(Predicate<? super SseException> policy) {
      this.reconnectWhen = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The HttpClient to use (its executor then runs the callbacks); the client never shuts it
     * down. By default one shared client (redirects followed, 10 s connect timeout) serves every
     * started SseClient without its own, and stops when the last of them closes.
     */
    public Builder httpClient(HttpClient client) {
      Objects.requireNonNull(client, "client");
      if (httpClient != null) {
        throw new IllegalStateException("httpClient was already set");
      }
      if (executor != null) {
        throw new IllegalStateException("executor was already set; it applies only to an HttpClient the builder creates");
      }
      this.httpClient = client;
      return this;
    }

    /**
     * The executor that runs this client's I/O and callbacks: the client then creates a dedicated
     * HttpClient on it when it starts (which has one selector thread of its own) and shuts that
     * HttpClient down on close; the executor itself stays yours. Not combinable with {@link
     * #httpClient}; to share one selector across clients, build one HttpClient on your executor and
     * pass it to each.
     */
    public Builder executor(Executor executor) {
      Objects.requireNonNull(executor, "executor");
      if (httpClient != null) {
        throw new IllegalStateException("httpClient was already set; configure its executor instead");
      }
      if (this.executor != null) {
        throw new IllegalStateException("executor was already set");
      }
      this.executor = executor;
      return this;
    }

    /**
     * The scheduler for reconnect delays and read timeouts. It must outlive the client; the client
     * never shuts it down. By default one shared daemon thread, {@code
     * ssekit-sse-client-scheduler}, that stops when the last started client using it closes.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      Objects.requireNonNull(scheduler, "scheduler");
      if (this.scheduler != null) {
        throw new IllegalStateException("scheduler was already set");
      }
      this.scheduler = scheduler;
      return this;
    }

    /** Listens for events of {@code type} ({@code "message"} for events without {@code event:}). */
    public Builder onEvent(String type, Consumer<? super MessageEvent> listener) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(listener, "listener");
      typed.computeIfAbsent(type, t -> new ArrayList<>()).add(listener);
      return this;
    }

    /** Listens for every event, whatever its type (after the type's own listeners). */
    public Builder onAnyEvent(Consumer<? super MessageEvent> listener) {
      anyEvent.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Listens for comment lines (without the colon and one leading space), e.g. heartbeats. */
    public Builder onComment(Consumer<? super String> listener) {
      comments.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Listens for open, error, reconnecting and closed. */
    public Builder listener(ConnectionListener listener) {
      connectionListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** For tests: the monotonic clock (nanoseconds) for backoff reset and read timeouts. */
    Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** For tests: the source of jitter, uniform in [0, 1). */
    Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** A new, unstarted client; call {@link SseClient#start()}. */
    public SseClient build() {
      return new SseClient(this);
    }

    private static boolean isTokenChar(int c) {
      return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static Duration nonNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + d);
      }
      return d;
    }
  }
}
