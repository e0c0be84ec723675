package org.ssekit.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseParser;

/**
 * The one SSE reader of the project's tests: opens a stream over real HTTP with the JDK {@link
 * HttpClient} and records what the spec-exact {@link SseParser} makes of it (events, comments,
 * {@code retry} fields, the end of the response). Every test module that reads a stream over HTTP
 * uses it, so a parsing rule is decided in one place.
 *
 * <p>Thread-safety: the parser is fed on the client's thread; every accessor may be called from
 * any thread and returns a snapshot.
 */
public final class SseReader implements Flow.Subscriber<List<ByteBuffer>>, SseParser.Listener, AutoCloseable {

  private final HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
  private final List<MessageEvent> events = new CopyOnWriteArrayList<>();
  private final List<Long> commentNanos = new CopyOnWriteArrayList<>();
  private final List<Long> retries = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final SseParser parser = SseParser.create(this);
  private volatile Flow.@Nullable Subscription subscription;

  private SseReader(HttpResponse<Flow.Publisher<List<ByteBuffer>>> response) {
    this.response = response;
  }

  /**
   * Opens {@code uri} with {@code Accept: text/event-stream} and {@code headers}; returns once the
   * response headers arrived, whatever the status (see {@link #status()}).
   */
  public static SseReader open(HttpClient client, URI uri, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    headers.forEach(b::header);
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> r =
        client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofPublisher()).get(10, TimeUnit.SECONDS);
    SseReader reader = new SseReader(r);
    r.body().subscribe(reader);
    return reader;
  }

  /** {@link #open(HttpClient, URI, Map)} without extra headers. */
  public static SseReader open(HttpClient client, URI uri) throws Exception {
    return open(client, uri, Map.of());
  }

  /**
   * Opens {@code uri} as an event stream that must answer 200, resuming after {@code lastEventId}
   * when it is not null.
   *
   * @throws IllegalStateException if the server answers another status
   */
  public static SseReader stream(HttpClient client, URI uri, @Nullable String lastEventId) throws Exception {
    SseReader r = open(client, uri, lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
    if (r.status() != 200) {
      r.close();
      throw new IllegalStateException("GET " + uri + " answered " + r.status());
    }
    return r;
  }

  /** An HTTP/1.1 or HTTP/2 (h2c) client with a 5 s connect timeout. */
  public static HttpClient client(boolean http2) {
    return HttpClient.newBuilder()
        .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** The response status. */
  public int status() {
    return response.statusCode();
  }

  /** The response headers. */
  public HttpHeaders headers() {
    return response.headers();
  }

  /** The HTTP version the response came over. */
  public HttpClient.Version version() {
    return response.version();
  }

  /** The events received so far. */
  public List<MessageEvent> events() {
    return List.copyOf(events);
  }

  /** The events received so far whose data starts with {@code prefix}. */
  public List<MessageEvent> events(String prefix) {
    return select(e -> e.data().startsWith(prefix));
  }

  /** The data of the events received so far. */
  public List<String> data() {
    return events.stream().map(MessageEvent::data).collect(Collectors.toList());
  }

  /** The data of the events received so far that starts with {@code prefix}. */
  public List<String> data(String prefix) {
    return events(prefix).stream().map(MessageEvent::data).collect(Collectors.toList());
  }

  /** The last event ids of the events received so far. */
  public List<String> ids() {
    return events.stream().map(MessageEvent::lastEventId).collect(Collectors.toList());
  }

  /** The last event ids of the events received so far whose data starts with {@code prefix}. */
  public List<String> ids(String prefix) {
    return events(prefix).stream().map(MessageEvent::lastEventId).collect(Collectors.toList());
  }

  /** The event types of the events received so far. */
  public List<String> types() {
    return events.stream().map(MessageEvent::type).collect(Collectors.toList());
  }

  /** The last event id the parser holds: what a browser would send when it reconnects. */
  public String lastEventId() {
    return parser.lastEventId();
  }

  /** When ({@link System#nanoTime()}) each comment line arrived. */
  public List<Long> commentNanos() {
    return List.copyOf(commentNanos);
  }

  /** The {@code retry} values received. */
  public List<Long> retries() {
    return List.copyOf(retries);
  }

  /** Completes when the response ends, normally or with an error. */
  public CompletableFuture<Void> done() {
    return done;
  }

  /** Whether the response has ended. */
  public boolean ended() {
    return done.isDone();
  }

  /** Waits up to {@code timeout} for the response to end; false if it has not. */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** Closes the stream from the client side. */
  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private List<MessageEvent> select(Predicate<MessageEvent> p) {
    return events.stream().filter(p).collect(Collectors.toList());
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    for (ByteBuffer b : item) {
      parser.feed(b);
    }
  }

  @Override
  public void onError(Throwable t) {
    done.complete(null);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }

  @Override
  public void onEvent(MessageEvent event) {
    events.add(event);
  }

  @Override
  public void onComment(String comment) {
    commentNanos.add(System.nanoTime());
  }

  @Override
  public void onRetry(long millis) {
    retries.add(millis);
  }
}
