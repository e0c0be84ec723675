package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.ssekit.Event;
import org.ssekit.InitialResponse;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.broker.Message;
import org.ssekit.json.JacksonMarshaller;
import org.ssekit.testkit.SseReader;

/**
 * The behaviour every container must show, over real sockets. Subclasses choose the container
 * (Jetty, Tomcat) and the protocol (HTTP/1.1, h2c).
 */
abstract class ServletStreamingContract {

  private static final AtomicInteger SEQ = new AtomicInteger();

  protected abstract TestServer.Factory factory();

  private final List<SseReader> recorders = new ArrayList<>();
  private final List<SseRouter> routers = new ArrayList<>();
  private final List<TestServer> servers = new ArrayList<>();
  HttpClient client;
  String topic;

  @BeforeEach
  void setUp(TestInfo info) {
    client = SseReader.client(factory().http2());
    topic = info.getTestMethod().orElseThrow().getName() + "-" + SEQ.incrementAndGet();
  }

  /** Clients leave, then routers end their streams, then containers stop. */
  @AfterEach
  void tearDown() throws Exception {
    recorders.forEach(SseReader::close);
    routers.forEach(SseRouter::close);
    for (TestServer s : servers) {
      s.close();
    }
  }

  SseRouter router(SseRouter.Builder b) {
    SseRouter r = b.build();
    routers.add(r);
    return r;
  }

  TestServer serve(Map<String, HttpServlet> mounts) throws Exception {
    TestServer s = factory().start(mounts, 0);
    servers.add(s);
    if (factory().http2()) {
      // the JDK client reaches h2c by upgrading its first request; make that a bodiless GET so
      // tests that start with a POST run on HTTP/2 as well
      HttpResponse<Void> warm =
          client.send(HttpRequest.newBuilder(s.uri("/")).GET().build(), HttpResponse.BodyHandlers.discarding());
      assertThat(warm.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
    return s;
  }

  TestServer serve(String mapping, HttpServlet servlet) throws Exception {
    return serve(Map.of(mapping, servlet));
  }

  SseReader open(URI uri) throws Exception {
    return open(uri, Map.of());
  }

  SseReader open(URI uri, Map<String, String> headers) throws Exception {
    SseReader r = SseReader.open(client, uri, headers);
    recorders.add(r);
    return r;
  }

  void assertHttpVersion(HttpClient.Version v) {
    assertThat(v)
        .isEqualTo(factory().http2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
  }

  HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(URI uri, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String id(Message m) {
    return m.id().orElseThrow();
  }

  Message publish(SseRouter r, Event e) throws Exception {
    return r.hub().publish(topic, e).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  // ---- streaming ------------------------------------------------------------------------------

  @Test
  void flushesHeadersAtOnceThenStreamsPublishedEvents() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/events", r.handler(topic));

    // open() waits for the response headers: with nothing published, only an immediate flush
    // of the headers lets it return (a browser's onopen)
    SseReader rec = open(s.uri("/events"));
    assertHttpVersion(rec.version());
    assertThat(rec.status()).isEqualTo(200);
    assertThat(rec.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v.replace(" ", "").toLowerCase()).isEqualTo("text/event-stream;charset=utf-8"));
    assertThat(rec.headers().firstValue("cache-control")).contains("no-cache");
    assertThat(rec.headers().firstValue("x-accel-buffering")).contains("no");
    if (factory().http2()) {
      assertThat(rec.headers().firstValue("connection")).isEmpty();
    }

    publish(r, Event.of("greeting", "hello"));
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 1);
    assertThat(rec.events().get(0).type()).isEqualTo("greeting");
    assertThat(rec.events().get(0).data()).isEqualTo("hello");
  }

  @Test
  void multiLineAndCarriageReturnDataArriveIntact() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"));

    publish(r, Event.of("one\ntwo\r\nthree\rfour"));
    publish(r, Event.of("  leading spaces, ünïcödé, emoji \uD83D\uDE00, data: not a field"));
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 2);
    assertThat(rec.data())
        .containsExactly(
            "one\ntwo\nthree\nfour",
            "  leading spaces, ünïcödé, emoji \uD83D\uDE00, data: not a field");
  }

  @Test
  void eventsLargerThanTheCoalescingBufferArriveWhole() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"));
    List<String> sent =
        List.of("a".repeat(100_000), "small", "b\n".repeat(30_000), "c".repeat(StreamWriter.BATCH_BYTES - 8), "end");
    for (String d : sent) {
      r.hub().publish(topic, Event.of(d));
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == sent.size());
    assertThat(rec.data()).containsExactlyElementsOf(sent);
  }

  @Test
  void deliversBurstsCompletelyAndInOrder() throws Exception {
    // room for the whole burst: this is about coalescing and order, not the slow-consumer policy
    SseRouter r = router(SseRouter.builder().hub(h -> h.queueCapacity(4096)));
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"));

    int n = 2_000;
    for (int i = 0; i < n; i++) {
      r.hub().publish(topic, Event.of("e" + i));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.events().size() >= n);
    assertThat(rec.data())
        .containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "e" + i).collect(Collectors.toList()));
  }

  @Test
  void concurrentWakeUpsNeverInterleaveWrites() throws Exception {
    // four publishers, direct sends and 5 ms heartbeats all wake the same streams at once; a
    // second concurrent writer would corrupt the stream or make the container throw
    SseRouter r = router(SseRouter.builder().hub(h -> h.heartbeat(Duration.ofMillis(5)).queueCapacity(100_000)));
    TestServer s = serve("/events", r.handler(topic));
    SseReader a = open(s.uri("/events"));
    SseReader b = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 2);
    String streamA = r.hub().streams().iterator().next().id();
    int perThread = 500;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          String body = id + ":" + i + ":" + "y".repeat(i % 300);
          if (i % 5 == 0) {
            r.hub().send(streamA, Event.of("direct", body));
          } else {
            r.hub().publish(topic, Event.of(body));
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    int published = 4 * perThread * 4 / 5;
    await().atMost(Duration.ofSeconds(15)).until(() -> a.events().size() + b.events().size() >= 2 * published + 4 * perThread / 5);
    for (SseReader rec : List.of(a, b)) {
      for (var e : rec.events()) {
        String[] parts = e.data().split(":", 3);
        assertThat(parts[2]).isEqualTo("y".repeat(Integer.parseInt(parts[1]) % 300));
      }
      // each publisher's events arrive in its order
      for (int t = 0; t < 4; t++) {
        String prefix = t + ":";
        List<Integer> seq = rec.events().stream().filter(e -> e.type().equals("message"))
            .map(e -> e.data()).filter(d -> d.startsWith(prefix))
            .map(d -> Integer.parseInt(d.split(":")[1])).collect(Collectors.toList());
        assertThat(seq).isSorted().hasSize(perThread * 4 / 5);
      }
    }
    assertThat(a.done()).isNotDone();
    assertThat(b.done()).isNotDone();
    assertThat(r.hub().streamCount(topic)).isEqualTo(2);
  }

  @Test
  void heartbeatsArriveOnSchedule() throws Exception {
    SseRouter r = router(SseRouter.builder().hub(h -> h.heartbeat(Duration.ofMillis(200))));
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"));

    await().atMost(Duration.ofSeconds(15)).until(() -> rec.commentNanos().size() >= 6);
    // on a busy machine single heartbeats jitter; their mean spacing must match the period
    long spanMillis = TimeUnit.NANOSECONDS.toMillis(rec.commentNanos().get(5) - rec.commentNanos().get(0));
    assertThat(spanMillis / 5).isBetween(120L, 400L);
    assertThat(rec.events()).isEmpty();
  }

  @Test
  void sendsRetryOnConnect() throws Exception {
    SseRouter r = router(SseRouter.builder().hub(h -> h.retry(Duration.ofMillis(2500))));
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> !rec.retries().isEmpty());
    assertThat(rec.retries()).containsExactly(2500L);
  }

  // ---- resume -----------------------------------------------------------------------------------

  @Test
  void resumesAfterLastEventIdHeaderWithNoGapAndNoDuplicate() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/events", r.handler(topic));
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(id(publish(r, Event.of("e" + i))));
    }
    SseReader rec = open(s.uri("/events"), Map.of("Last-Event-ID", ids.get(1)));
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 3);
    publish(r, Event.of("e6"));
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 4);
    assertThat(rec.data()).containsExactly("e3", "e4", "e5", "e6");
    assertThat(rec.events().get(2).lastEventId()).isEqualTo(ids.get(4));
  }

  @Test
  void resumesAfterLastEventIdQueryParameter() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/events", r.handler(topic));
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ids.add(id(publish(r, Event.of("e" + i))));
    }
    SseReader rec = open(s.uri("/events?lastEventId=" + ids.get(0)));
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 2);
    assertThat(rec.data()).containsExactly("e2", "e3");
  }

  @Test
  void garbageLastEventIdCountsAsNoIdInsteadOfFailing() throws Exception {
    SseRouter r = router(SseRouter.builder().maxLastEventIdLength(64));
    TestServer s = serve("/events", r.handler(topic));
    publish(r, Event.of("old"));

    SseReader tooLong = open(s.uri("/events"), Map.of("Last-Event-ID", "x".repeat(65)));
    SseReader withNul = open(s.uri("/events?lastEventId=abc%00def"));
    assertThat(tooLong.status()).isEqualTo(200);
    assertThat(withNul.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 2);

    publish(r, Event.of("live"));
    await().atMost(Duration.ofSeconds(15)).until(() -> tooLong.events().size() == 1 && withNul.events().size() == 1);
    // no replay of "old" and no history-gap reset: the id was treated as absent
    assertThat(tooLong.data()).containsExactly("live");
    assertThat(withNul.data()).containsExactly("live");
  }

  // ---- negotiation, rejection, routing --------------------------------------------------------

  record Stats(String post, int views) {}

  @Test
  void plainGetGetsTheInitialResponseAndTheStreamStartsFromIt() throws Exception {
    StreamAdapter adapter =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            String post = request.pathParam("id").orElseThrow();
            return InitialResponse.value(new Stats(post, 7), JacksonMarshaller.create(), "stats");
          }
        };
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/posts/*", r.handler("/posts/{id}/stats", topic, adapter));

    HttpResponse<String> plain = get(s.uri("/posts/42/stats"), "Accept", "application/json");
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(plain.body()).isEqualTo("{\"post\":\"42\",\"views\":7}");

    HttpResponse<String> curl = get(s.uri("/posts/42/stats"), "Accept", "*/*");
    assertThat(curl.body()).isEqualTo("{\"post\":\"42\",\"views\":7}");

    SseReader rec = open(s.uri("/posts/42/stats"));
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 1);
    assertThat(rec.events().get(0).type()).isEqualTo("stats");
    assertThat(rec.events().get(0).data()).isEqualTo("{\"post\":\"42\",\"views\":7}");
  }

  @Test
  void rejectionsCarryTheirStatusAndBody() throws Exception {
    StreamAdapter adapter =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            String id = request.pathParam("id").orElseThrow();
            switch (id) {
              case "bad":
                return InitialResponse.reject(400, "bad post id");
              case "anon":
                return InitialResponse.reject(401, "log in first");
              case "secret":
                return InitialResponse.reject(403, "not yours");
              case "gone":
                return InitialResponse.reject(404, "no such post");
              case "boom":
                throw new IllegalStateException("adapter bug");
              case "ended":
                return InitialResponse.noContent();
              default:
                return InitialResponse.accept();
            }
          }
        };
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/posts/*", r.handler("/posts/{id}/stats", topic, adapter));

    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("bad", 400);
    expected.put("anon", 401);
    expected.put("secret", 403);
    expected.put("gone", 404);
    expected.put("boom", 500);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      HttpResponse<String> resp = get(s.uri("/posts/" + e.getKey() + "/stats"), "Accept", "text/event-stream");
      assertThat(resp.statusCode()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(resp.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(resp.body()).startsWith("{\"error\":");
    }
    assertThat(get(s.uri("/posts/secret/stats"), "Accept", "text/event-stream").body())
        .isEqualTo("{\"error\":\"not yours\"}");
    // 204 tells EventSource to stop reconnecting: no body, no stream
    HttpResponse<String> ended = get(s.uri("/posts/ended/stats"), "Accept", "text/event-stream");
    assertThat(ended.statusCode()).isEqualTo(204);
    assertThat(ended.body()).isEmpty();
    assertThat(ended.headers().firstValue("content-type")).isEmpty();
    // a path the template does not match
    assertThat(get(s.uri("/posts/1/other"), "Accept", "text/event-stream").statusCode()).isEqualTo(404);
    assertThat(r.hub().streamCount()).isZero();
    assertThat(r.openStreams()).isZero();
    // the refusals by status, for metrics: the adapter's, and 500 for the adapter that threw
    assertThat(r.stats().streamsRejected(400)).isEqualTo(1);
    assertThat(r.stats().streamsRejected(401)).isEqualTo(1);
    assertThat(r.stats().streamsRejected(403)).isEqualTo(2);
    assertThat(r.stats().streamsRejected(404)).isEqualTo(1);
    assertThat(r.stats().streamsRejected(500)).isEqualTo(1);
    assertThat(r.stats().streamsRejected(204)).isZero();
  }

  @Test
  void pathTemplateChoosesTheTopicAndFillsPathParams() throws Exception {
    List<StreamRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    StreamAdapter adapter =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            seen.add(request);
            return InitialResponse.accept();
          }
        };
    SseRouter r = router(SseRouter.builder());
    TestServer s =
        serve("/api/topics/*", r.handler("/api/topics/{topic}/events", topic + "-{topic}", adapter));
    SseReader a = open(s.uri("/api/topics/a/events?x=1"));
    SseReader b = open(s.uri("/api/topics/b/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount() == 2);

    r.hub().publish(topic + "-a", Event.of("for a"));
    r.hub().publish(topic + "-b", Event.of("for b"));
    await().atMost(Duration.ofSeconds(15)).until(() -> a.events().size() == 1 && b.events().size() == 1);
    assertThat(a.data()).containsExactly("for a");
    assertThat(b.data()).containsExactly("for b");
    StreamRequest first = seen.stream().filter(q -> q.pathParam("topic").equals(Optional.of("a"))).findFirst().orElseThrow();
    assertThat(first.path()).isEqualTo("/api/topics/a/events");
    assertThat(first.queryParam("x")).contains("1");
    assertThat(first.header("accept")).contains("text/event-stream");
    assertThat(first.remoteAddress()).contains("127.0.0.1");
  }

  @Test
  void requestCustomizerSetsThePrincipalThatSendToUserReaches() throws Exception {
    SseRouter r =
        router(
            SseRouter.builder()
                .requestCustomizer((req, b) -> b.principal(req.getHeader("X-Test-User"))));
    TestServer s = serve("/events", r.handler(topic));
    SseReader alice = open(s.uri("/events"), Map.of("X-Test-User", "alice"));
    SseReader bob = open(s.uri("/events"), Map.of("X-Test-User", "bob"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 2);

    assertThat(r.hub().sendToUser("alice", Event.of("private", "for alice"))).isEqualTo(1);
    r.hub().broadcast(Event.of("public"));
    await().atMost(Duration.ofSeconds(15)).until(() -> alice.events().size() == 2 && bob.events().size() == 1);
    assertThat(alice.data()).containsExactly("for alice", "public");
    assertThat(bob.data()).containsExactly("public");
  }

  @Test
  void routerPublishMarshalsValuesWithItsMarshaller() throws Exception {
    SseRouter r = router(SseRouter.builder().marshaller(JacksonMarshaller.create()));
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
    Message m = r.publish(topic, "stats", new Stats("9", 3)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 1);
    assertThat(rec.events().get(0).type()).isEqualTo("stats");
    assertThat(rec.events().get(0).data()).isEqualTo("{\"post\":\"9\",\"views\":3}");
    assertThat(rec.events().get(0).lastEventId()).isEqualTo(id(m));
  }

  // ---- CORS -----------------------------------------------------------------------------------

  @Test
  void corsAllowsListedOriginsWithCredentialsAndAnswersPreflight() throws Exception {
    SseRouter r =
        router(SseRouter.builder().allowOrigins("https://app.example").allowCredentials(true));
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));

    HttpResponse<String> pre =
        client.send(
            HttpRequest.newBuilder(s.uri("/publish"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, authorization")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(pre.statusCode()).isEqualTo(204);
    assertThat(pre.headers().firstValue("access-control-allow-origin")).contains("https://app.example");
    assertThat(pre.headers().firstValue("access-control-allow-credentials")).contains("true");
    assertThat(pre.headers().firstValue("access-control-allow-methods")).contains("POST");
    assertThat(pre.headers().firstValue("access-control-allow-headers").orElseThrow().toLowerCase())
        .contains("content-type", "authorization", "last-event-id");

    HttpResponse<String> denied =
        client.send(
            HttpRequest.newBuilder(s.uri("/events"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue("access-control-allow-origin")).isEmpty();

    SseReader allowed = open(s.uri("/events"), Map.of("Origin", "https://app.example"));
    assertThat(allowed.headers().firstValue("access-control-allow-origin")).contains("https://app.example");
    assertThat(allowed.headers().firstValue("access-control-allow-credentials")).contains("true");
    assertThat(allowed.headers().allValues("vary").toString()).contains("Origin");

    SseReader other = open(s.uri("/events"), Map.of("Origin", "https://evil.example"));
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(other.headers().firstValue("access-control-allow-credentials")).isEmpty();
  }

  @Test
  void wildcardOriginNeverComesWithCredentials() throws Exception {
    SseRouter r = router(SseRouter.builder().allowOrigins("*"));
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"), Map.of("Origin", "https://anyone.example"));
    assertThat(rec.headers().firstValue("access-control-allow-origin")).contains("*");
    assertThat(rec.headers().firstValue("access-control-allow-credentials")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SseRouter.builder().allowOrigins("*").allowCredentials(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("explicit origins");
  }

  // ---- limits ---------------------------------------------------------------------------------

  @Test
  void globalLimitAnswers503WithRetryAfter() throws Exception {
    SseRouter r =
        router(
            SseRouter.builder()
                .hub(h -> h.heartbeat(Duration.ofMillis(200)))
                .maxStreams(2)
                .retryAfter(Duration.ofSeconds(7)));
    TestServer s = serve("/events", r.handler(topic));
    SseReader one = open(s.uri("/events"));
    open(s.uri("/events"));

    HttpResponse<String> third = get(s.uri("/events"), "Accept", "text/event-stream");
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(r.stats().streamsRejected(503)).isEqualTo(1);
    assertThat(third.headers().firstValue("retry-after")).contains("7");
    assertThat(third.body()).contains("too many open streams");

    one.close();
    await().atMost(Duration.ofSeconds(15)).until(() -> r.openStreams() == 1);
    SseReader again = open(s.uri("/events"));
    assertThat(again.status()).isEqualTo(200);
  }

  @Test
  void perClientLimitCountsEachAddressApart() throws Exception {
    SseRouter r = router(SseRouter.builder().maxStreamsPerClient(1));
    TestServer s = serve("/events", r.handler(topic));
    try (RawClient first = RawClient.open("127.0.0.1", s.port(), "/events", 0);
        RawClient second = RawClient.open("127.0.0.1", s.port(), "/events", 0);
        RawClient elsewhere = RawClient.open("127.0.0.2", s.port(), "/events", 0)) {
      assertThat(first.status).isEqualTo(200);
      assertThat(second.status).isEqualTo(503);
      assertThat(second.head.toLowerCase()).contains("retry-after: 5");
      assertThat(elsewhere.status).isEqualTo(200);
    }
  }

  // ---- publishing -------------------------------------------------------------------------------

  @Test
  void publishEndpointAnswers202WithAssignedIds() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);

    HttpResponse<String> one = post(s.uri("/publish"), "{\"data\":\"hi\",\"event\":\"greet\",\"retry\":3000}");
    assertThat(one.statusCode()).isEqualTo(202);
    HttpResponse<String> many =
        post(s.uri("/publish"), "[{\"data\":{\"n\":1}},{\"data\":\"two\",\"id\":\"my-id\"}]");
    assertThat(many.statusCode()).isEqualTo(202);

    var ids1 = Http.JSON.readTree(one.body()).get("ids");
    var ids2 = Http.JSON.readTree(many.body()).get("ids");
    assertThat(ids1.size()).isEqualTo(1);
    assertThat(ids2.size()).isEqualTo(2);
    assertThat(ids2.get(1).asText()).isEqualTo("my-id");

    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 3);
    assertThat(rec.types()).containsExactly("greet", "message", "message");
    assertThat(rec.data()).containsExactly("hi", "{\"n\":1}", "two");
    assertThat(rec.events().get(0).lastEventId()).isEqualTo(ids1.get(0).asText());
    assertThat(rec.events().get(1).lastEventId()).isEqualTo(ids2.get(0).asText());
    assertThat(rec.retries()).contains(3000L);
  }

  @Test
  void publishAnswersSayWhatTheBrokerDidWithTheIdsPublishedBeforeAFailure() throws Exception {
    FaultyBroker broker = new FaultyBroker();
    SseRouter r = router(SseRouter.builder().hub(h -> h.broker(broker)));
    TestServer s = serve(Map.of("/publish", r.publishHandler(topic)));
    URI uri = s.uri("/publish");
    try {
      HttpResponse<String> dup = post(uri, "[{\"data\":\"ok\",\"id\":\"a\"},{\"data\":\"dup\",\"id\":\"b\"}]");
      assertThat(dup.statusCode()).isEqualTo(409);
      var dupJson = Http.JSON.readTree(dup.body());
      assertThat(dupJson.get("error").asText()).isEqualTo("duplicate id: b");
      assertThat(dupJson.get("published").asInt()).isEqualTo(1);
      assertThat(dupJson.get("ids").get(0).asText()).isEqualTo("a");

      HttpResponse<String> bad = post(uri, "{\"data\":\"bad\"}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(Http.JSON.readTree(bad.body()).get("error").asText()).isEqualTo("refused by the broker: payload refused");

      HttpResponse<String> unknown = post(uri, "{\"data\":\"unconfirmed\"}");
      assertThat(unknown.statusCode()).isEqualTo(503);
      var unknownJson = Http.JSON.readTree(unknown.body());
      assertThat(unknownJson.get("outcome").asText()).isEqualTo("unknown");
      assertThat(unknownJson.get("error").asText()).contains("no acknowledgement within 5 s");

      HttpResponse<String> down = post(uri, "{\"data\":\"down\"}");
      assertThat(down.statusCode()).isEqualTo(503);
      var downJson = Http.JSON.readTree(down.body());
      assertThat(downJson.get("outcome").asText()).isEqualTo("not published");
      assertThat(downJson.get("error").asText()).isEqualTo("publish failed: connection lost");
      assertThat(downJson.get("published").asInt()).isZero();
    } finally {
      r.hub().close();
      broker.close();
    }
  }

  @Test
  void invalidPublishAnswers400AndPublishesNothing() throws Exception {
    SseRouter r = router(SseRouter.builder().maxPublishBytes(1024));
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);

    List<String> bad =
        List.of(
            "{\"data\":",
            "not json",
            "",
            "[]",
            "42",
            "{\"event\":\"x\"}",
            "{\"data\":null}",
            "{\"data\":\"x\",\"event\":\"x\\ndata: forged\"}",
            "{\"data\":\"x\",\"id\":\"a\\nb\"}",
            "{\"data\":\"x\",\"retry\":-1}",
            "{\"data\":\"x\",\"retry\":\"soon\"}",
            "{\"data\":\"x\",\"evnt\":\"typo\"}",
            "{\"data\":\"x\",\"data\":\"y\"}",
            "{\"data\":\"x\"} {\"data\":\"y\"}",
            "[{\"data\":\"fine\"},{\"data\":\"x\",\"event\":\"a\\rb\"}]",
            "[{\"data\":\"a\",\"id\":\"same\"},{\"data\":\"b\",\"id\":\"same\"}]",
            "{\"data\":\"x\",\"id\":\"\"}",
            "{\"data\":{\"a\":1,\"a\":2}}",
            "{\"data\":\"x\",\"retry\":99999999999999999999}");
    for (String body : bad) {
      HttpResponse<String> resp = post(s.uri("/publish"), body);
      assertThat(resp.statusCode()).as(body).isEqualTo(400);
      assertThat(Http.JSON.readTree(resp.body()).get("error").asText()).as(body).isNotBlank();
    }
    HttpResponse<String> forged = post(s.uri("/publish"), "{\"data\":\"x\",\"event\":\"x\\ndata: forged\"}");
    assertThat(forged.body()).contains("CR or LF");

    HttpResponse<String> big = post(s.uri("/publish"), "{\"data\":\"" + "x".repeat(2000) + "\"}");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(Http.JSON.readTree(big.body()).get("error").asText()).contains("1024");

    HttpResponse<String> text =
        client.send(
            HttpRequest.newBuilder(s.uri("/publish"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(r.stats().publishRejected(413)).isEqualTo(1);
    assertThat(r.stats().publishRejected(415)).isEqualTo(1);
    assertThat(r.stats().publishRejected(400)).isPositive();

    // a marker published afterwards is the first and only thing the subscriber sees
    assertThat(post(s.uri("/publish"), "{\"data\":\"marker\"}").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> !rec.events().isEmpty());
    assertThat(rec.data()).containsExactly("marker");
  }

  @Test
  void oversizedChunkedPublishAnswers413() throws Exception {
    SseRouter r = router(SseRouter.builder().maxPublishBytes(1024));
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
    // no Content-Length: the limit must be enforced while reading
    byte[] body = ("{\"data\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> resp =
        client.send(
            HttpRequest.newBuilder(s.uri("/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(post(s.uri("/publish"), "{\"data\":\"marker\"}").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> !rec.events().isEmpty());
    assertThat(rec.data()).containsExactly("marker");
  }

  @Test
  void aPublishBeyondTheTopicBoundAnswers429WithRetryAfterAndPublishesNothing() throws Exception {
    SseRouter r = router(SseRouter.builder().retryAfter(Duration.ofSeconds(7)).hub(h -> h.maxTopics(1)));
    TestServer s = serve("/publish/*", r.publishHandler("/publish/{topic}", "{topic}"));
    assertThat(post(s.uri("/publish/" + topic), "{\"data\":\"x\"}").statusCode()).isEqualTo(202);
    HttpResponse<String> full = post(s.uri("/publish/" + topic + "-other"), "{\"data\":\"y\"}");
    assertThat(full.statusCode()).isEqualTo(429);
    assertThat(full.headers().firstValue("retry-after")).contains("7");
    var body = Http.JSON.readTree(full.body());
    assertThat(body.get("limit").asText()).isEqualTo("history maxTopics");
    assertThat(body.get("max").asLong()).isEqualTo(1);
    assertThat(body.get("outcome").asText()).isEqualTo("not published");
    assertThat(body.get("published").asInt()).isZero();
    assertThat(body.get("error").asText()).contains("history maxTopics (1) reached");
    assertThat(r.stats().publishRejected(429)).isEqualTo(1);
    // the topic that has history still takes events
    assertThat(post(s.uri("/publish/" + topic), "{\"data\":\"z\"}").statusCode()).isEqualTo(202);
  }

  /** Issue 15.3 over HTTP: an id already in the history answers 409, an aliasing id 400. */
  @Test
  void aDuplicateIdAnswers409AndAnIdOfTheHistorysFormAnswers400() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/publish/*", r.publishHandler("/publish/{topic}", "{topic}"));
    HttpResponse<String> first = post(s.uri("/publish/" + topic), "[{\"data\":\"1\"},{\"data\":\"2\",\"id\":\"o-1\"}]");
    assertThat(first.statusCode()).isEqualTo(202);
    String assigned = Http.JSON.readTree(first.body()).get("ids").get(0).asText();
    String run = assigned.substring(0, assigned.lastIndexOf('-'));

    HttpResponse<String> dup = post(s.uri("/publish/" + topic), "{\"data\":\"3\",\"id\":\"o-1\"}");
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(Http.JSON.readTree(dup.body()).get("error").asText()).isEqualTo("duplicate id: o-1");

    HttpResponse<String> alias = post(s.uri("/publish/" + topic), "{\"data\":\"4\",\"id\":\"" + run + "-5\"}");
    assertThat(alias.statusCode()).isEqualTo(400);
    assertThat(alias.body()).contains("has the form of the ids this history assigns");
    assertThat(r.stats().publishRejected(409)).isEqualTo(1);
    assertThat(r.stats().publishRejected(400)).isEqualTo(1);
  }

  @Test
  void publishRequiresTheBearerTokenWhenConfigured() throws Exception {
    SseRouter r = router(SseRouter.builder().publishToken("s3cret"));
    TestServer s = serve("/publish/*", r.publishHandler("/publish/{topic}", "{topic}"));
    String body = "{\"data\":\"x\"}";
    HttpResponse<String> none = post(s.uri("/publish/" + topic), body);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate")).contains("Bearer");
    assertThat(post(s.uri("/publish/" + topic), body, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(post(s.uri("/publish/" + topic), body, "Authorization", "Bearer s3cret").statusCode()).isEqualTo(202);
    assertThat(r.stats().publishRejected(401)).isEqualTo(2);
    assertThat(r.stats().publishRejected(202)).isZero();
  }

  // ---- hostile input (issue 15's probe; each case stays here so it stays fixed) --------------------

  /** The status code of a raw HTTP/1.1 answer, -1 if none arrived. */
  static int status(String raw) {
    return raw.startsWith("HTTP/1.1 ") && raw.length() >= 12 ? Integer.parseInt(raw.substring(9, 12)) : -1;
  }

  /** The body of a raw HTTP/1.1 answer (after the blank line; chunk framing left in). */
  static String body(String raw) {
    int i = raw.indexOf("\r\n\r\n");
    return i < 0 ? "" : raw.substring(i + 4);
  }

  static String rawGet(TestServer s, String pathAndQuery, String accept) throws Exception {
    return RawClient.exchange(
        s.port(),
        "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\nConnection: close\r\n\r\n",
        false,
        Duration.ofSeconds(5));
  }

  @Test
  void malformedQueryStringAnswers400JsonWithOneDebugLineAndNoError() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve(Map.of("/events", r.handler(topic), "/posts/*", r.handler("/posts/{id}", topic, StreamAdapter.passThrough())));
    List<String> queries = List.of("a=%ff", "a=%zz", "a=%", "lastEventId=%c0%af", "x=1&b=%e2%82");
    try (StderrCapture log = StderrCapture.start()) {
      for (String q : queries) {
        for (String path : List.of("/events?", "/posts/7?")) {
          for (String accept : List.of("text/event-stream", "application/json")) {
            String raw = rawGet(s, path + q, accept);
            assertThat(status(raw)).as(path + q + " " + accept).isEqualTo(400);
            assertThat(raw.toLowerCase()).as(path + q).contains("content-type: application/json");
            assertThat(body(raw)).as(path + q).contains("{\"error\":\"malformed query string");
          }
        }
      }
      // a good query still works
      assertThat(get(s.uri("/events?a=%E2%82%AC&b=x+y&c"), "Accept", "application/json").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> log.linesWith("StreamServlet").size() >= queries.size() * 4);
      assertThat(log.lines()).noneMatch(l -> l.contains("ERROR"));
      assertThat(log.lines()).noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));
      List<String> debug = log.linesWith("DEBUG org.ssekit.servlet.StreamServlet");
      assertThat(debug).hasSize(queries.size() * 4).allMatch(l -> l.contains("malformed query"));
    }
    assertThat(r.hub().streamCount()).isZero();
  }

  @Test
  void aTopicOverTheLimitAnswers400OnStreamAndPublish() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s =
        serve(Map.of(
            "/t/*", r.handler("/t/{topic}", "{topic}", StreamAdapter.passThrough()),
            "/publish/*", r.publishHandler("/publish/{topic}", "{topic}")));
    String longTopic = "x".repeat(org.ssekit.internal.transport.HttpRules.MAX_TOPIC_LENGTH + 1);
    HttpResponse<String> stream = get(s.uri("/t/" + longTopic), "Accept", "text/event-stream");
    assertThat(stream.statusCode()).isEqualTo(400);
    assertThat(stream.body()).contains("at most " + org.ssekit.internal.transport.HttpRules.MAX_TOPIC_LENGTH);
    HttpResponse<String> pub = post(s.uri("/publish/" + longTopic), "{\"data\":\"x\"}");
    assertThat(pub.statusCode()).isEqualTo(400);
    assertThat(pub.body()).contains("at most " + org.ssekit.internal.transport.HttpRules.MAX_TOPIC_LENGTH);
    // (a control character in a path is refused by Jetty itself; HttpTest covers the check)
    assertThat(post(s.uri("/publish/" + "x".repeat(org.ssekit.internal.transport.HttpRules.MAX_TOPIC_LENGTH)), "{\"data\":\"x\"}").statusCode()).isEqualTo(202);
    assertThat(r.hub().streamCount()).isZero();
  }

  @Test
  void publishedNumbersAreTheJsonTextAsSent() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
    HttpResponse<String> resp =
        post(s.uri("/publish"), "[{\"data\":12345678901234567890.5},{\"data\":1E400},{\"data\":{\"a\": [0.10, -0, 1e-999]}}]");
    assertThat(resp.statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 3);
    assertThat(rec.data()).containsExactly("12345678901234567890.5", "1E400", "{\"a\":[0.10,-0,1e-999]}");
  }

  @Test
  void overlongUtf8AndLookalikeMediaTypesAre400And415() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
    byte[] overlong = {'{', '"', 'd', 'a', 't', 'a', '"', ':', '"', 'a', (byte) 0xC0, (byte) 0xAF, 'b', '"', '}'};
    HttpResponse<String> bad =
        client.send(
            HttpRequest.newBuilder(s.uri("/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(overlong))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("not valid UTF-8");
    for (String type : List.of("application/jsonp-evil", "application/json-seq", "application/json;charset=iso-8859-1", "text/json")) {
      HttpResponse<String> resp =
          client.send(
              HttpRequest.newBuilder(s.uri("/publish"))
                  .header("Content-Type", type)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).as(type).isEqualTo(415);
    }
    assertThat(post(s.uri("/publish"), "{\"data\":\"ok\"}", "Content-Type", "Application/JSON; charset=\"UTF-8\"").statusCode())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> !rec.events().isEmpty());
    assertThat(rec.data()).containsExactly("ok");
  }

  @Test
  void duplicateAndEmptyIdsAnswer400NamingTheElement() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
    HttpResponse<String> dup =
        post(s.uri("/publish"), "[{\"data\":\"a\",\"id\":\"x\"},{\"data\":\"b\"},{\"data\":\"c\",\"id\":\"x\"}]");
    assertThat(dup.statusCode()).isEqualTo(400);
    assertThat(Http.JSON.readTree(dup.body()).get("error").asText()).startsWith("[2].id").contains("[0]");
    HttpResponse<String> empty = post(s.uri("/publish"), "[{\"data\":\"a\"},{\"data\":\"b\",\"id\":\"\"}]");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(Http.JSON.readTree(empty.body()).get("error").asText()).startsWith("[1].id must not be empty");
    assertThat(post(s.uri("/publish"), "{\"data\":\"marker\"}").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> !rec.events().isEmpty());
    assertThat(rec.data()).containsExactly("marker");
  }

  @Test
  void truncatedOrMalformedChunkedPublishBodyAnswers400Json() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
    String head = "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("truncated", head + "Content-Length: 100\r\n\r\n{\"data\":\"trunc");
    cases.put("bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"data\":\"x\"}\r\n0\r\n\r\n");
    cases.put("truncated chunk", head + "Transfer-Encoding: chunked\r\n\r\n40\r\n{\"data\":\"x\"}");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String raw = RawClient.exchange(s.port(), c.getValue(), true, Duration.ofSeconds(10));
      assertThat(status(raw)).as(c.getKey() + ": " + raw).isEqualTo(400);
      assertThat(raw.toLowerCase()).as(c.getKey()).contains("content-type: application/json");
      assertThat(body(raw)).as(c.getKey()).contains("\"error\"");
    }
    assertThat(post(s.uri("/publish"), "{\"data\":\"marker\"}").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(15)).until(() -> !rec.events().isEmpty());
    assertThat(rec.data()).containsExactly("marker");
  }

  @Test
  void aSlowPublishBodyAnswers408JsonAtTheReadTimeout() throws Exception {
    SseRouter r = router(SseRouter.builder().publishReadTimeout(Duration.ofMillis(500)));
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    long t0 = System.nanoTime();
    String raw =
        RawClient.exchange(
            s.port(),
            "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"da",
            false,
            Duration.ofSeconds(4));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(status(raw)).as(raw).isEqualTo(408);
    assertThat(raw.toLowerCase()).contains("content-type: application/json");
    assertThat(body(raw)).contains("did not arrive within 500 ms");
    assertThat(millis).isLessThan(4_000);
  }

  @Test
  void aBatchLargerThanOnePublishMayCarryIs413AndNoHealthyReaderIsCut() throws Exception {
    java.util.Set<String> closed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    SseRouter r =
        router(SseRouter.builder()
            .maxPublishBytes(1 << 20)
            .hub(h -> h.listener(new org.ssekit.HubListener() {
              @Override
              public void closed(org.ssekit.EventStream stream, org.ssekit.CloseReason reason) {
                closed.add(stream.id() + " " + reason);
              }
            })));
    TestServer s = serve(Map.of("/events", r.handler(topic), "/publish", r.publishHandler(topic)));
    List<SseReader> readers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      readers.add(open(s.uri("/events")));
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 10);
    String huge = IntStream.range(0, 5_000).mapToObj(i -> "{\"data\":\"h" + i + "\"}").collect(Collectors.joining(",", "[", "]"));
    HttpResponse<String> big = post(s.uri("/publish"), huge);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(Http.JSON.readTree(big.body()).get("error").asText()).contains("5000 events").contains("512");
    // the largest batch allowed reaches every reader whole, and nobody is cut
    String most = IntStream.range(0, 512).mapToObj(i -> "{\"data\":\"m" + i + "\"}").collect(Collectors.joining(",", "[", "]"));
    assertThat(post(s.uri("/publish"), most).statusCode()).isEqualTo(202);
    List<String> expected = IntStream.range(0, 512).mapToObj(i -> "m" + i).collect(Collectors.toList());
    await().atMost(Duration.ofSeconds(20)).until(() -> readers.stream().allMatch(x -> x.events().size() >= 512));
    for (SseReader rec : readers) {
      assertThat(rec.data()).containsExactlyElementsOf(expected);
      assertThat(rec.done()).isNotDone();
    }
    assertThat(closed).isEmpty();
    assertThat(r.hub().streamCount(topic)).isEqualTo(10);
  }

  // ---- endings ------------------------------------------------------------------------------------

  @Test
  void clientDisconnectClosesTheStream() throws Exception {
    SseRouter r = router(SseRouter.builder().hub(h -> h.heartbeat(Duration.ofMillis(200))));
    TestServer s = serve("/events", r.handler(topic));
    SseReader rec = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
    rec.close();
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 0 && r.openStreams() == 0);
  }

  @Test
  void closeWritesWhatIsQueuedThenEndsEveryResponse() throws Exception {
    SseRouter r = router(SseRouter.builder());
    TestServer s = serve("/events", r.handler(topic));
    SseReader a = open(s.uri("/events"));
    SseReader b = open(s.uri("/events"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 2);
    for (int i = 0; i < 100; i++) {
      r.hub().broadcast(Event.of("last-" + i));
    }
    r.close();

    a.done().get(5, TimeUnit.SECONDS);
    b.done().get(5, TimeUnit.SECONDS);
    List<String> expected = IntStream.range(0, 100).mapToObj(i -> "last-" + i).collect(Collectors.toList());
    assertThat(a.data()).containsExactlyElementsOf(expected);
    assertThat(b.data()).containsExactlyElementsOf(expected);
    assertThat(r.openStreams()).isZero();
    assertThat(r.hub().streamCount()).isZero();
    assertThat(get(s.uri("/events"), "Accept", "text/event-stream").statusCode()).isEqualTo(503);
  }

  @Test
  void servletDestroyWritesWhatIsQueuedThenEndsItsResponses() throws Exception {
    SseRouter r = router(SseRouter.builder());
    HttpServlet servlet = r.handler(topic);
    HttpServlet other = r.handler(topic);
    TestServer s = serve(Map.of("/events", servlet, "/other", other));
    SseReader a = open(s.uri("/events"));
    SseReader b = open(s.uri("/other"));
    await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 2);
    for (int i = 0; i < 50; i++) {
      r.hub().broadcast(Event.of("last-" + i));
    }
    servlet.destroy(); // what a container does when it undeploys the application

    a.done().get(5, TimeUnit.SECONDS);
    assertThat(a.data())
        .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "last-" + i).collect(Collectors.toList()));
    // the other servlet's stream is untouched
    r.hub().broadcast(Event.of("still here"));
    await().atMost(Duration.ofSeconds(15)).until(() -> b.data().contains("still here"));
    assertThat(b.done()).isNotDone();
    assertThat(r.openStreams()).isEqualTo(1);
  }

  @Test
  void restartingTheContainerLeaksNoThreadAndNoStream() throws Exception {
    int ssekitBefore = threads("ssekit-");
    SseRouter r = SseRouter.builder().build();
    for (int round = 0; round < 2; round++) {
      TestServer s = factory().start(Map.of("/events", r.handler(topic)), 0);
      SseReader rec;
      try {
        rec = open(s.uri("/events"));
        await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 1);
        r.hub().publish(topic, Event.of("round " + round));
        await().atMost(Duration.ofSeconds(15)).until(() -> rec.events().size() == 1);
      } finally {
        s.close(); // destroy() ends the servlet's streams
      }
      rec.done().handle((v, t) -> null).get(5, TimeUnit.SECONDS);
      assertThat(r.openStreams()).isZero();
      await().atMost(Duration.ofSeconds(15)).until(() -> r.hub().streamCount(topic) == 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> threads(JettyServer.POOL) + threads(TomcatServer.POOL) == 0);
    }
    r.close(); // the hub it built, its heartbeat thread and broker pool go with it
    await().atMost(Duration.ofSeconds(10)).until(() -> threads("ssekit-") <= ssekitBefore);
  }

  static int threads(String prefix) {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .filter(t -> t.getName().startsWith(prefix))
            .count();
  }
}
