package org.ssekit.postgres;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseParser;

/** An SSE client over real HTTP (JDK HttpClient + {@link SseParser}) that records what it gets. */
final class SseTestClient implements Flow.Subscriber<List<ByteBuffer>> {

  private final List<MessageEvent> events = new CopyOnWriteArrayList<>();
  private final SseParser parser = SseParser.create(events::add);
  private volatile Flow.Subscription subscription;
  private volatile int status;

  private SseTestClient() {}

  /** Opens a stream of {@code uri}, with {@code Last-Event-ID} when given; waits for the headers. */
  static SseTestClient open(HttpClient http, URI uri, Optional<String> lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    lastEventId.ifPresent(id -> b.header("Last-Event-ID", id));
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> r =
        http.sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofPublisher()).get(10, TimeUnit.SECONDS);
    SseTestClient c = new SseTestClient();
    c.status = r.statusCode();
    r.body().subscribe(c);
    return c;
  }

  int status() {
    return status;
  }

  /** The events received so far whose data starts with {@code prefix}. */
  List<MessageEvent> events(String prefix) {
    return events.stream().filter(e -> e.data().startsWith(prefix)).collect(Collectors.toList());
  }

  List<String> data(String prefix) {
    return events(prefix).stream().map(MessageEvent::data).collect(Collectors.toList());
  }

  /** Closes the stream from the client side. */
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
  public void onError(Throwable throwable) {}

  @Override
  public void onComplete() {}
}
