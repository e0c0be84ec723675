package org.ssekit.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseParser;

/**
 * A test client of one SSE stream over real HTTP: the JDK HttpClient feeds {@link SseParser}, and
 * every event is recorded. Reads are thread-safe.
 */
final class HttpSseClient implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {

  private final List<MessageEvent> events = new CopyOnWriteArrayList<>();
  private final SseParser parser = SseParser.create(events::add);
  private volatile Flow.@Nullable Subscription subscription;
  private volatile boolean ended;

  private HttpSseClient() {}

  /** Opens {@code uri} as an event stream, optionally resuming after {@code lastEventId}. */
  static HttpSseClient open(HttpClient http, URI uri, @Nullable String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> r =
        http.sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofPublisher()).get(10, TimeUnit.SECONDS);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("status " + r.statusCode() + " from " + uri);
    }
    HttpSseClient c = new HttpSseClient();
    r.body().subscribe(c);
    return c;
  }

  List<String> data() {
    return events.stream().map(MessageEvent::data).collect(Collectors.toList());
  }

  List<String> ids() {
    return events.stream().map(MessageEvent::lastEventId).collect(Collectors.toList());
  }

  List<MessageEvent> events() {
    return List.copyOf(events);
  }

  /** Whether the server ended the stream. */
  boolean ended() {
    return ended;
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
    ended = true;
  }

  @Override
  public void onComplete() {
    ended = true;
  }

  /** Closes the stream from the client side. */
  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
