package org.ssekit.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.broker.Message;
import org.ssekit.testkit.SseReader;

/** {@link SseHandler} on a real Jetty 12 server, over real sockets, read by the tests' SSE reader. */
class SseHandlerIT {

  private final HttpClient client = SseReader.client(false);
  private final List<SseReader> readers = new ArrayList<>();
  private final List<Hub> hubs = new ArrayList<>();
  private Server server;

  @AfterEach
  void tearDown() throws Exception {
    readers.forEach(SseReader::close);
    if (server != null) {
      server.stop();
    }
    hubs.forEach(Hub::close);
  }

  private Hub hub(Hub.Builder b) {
    Hub h = b.build();
    hubs.add(h);
    return h;
  }

  private Hub hub() {
    return hub(Hub.builder().history(1000, Duration.ofMinutes(5)));
  }

  private URI start(SseHandler handler) throws Exception {
    server = new Server();
    ServerConnector c = new ServerConnector(server);
    c.setHost("127.0.0.1");
    server.addConnector(c);
    server.setStopTimeout(5_000); // graceful: the handler's last flush before connections close
    server.setHandler(handler);
    server.start();
    return URI.create("http://127.0.0.1:" + c.getLocalPort());
  }

  private SseReader open(URI uri, Map<String, String> headers) throws Exception {
    SseReader r = SseReader.open(client, uri, headers);
    readers.add(r);
    return r;
  }

  private HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String publish(Hub hub, String topic, Event e) throws Exception {
    Message m = hub.publish(topic, e).toCompletableFuture().get(5, TimeUnit.SECONDS);
    return m.id().orElseThrow();
  }

  @Test
  void streamsEventsByteExactInOrderThroughSingleWritesAndBatches() throws Exception {
    Hub hub = hub();
    URI base = start(SseHandler.builder(hub).route("/rooms/{room}", "room-{room}").build());
    SseReader r = open(base.resolve("/rooms/7"), Map.of());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
    await().atMost(Duration.ofSeconds(10)).until(() -> hub.streamCount("room-7") == 1);

    List<String> sent = new ArrayList<>();
    sent.add("one line");
    sent.add("two\nlines and a\r\nCRLF");
    sent.add("x".repeat(20_000)); // larger than a coalescing buffer
    for (int i = 0; i < 500; i++) {
      sent.add("burst " + i + " " + "y".repeat(i % 97));
    }
    for (String d : sent) {
      hub.publish("room-7", Event.of(d)); // without waiting: queued events go out in batches
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> r.data().size() == sent.size());
    assertThat(r.data()).containsExactlyElementsOf(
        sent.stream().map(d -> d.replace("\r\n", "\n")).toList());
    assertThat(hub.streamCount("room-8")).isZero();
  }

  @Test
  void resumesAfterLastEventIdHeaderOrQueryWithNoGapAndNoDuplicate() throws Exception {
    Hub hub = hub();
    URI base = start(SseHandler.builder(hub).route("/events", "news").build());
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(publish(hub, "news", Event.of("e" + i)));
    }
    SseReader byHeader = open(base.resolve("/events"), Map.of("Last-Event-ID", ids.get(1)));
    SseReader byQuery = open(base.resolve("/events?lastEventId=" + ids.get(3)), Map.of());
    SseReader garbage = open(base.resolve("/events?lastEventId=abc%00def"), Map.of());
    await().atMost(Duration.ofSeconds(15)).until(() -> hub.streamCount("news") == 3);
    publish(hub, "news", Event.of("e6"));
    await().atMost(Duration.ofSeconds(15)).until(
        () -> byHeader.data().size() == 4 && byQuery.data().size() == 2 && garbage.data().size() == 1);
    assertThat(byHeader.data()).containsExactly("e3", "e4", "e5", "e6");
    assertThat(byQuery.data()).containsExactly("e5", "e6");
    assertThat(garbage.data()).containsExactly("e6"); // an id with NUL counts as none
  }

  @Test
  void plainGetHeadAndUnmatchedPathsAnswerWithoutAStream() throws Exception {
    Hub hub = hub();
    StreamAdapter adapter = new StreamAdapter() {
      @Override
      public InitialResponse initial(StreamRequest request) {
        return InitialResponse.accept(List.of(Event.of("now")), "application/json",
            "{\"room\":\"" + request.pathParam("room").orElseThrow() + "\"}");
      }
    };
    URI base = start(SseHandler.builder(hub).route("/rooms/{room}", "room-{room}", adapter).build());
    HttpResponse<String> plain = get(base.resolve("/rooms/9"));
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo("{\"room\":\"9\"}");
    assertThat(plain.headers().allValues("vary")).contains("Accept");

    HttpResponse<String> head = client.send(HttpRequest.newBuilder(base.resolve("/rooms/9"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    assertThat(head.body()).isEmpty();

    // the stream starts with the adapter's initial events
    SseReader r = open(base.resolve("/rooms/9"), Map.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> r.data().size() == 1);
    assertThat(r.data()).containsExactly("now");
    // a path no route matches goes on to the next handler: here none, so Jetty's 404
    assertThat(get(base.resolve("/rooms/9/more"), "Accept", "text/event-stream").statusCode()).isEqualTo(404);
    assertThat(hub.streamCount("room-9")).isEqualTo(1);
  }

  @Test
  void refusalsAreJsonWithTheirStatus() throws Exception {
    Hub hub = hub();
    StreamAdapter adapter = new StreamAdapter() {
      @Override
      public InitialResponse initial(StreamRequest request) {
        return switch (request.pathParam("room").orElseThrow()) {
          case "secret" -> InitialResponse.reject(403, "not yours");
          case "ended" -> InitialResponse.noContent();
          case "boom" -> throw new IllegalStateException("adapter bug");
          default -> InitialResponse.accept();
        };
      }
    };
    URI base = start(SseHandler.builder(hub).route("/rooms/{room}", "room-{room}", adapter).build());
    HttpResponse<String> secret = get(base.resolve("/rooms/secret"), "Accept", "text/event-stream");
    assertThat(secret.statusCode()).isEqualTo(403);
    assertThat(secret.body()).isEqualTo("{\"error\":\"not yours\"}");
    HttpResponse<String> ended = get(base.resolve("/rooms/ended"), "Accept", "text/event-stream");
    assertThat(ended.statusCode()).isEqualTo(204);
    assertThat(ended.body()).isEmpty();
    assertThat(get(base.resolve("/rooms/boom"), "Accept", "text/event-stream").statusCode()).isEqualTo(500);

    HttpResponse<String> malformed = get(base.resolve("/rooms/1?a=%ff"), "Accept", "text/event-stream");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(malformed.body()).startsWith("{\"error\":\"malformed query string: ");

    HttpResponse<String> longTopic = get(base.resolve("/rooms/" + "x".repeat(300)), "Accept", "text/event-stream");
    assertThat(longTopic.statusCode()).isEqualTo(400);
    assertThat(longTopic.body()).contains("at most 200");

    HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/rooms/1"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    assertThat(post.body()).isEqualTo("{\"error\":\"POST is not allowed here\"}");
    assertThat(hub.streamCount()).isZero();
  }

  @Test
  void overTheLimitAnswers503WithRetryAfterAndAClosedStreamGivesItsSlotBack() throws Exception {
    Hub hub = hub(Hub.builder().heartbeat(Duration.ofMillis(200))); // a write notices the client left
    SseHandler handler = SseHandler.builder(hub).route("/events", "limited").maxStreams(1)
        .retryAfter(Duration.ofSeconds(7)).build();
    URI base = start(handler);
    SseReader first = open(base.resolve("/events"), Map.of());
    assertThat(first.status()).isEqualTo(200);
    HttpResponse<String> second = get(base.resolve("/events"), "Accept", "text/event-stream");
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("retry-after")).hasValue("7");
    assertThat(second.body()).isEqualTo("{\"error\":\"too many open streams; retry later\"}");

    first.close(); // the client leaves: the next heartbeat's write fails and ends the stream
    await().atMost(Duration.ofSeconds(15)).until(() -> hub.streamCount("limited") == 0 && handler.openStreams() == 0);
    SseReader third = open(base.resolve("/events"), Map.of());
    assertThat(third.status()).isEqualTo(200);
  }

  @Test
  void concurrentPublishersNeverInterleaveAStreamsWrites() throws Exception {
    Hub hub = hub(Hub.builder().queueCapacity(10_000));
    URI base = start(SseHandler.builder(hub).route("/events", "busy").build());
    List<SseReader> rs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rs.add(open(base.resolve("/events"), Map.of()));
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> hub.streamCount("busy") == 20);
    int threads = 4;
    int each = 500;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < each; i++) {
            hub.publish("busy", Event.of("p" + id + " " + i + " " + "z".repeat(i % 300)));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      th.start();
      ts.add(th);
    }
    go.countDown();
    for (Thread th : ts) {
      th.join();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> rs.stream().allMatch(r -> r.data().size() == threads * each));
    for (SseReader r : rs) {
      for (int t = 0; t < threads; t++) {
        List<String> mine = r.data("p" + t + " ");
        assertThat(mine).hasSize(each);
        for (int i = 0; i < each; i++) {
          assertThat(mine.get(i)).isEqualTo("p" + t + " " + i + " " + "z".repeat(i % 300));
        }
      }
    }
  }

  @Test
  void heartbeatsAndTheRetryFieldArrive() throws Exception {
    Hub hub = hub(Hub.builder().heartbeat(Duration.ofMillis(200)).retry(Duration.ofMillis(1500)));
    URI base = start(SseHandler.builder(hub).route("/events", "beats").build());
    SseReader r = open(base.resolve("/events"), Map.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> r.commentNanos().size() >= 3);
    assertThat(r.retries()).contains(1500L);
  }

  @Test
  void stoppingWritesWhatIsQueuedThenEndsEveryResponseAndKeepsTheHubOpen() throws Exception {
    Hub hub = hub();
    SseHandler handler = SseHandler.builder(hub).route("/events", "last").build();
    URI base = start(handler);
    List<SseReader> rs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rs.add(open(base.resolve("/events"), Map.of()));
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> hub.streamCount("last") == 5);
    for (int i = 0; i < 100; i++) {
      hub.broadcast(Event.of("final " + i)); // queued on every local stream before it returns
    }
    server.stop();
    for (SseReader r : rs) {
      assertThat(r.awaitEnd(Duration.ofSeconds(15))).isTrue();
      assertThat(r.data()).hasSize(100).startsWith("final 0").endsWith("final 99");
    }
    assertThat(handler.openStreams()).isZero();
    assertThat(hub.streamCount()).isZero();
    assertThat(publish(hub, "last", Event.of("after"))).isNotEmpty(); // the hub is the application's
  }

  @Test
  void aTopicNamingAPlaceholderThePathLacksIsRefusedAtBuild() {
    assertThatThrownBy(() -> SseHandler.builder(hub()).route("/rooms/{room}", "room-{id}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[id]");
    assertThatThrownBy(() -> SseHandler.builder(hub()).build())
        .isInstanceOf(IllegalStateException.class);
  }
}
