package org.ssekit.servlet;

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
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseParser;

/**
 * A test client: opens a stream with the JDK HttpClient and records what {@link SseParser} makes of
 * it. Thread-safe reads; the parser is fed from the client's thread.
 */
final class SseRecorder implements Flow.Subscriber<List<ByteBuffer>>, SseParser.Listener {

  final HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
  final List<MessageEvent> events = new CopyOnWriteArrayList<>();
  final List<Long> commentNanos = new CopyOnWriteArrayList<>();
  final List<Long> retries = new CopyOnWriteArrayList<>();
  final CompletableFuture<Void> done = new CompletableFuture<>();
  private final SseParser parser = SseParser.create(this);
  private volatile Flow.Subscription subscription;

  private SseRecorder(HttpResponse<Flow.Publisher<List<ByteBuffer>>> response) {
    this.response = response;
  }

  /** Opens a stream of {@code uri} and waits for the response headers (at most 5 s). */
  static SseRecorder open(HttpClient client, URI uri, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    headers.forEach(b::header);
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> r =
        client
            .sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofPublisher())
            .get(5, TimeUnit.SECONDS);
    SseRecorder rec = new SseRecorder(r);
    r.body().subscribe(rec);
    return rec;
  }

  static SseRecorder open(HttpClient client, URI uri) throws Exception {
    return open(client, uri, Map.of());
  }

  int status() {
    return response.statusCode();
  }

  HttpHeaders headers() {
    return response.headers();
  }

  List<String> data() {
    return events.stream().map(MessageEvent::data).collect(Collectors.toList());
  }

  List<String> types() {
    return events.stream().map(MessageEvent::type).collect(Collectors.toList());
  }

  /** Stops reading and closes the stream from the client side. */
  void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
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
    done.completeExceptionally(t);
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

  static HttpClient client(boolean http2) {
    return HttpClient.newBuilder()
        .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
