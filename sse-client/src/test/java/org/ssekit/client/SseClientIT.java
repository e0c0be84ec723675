package org.ssekit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a real HTTP server on loopback: the protocol's edge cases over a socket. */
class SseClientIT {

  private final TestSseServer server = TestSseServer.start();
  private final Recorder rec = new Recorder();
  private final List<SseClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(SseClient::close);
    server.close();
  }

  private SseClient.Builder builder() {
    return rec.attach(SseClient.builder(server.uri("/events")).initialDelay(Duration.ofMillis(50)));
  }

  private SseClient track(SseClient c) {
    clients.add(c);
    return c;
  }

  @Test
  void resumesWithLastEventIdAfterTheServerDropsTheConnection() throws Exception {
    SseClient client = track(builder().build());
    EventIterator events = client.events();
    client.start();

    TestSseServer.Stream first = server.awaitStream();
    assertThat(first.header("Accept")).isEqualTo("text/event-stream");
    assertThat(first.header("Last-Event-ID")).isEmpty();
    first.send("id: 1\ndata: a\n\nid: 2\ndata: b\n\n");
    assertThat(events.next()).isEqualTo(new MessageEvent("message", "a", "1"));
    assertThat(events.next()).isEqualTo(new MessageEvent("message", "b", "2"));
    first.send("id: 3\ndata: cut off"); // an incomplete event, then the drop
    first.close();

    TestSseServer.Stream second = server.awaitStream();
    assertThat(second.header("Last-Event-ID")).isEqualTo("2");
    second.send("id: 3\ndata: c\n\n");
    assertThat(events.next()).isEqualTo(new MessageEvent("message", "c", "3"));
    assertThat(rec.log.stream().map(SseClientIT::kind))
        .containsSubsequence("open", "error:END_OF_STREAM", "reconnecting", "open");
  }

  @Test
  void waitsTheServersRetryBeforeReconnecting() {
    track(builder().initialDelay(Duration.ofMillis(10)).jitter(0).build().start());
    TestSseServer.Stream first = server.awaitStream();
    first.send("retry: 700\n\n");
    // the retry field is applied when its line is parsed; make sure it was read before the drop
    first.send(":sync\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> rec.log.contains("comment:sync"));
    first.close();

    TestSseServer.Stream second = server.awaitStream();
    Duration waited = TestSseServer.between(first.closedNanos, second.receivedNanos);
    assertThat(waited).isBetween(Duration.ofMillis(700), Duration.ofMillis(700 + 3000));
    assertThat(rec.log).contains("reconnecting:700");
  }

  @Test
  void noContentStopsReconnecting() {
    server.reply(204, "", "");
    SseClient client = track(builder().reconnectWhen(e -> true).build().start());
    await().atMost(Duration.ofSeconds(5)).until(() -> client.state() == SseClient.State.CLOSED);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> server.requests().size() == 1);
    assertThat(rec.log).containsExactly("error:HTTP_STATUS:204", "closed");
  }

  @Test
  void backoffGrowsAndStaysBoundedWhileTheServerFails() {
    int failures = 6;
    for (int i = 0; i < failures; i++) {
      server.reply(503, "text/plain", "overloaded");
    }
    track(
        builder()
            .initialDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(160))
            .jitter(0.5)
            .build()
            .start());
    server.awaitStream(); // the seventh attempt succeeds
    await().atMost(Duration.ofSeconds(5)).until(() -> rec.log.contains("open:200"));

    List<TestSseServer.Request> reqs = server.requests();
    assertThat(reqs).hasSize(failures + 1);
    for (int i = 1; i < reqs.size(); i++) {
      long expectedMin = Math.min(20L << (i - 1), 160);
      Duration gap = TestSseServer.between(reqs.get(i - 1).receivedNanos, reqs.get(i).receivedNanos);
      assertThat(gap).as("gap before attempt %d", i + 1).isGreaterThanOrEqualTo(Duration.ofMillis(expectedMin));
      assertThat(gap).as("gap before attempt %d", i + 1).isLessThan(Duration.ofMillis(160 + 2000));
    }
    List<Long> announced = new ArrayList<>();
    for (String s : rec.log) {
      if (s.startsWith("reconnecting:")) {
        announced.add(Long.parseLong(s.substring("reconnecting:".length())));
      }
    }
    assertThat(announced).hasSize(failures).allSatisfy(d -> assertThat(d).isBetween(20L, 160L));
    assertThat(announced.get(failures - 1)).isEqualTo(160L); // capped
  }

  @Test
  void aServerSendingRetryZeroCannotMakeTheClientReconnectWithoutPause() {
    for (int i = 0; i < 500; i++) {
      server.reply(200, "text/event-stream", "retry: 0\ndata: x\n\n"); // then the stream ends
    }
    track(builder().jitter(0).build().start());
    assertReconnectsAreFlooredAndGrowing();
  }

  @Test
  void aServiceUnavailableLoopWithZeroInitialDelayBacksOff() {
    for (int i = 0; i < 500; i++) {
      server.reply(503, "text/plain", "overloaded");
    }
    track(builder().initialDelay(Duration.ZERO).jitter(0).build().start());
    assertReconnectsAreFlooredAndGrowing();
  }

  /** Counts the requests in the first second (a busy loop made hundreds) and checks the gaps. */
  private void assertReconnectsAreFlooredAndGrowing() {
    // the fifth request comes 100 + 200 + 400 + 800 ms = 1.5 s after the first
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<TestSseServer.Request> r = server.requests();
              return r.size() >= 5
                  && System.nanoTime() - r.get(0).receivedNanos >= Duration.ofSeconds(1).toNanos();
            });
    List<TestSseServer.Request> reqs = server.requests();
    long first = reqs.get(0).receivedNanos;
    long inFirstSecond =
        reqs.stream().filter(r -> r.receivedNanos - first < Duration.ofSeconds(1).toNanos()).count();
    assertThat(inFirstSecond).as("requests within 1 s of the first").isLessThanOrEqualTo(4);
    for (int i = 1; i < 5; i++) {
      Duration gap = TestSseServer.between(reqs.get(i - 1).receivedNanos, reqs.get(i).receivedNanos);
      assertThat(gap)
          .as("gap before attempt %d", i + 1)
          .isGreaterThanOrEqualTo(SseClient.MIN_RECONNECT_DELAY.multipliedBy(1L << (i - 1)));
    }
  }

  @Test
  void readTimeoutDropsASilentStreamAndReconnects() {
    track(builder().readTimeout(Duration.ofMillis(300)).build().start());
    TestSseServer.Stream first = server.awaitStream();
    first.send("id: 1\ndata: hello\n\n");
    // then silence
    TestSseServer.Stream second = server.awaitStream();
    assertThat(second.header("Last-Event-ID")).isEqualTo("1");
    assertThat(rec.log.stream().map(SseClientIT::kind))
        .containsSubsequence("event:message:hello:1", "error:TIMEOUT", "reconnecting");
    await().atMost(Duration.ofSeconds(5)).until(first::clientGone);
  }

  @Test
  void heartbeatsKeepAStreamWithinTheReadTimeoutAlive() {
    track(builder().readTimeout(Duration.ofMillis(700)).build().start());
    TestSseServer.Stream stream = server.awaitStream();
    long end = System.nanoTime() + Duration.ofMillis(2000).toNanos();
    AtomicInteger beats = new AtomicInteger();
    await()
        .pollInterval(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              stream.send(":beat\n");
              beats.incrementAndGet();
              return System.nanoTime() > end;
            });
    assertThat(rec.errors).isEmpty();
    assertThat(server.requests()).hasSize(1);
    assertThat(beats.get()).isGreaterThan(5);
  }

  @Test
  void closeCancelsAPendingReconnect() {
    SseClient client = track(builder().initialDelay(Duration.ofMillis(1000)).jitter(0).build().start());
    server.awaitStream().close();
    await()
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(5))
        .until(() -> rec.log.contains("reconnecting:1000"));
    client.close();
    await()
        .during(Duration.ofMillis(1300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> server.requests().size() == 1);
    assertThat(rec.log).endsWith("closed");
  }

  @Test
  void closeFreesTheConnection() {
    SseClient client = track(builder().build().start());
    TestSseServer.Stream stream = server.awaitStream();
    stream.send("data: x\n\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> rec.events().size() == 1);
    client.close();
    await().atMost(Duration.ofSeconds(5)).until(stream::clientGone);
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
  }

  @Test
  void closeFromAnEventListenerStopsTheStream() {
    SseClient[] self = new SseClient[1];
    self[0] = track(builder().onEvent("bye", e -> self[0].close()).build());
    self[0].start();
    TestSseServer.Stream stream = server.awaitStream();
    stream.send("data: 1\n\nevent: bye\ndata: 2\n\ndata: 3\n\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> self[0].state() == SseClient.State.CLOSED);
    await().atMost(Duration.ofSeconds(5)).until(stream::clientGone);
    assertThat(rec.events()).containsExactly("event:message:1:", "event:bye:2:");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void postsTheBodyWithCustomHeadersAndResendsItOnReconnect() {
    track(
        builder()
            .method("POST")
            .header("Content-Type", "application/json")
            .header("X-Tenant", "t1")
            .body("{\"topics\":[\"a\"]}")
            .build()
            .start());
    TestSseServer.Stream first = server.awaitStream();
    assertThat(first.method).isEqualTo("POST");
    assertThat(first.body).isEqualTo("{\"topics\":[\"a\"]}");
    assertThat(first.header("X-Tenant")).isEqualTo("t1");
    assertThat(first.header("Content-Type")).isEqualTo("application/json");
    first.send("id: 9\ndata: x\n\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> rec.events().size() == 1);
    first.close();
    TestSseServer.Stream second = server.awaitStream();
    assertThat(second.method).isEqualTo("POST");
    assertThat(second.body).isEqualTo(first.body);
    assertThat(second.header("Last-Event-ID")).isEqualTo("9");
  }

  @Test
  void serverErrorIsReportedAndRetriedThenClientErrorStops() {
    server.reply(500, "text/plain", "oops").reply(403, "text/plain", "forbidden");
    SseClient client = track(builder().build().start());
    await().atMost(Duration.ofSeconds(5)).until(() -> client.state() == SseClient.State.CLOSED);
    assertThat(rec.log)
        .containsExactly("error:HTTP_STATUS:500", "reconnecting:" + rec.log.get(1).substring(13), "error:HTTP_STATUS:403", "closed");
  }

  @Test
  void callbacksRunOnTheInjectedExecutor() {
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "injected-executor");
              t.setDaemon(true);
              return t;
            });
    try {
      List<String> threads = new CopyOnWriteArrayList<>();
      track(
          builder()
              .executor(executor)
              .onAnyEvent(e -> threads.add(Thread.currentThread().getName()))
              .build()
              .start());
      server.awaitStream().send("data: 1\n\n").send("data: 2\n\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 2);
      assertThat(threads).containsOnly("injected-executor");
    } finally {
      executor.shutdownNow();
    }
  }

  /** A log entry without its variable part (status, delay). */
  private static String kind(String entry) {
    return entry.startsWith("open:") ? "open" : entry.startsWith("reconnecting:") ? "reconnecting" : entry;
  }

  @Test
  void manyClientsOnOneHttpClientUseNoThreadEach() {
    // Two worker threads for everything: the SSE clients must not add threads of their own.
    ExecutorService workers = Executors.newFixedThreadPool(2);
    HttpClient shared = HttpClient.newBuilder().executor(workers).build();
    int before = nonServerThreads();
    int n = 40;
    List<SseClient> many = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      many.add(track(builder().httpClient(shared).build().start()));
    }
    List<TestSseServer.Stream> streams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      streams.add(server.awaitStream());
    }
    for (TestSseServer.Stream s : streams) {
      s.send("data: hi\n\n");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> rec.events().size() == n);
    int added = nonServerThreads() - before;
    // the HttpClient's selector thread and its two workers
    assertThat(added).as("threads added for %d open streams", n).isLessThanOrEqualTo(3);
    many.forEach(SseClient::close);
    workers.shutdownNow();
  }

  private static int nonServerThreads() {
    int count = 0;
    for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
      var info = ManagementFactory.getThreadMXBean().getThreadInfo(id);
      if (info != null && !info.getThreadName().startsWith("test-sse-server")) {
        count++;
      }
    }
    return count;
  }
}
