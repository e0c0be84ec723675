package org.ssekit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Deterministic tests of the client's connection state machine, reconnect policy and dispatch: the
 * transport ({@link FakeHttpClient}), the scheduler ({@link ManualScheduler}), the clock and the
 * jitter source are all driven by the test.
 */
class SseClientTest {

  private final FakeHttpClient http = new FakeHttpClient();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AtomicLong clock = new AtomicLong();
  private final Recorder rec = new Recorder();

  private SseClient.Builder builder() {
    return rec.attach(
        SseClient.builder("http://example.test/events")
            .httpClient(http)
            .scheduler(scheduler)
            .nanoClock(clock::get)
            .random(() -> 0.5)
            .initialDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofMillis(500)));
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  private List<Long> scheduledDelays() {
    List<Long> out = new ArrayList<>();
    for (ManualScheduler.Task t : scheduler.all()) {
      out.add(t.delayMillis());
    }
    return out;
  }

  @Test
  void sendsAcceptCacheControlCustomHeadersMethodAndBody() {
    builder()
        .header("Authorization", "Bearer t")
        .header("X-Multi", "a")
        .header("x-multi", "b")
        .method("REPORT")
        .body("{\"q\":1}")
        .build()
        .start();
    FakeHttpClient.Exchange ex = http.next();
    assertThat(ex.request.method()).isEqualTo("REPORT");
    assertThat(ex.header("Accept")).isEqualTo("text/event-stream");
    assertThat(ex.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(ex.header("Authorization")).isEqualTo("Bearer t");
    assertThat(ex.request.headers().allValues("X-Multi")).containsExactly("a", "b");
    assertThat(ex.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(ex.lastEventId()).isEmpty();
    assertThat(ex.request.bodyPublisher().orElseThrow().contentLength()).isEqualTo(7);
    assertThat(ex.request.version()).contains(java.net.http.HttpClient.Version.HTTP_1_1);
  }

  @Test
  void customAcceptAndContentTypeReplaceTheDefaults() {
    builder()
        .header("Accept", "text/event-stream, */*")
        .header("Content-Type", "application/json")
        .method("POST")
        .body("{}")
        .build()
        .start();
    FakeHttpClient.Exchange ex = http.next();
    assertThat(ex.request.headers().allValues("Accept")).containsExactly("text/event-stream, */*");
    assertThat(ex.request.headers().allValues("Content-Type")).containsExactly("application/json");
  }

  @Test
  void initialLastEventIdIsSentOnTheFirstRequest() {
    builder().lastEventId("abc").build().start();
    assertThat(http.next().lastEventId()).contains("abc");
  }

  @Test
  void reconnectsAfterEndOfStreamWithLastEventId() {
    SseClient client = builder().build().start();
    FakeHttpClient.Exchange first = http.next();
    first.open().send("id: 7\ndata: a\n\n");
    assertThat(client.state()).isEqualTo(SseClient.State.OPEN);
    first.end();

    assertThat(client.state()).isEqualTo(SseClient.State.CONNECTING);
    assertThat(rec.log)
        .containsExactly("open:200", "event:message:a:7", "error:END_OF_STREAM", "reconnecting:125");
    assertThat(http.hasPending()).isFalse();

    scheduler.runNext();
    FakeHttpClient.Exchange second = http.next();
    assertThat(second.lastEventId()).contains("7");
    second.open().send("data: b\n\n");
    assertThat(rec.events()).containsExactly("event:message:a:7", "event:message:b:7");
  }

  @Test
  void backoffDoublesWithJitterUpToTheCap() {
    builder().build().start();
    for (int i = 0; i < 5; i++) {
      http.next().failConnect(new IOException("refused"));
      scheduler.runNext();
    }
    // base 100 ms, jitter 0.5 * r 0.5 = +25 %, cap 500 ms
    assertThat(scheduledDelays()).containsExactly(125L, 250L, 500L, 500L, 500L);
    assertThat(rec.errors).allSatisfy(e -> assertThat(e.kind()).isEqualTo(SseException.Kind.CONNECTION));
  }

  @Test
  void jitterStaysWithinItsBounds() {
    double[] r = {0.0};
    builder().random(() -> r[0]).jitter(1.0).maxDelay(Duration.ofSeconds(10)).build().start();
    http.next().failConnect(new IOException("refused"));
    r[0] = 0.999;
    scheduler.runNext();
    http.next().failConnect(new IOException("refused"));
    assertThat(scheduledDelays()).containsExactly(100L, 399L); // [d, 2d): 100 + 0, 200 + 199
  }

  @Test
  void serverRetryReplacesTheInitialDelayAndIsAFloor() {
    builder().maxDelay(Duration.ofSeconds(30)).build().start();
    http.next().open().send("retry: 2000\n\n").end();
    scheduler.runNext();
    http.next().failConnect(new IOException("refused"));
    assertThat(scheduledDelays()).containsExactly(2500L, 5000L);
  }

  @Test
  void serverRetryAboveTheCapIsHonouredExactly() {
    builder().maxDelay(Duration.ofMillis(500)).build().start();
    http.next().open().send("retry: 3000\n").end();
    assertThat(scheduledDelays()).containsExactly(3000L);
  }

  @Test
  void aServerRetryOfZeroWaitsTheFloorAndKeepsDoubling() {
    builder().jitter(0).maxDelay(Duration.ofSeconds(30)).build().start();
    for (int i = 0; i < 4; i++) {
      http.next().open().send("retry: 0\n\n").end();
      scheduler.runNext();
    }
    assertThat(scheduledDelays()).containsExactly(100L, 200L, 400L, 800L);
  }

  @Test
  void aZeroInitialDelayWaitsTheFloorAndKeepsDoublingOnServerErrors() {
    builder().initialDelay(Duration.ZERO).jitter(0).build().start();
    for (int i = 0; i < 4; i++) {
      http.next().respond(503, "text/plain");
      scheduler.runNext();
    }
    // floor 100 ms, doubling, cap 500 ms
    assertThat(scheduledDelays()).containsExactly(100L, 200L, 400L, 500L);
  }

  @Test
  void invalidRetryIsIgnored() {
    builder().build().start();
    http.next().open().send("retry: 1.5\nretry: -3\nretry: abc\n\n").end();
    assertThat(scheduledDelays()).containsExactly(125L);
  }

  @Test
  void backoffResetsAfterAStableConnectionOnly() {
    builder().backoffResetAfter(Duration.ofSeconds(60)).build().start();
    http.next().failConnect(new IOException("refused")); // 125
    scheduler.runNext();
    http.next().failConnect(new IOException("refused")); // 250
    scheduler.runNext();
    FakeHttpClient.Exchange shortLived = http.next().open();
    advance(Duration.ofSeconds(5));
    shortLived.end(); // not stable: 500
    scheduler.runNext();
    FakeHttpClient.Exchange stable = http.next().open();
    advance(Duration.ofSeconds(60));
    stable.end(); // stable: back to the base
    assertThat(scheduledDelays()).containsExactly(125L, 250L, 500L, 125L);
  }

  @Test
  void noContentStopsEvenWhenThePolicySaysReconnect() {
    SseClient client = builder().reconnectWhen(e -> true).build().start();
    FakeHttpClient.Exchange ex = http.next();
    ex.respond(204, "");
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
    assertThat(rec.log).containsExactly("error:HTTP_STATUS:204", "closed");
    assertThat(scheduler.all()).isEmpty();
    assertThat(ex.cancelled()).isTrue();
  }

  @Test
  void clientErrorStatusStopsByDefault() {
    SseClient client = builder().build().start();
    FakeHttpClient.Exchange ex = http.next();
    ex.respond(404, "text/html");
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
    assertThat(rec.log).containsExactly("error:HTTP_STATUS:404", "closed");
    assertThat(ex.cancelled()).as("the error body is discarded and its connection closed").isTrue();
  }

  @Test
  void serverErrorStatusReconnectsByDefault() {
    builder().build().start();
    http.next().respond(503, "text/plain");
    assertThat(rec.log).containsExactly("error:HTTP_STATUS:503", "reconnecting:125");
    scheduler.runNext();
    assertThat(http.hasPending()).isTrue();
  }

  @Test
  void retryAfterOnServiceUnavailableLengthensTheWaitUpToTheCap() {
    builder().maxDelay(Duration.ofSeconds(30)).build().start();
    http.next().respond(503, java.util.Map.of("Retry-After", List.of("2")));
    scheduler.runNext();
    http.next().respond(429, java.util.Map.of("Retry-After", List.of("3600")));
    scheduler.runNext();
    http.next().respond(503, java.util.Map.of("Retry-After", List.of("soon")));
    assertThat(scheduledDelays()).containsExactly(2000L, 30_000L, 500L);
    assertThat(rec.errors.get(0).retryAfter()).contains(Duration.ofSeconds(2));
    assertThat(rec.errors.get(2).retryAfter()).isEmpty();
  }

  @Test
  void retryAfterNeverShortensTheBackoff() {
    builder().initialDelay(Duration.ofSeconds(4)).maxDelay(Duration.ofSeconds(30)).build().start();
    http.next().respond(503, java.util.Map.of("Retry-After", List.of("1")));
    assertThat(scheduledDelays()).containsExactly(5000L);
  }

  @Test
  void retryAfterAcceptsSecondsAndFutureHttpDates() {
    long now = 1_700_000_000_000L; // Tue, 14 Nov 2023 22:13:20 GMT
    assertThat(Connection.retryAfterMillis("120", now)).isEqualTo(120_000);
    assertThat(Connection.retryAfterMillis(" 0 ", now)).isZero();
    assertThat(Connection.retryAfterMillis("Tue, 14 Nov 2023 22:13:50 GMT", now)).isEqualTo(30_000);
    assertThat(Connection.retryAfterMillis("Tue, 14 Nov 2023 22:00:00 GMT", now)).isEqualTo(-1);
    assertThat(Connection.retryAfterMillis("-5", now)).isEqualTo(-1);
    assertThat(Connection.retryAfterMillis("", now)).isEqualTo(-1);
    assertThat(Connection.retryAfterMillis("99999999999999", now)).isPositive();
  }

  @Test
  void tooManyRequestsAndRequestTimeoutAreTransient() {
    assertThat(SseException.status(429).isTransient()).isTrue();
    assertThat(SseException.status(408).isTransient()).isTrue();
    assertThat(SseException.status(401).isTransient()).isFalse();
    assertThat(SseException.status(500).isTransient()).isTrue();
    assertThat(SseException.contentType(200, "text/html").isTransient()).isFalse();
  }

  @Test
  void wrongContentTypeStopsByDefault() {
    SseClient client = builder().build().start();
    http.next().respond(200, "text/html; charset=utf-8");
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
    assertThat(rec.log).containsExactly("error:CONTENT_TYPE:200", "closed");
    assertThat(rec.errors.get(0)).hasMessageContaining("text/html");
  }

  @Test
  void missingContentTypeIsAnError() {
    builder().build().start();
    http.next().respond(200, "");
    assertThat(rec.log).containsExactly("error:CONTENT_TYPE:200", "closed");
  }

  @Test
  void contentTypeIsMatchedCaseInsensitivelyWithParameters() {
    assertThat(Connection.isEventStream("Text/Event-Stream ; charset=UTF-8")).isTrue();
    assertThat(Connection.isEventStream("text/event-stream")).isTrue();
    assertThat(Connection.isEventStream("text/event-streams")).isFalse();
    assertThat(Connection.isEventStream("")).isFalse();
  }

  @Test
  void customPolicyCanReconnectOnClientErrors() {
    builder().reconnectWhen(e -> e.status().orElse(0) == 404).build().start();
    http.next().respond(404, "text/plain");
    assertThat(rec.log).containsExactly("error:HTTP_STATUS:404", "reconnecting:125");
  }

  @Test
  void throwingPolicyStopsTheClient() {
    SseClient client =
        builder()
            .reconnectWhen(
                e -> {
                  throw new IllegalStateException("boom");
                })
            .build()
            .start();
    http.next().failConnect(new IOException("refused"));
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
  }

  @Test
  void responseTimeoutIsReportedAsTimeoutAndRetried() {
    builder().build().start();
    http.next().failConnect(new HttpConnectTimeoutException("connect timed out"));
    assertThat(rec.log).containsExactly("error:TIMEOUT", "reconnecting:125");
  }

  @Test
  void aSchedulerThatRefusesWorkClosesTheClient() {
    java.util.concurrent.ScheduledExecutorService dead = Executors.newSingleThreadScheduledExecutor();
    dead.shutdown();
    SseClient client =
        rec.attach(SseClient.builder("http://example.test/").httpClient(http).scheduler(dead)).build().start();
    http.next().failConnect(new IOException("refused"));
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
    assertThat(rec.log).endsWith("closed");
  }

  @Test
  void closeCancelsAPendingReconnect() {
    SseClient client = builder().build().start();
    http.next().open().end();
    ManualScheduler.Task pending = scheduler.pending().get(0);

    client.close();

    assertThat(pending.isCancelled()).isTrue();
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
    pending.run(); // even if the scheduler ran it anyway
    assertThat(http.hasPending()).isFalse();
    assertThat(rec.log).containsExactly("open:200", "error:END_OF_STREAM", "reconnecting:125", "closed");
    client.close();
    assertThat(rec.log).filteredOn("closed"::equals).hasSize(1);
  }

  @Test
  void closeAbortsTheOpenStreamAndDeliversNothingAfter() {
    SseClient client = builder().build().start();
    FakeHttpClient.Exchange ex = http.next().open().send("data: before\n\n");
    client.close();
    assertThat(ex.cancelled()).isTrue();
    ex.send("data: after\n\n");
    assertThat(rec.events()).containsExactly("event:message:before:");
    assertThat(scheduler.pending()).isEmpty();
  }

  @Test
  void closeDuringConnectAbortsTheRequest() {
    SseClient client = builder().build().start();
    FakeHttpClient.Exchange ex = http.next();
    client.close();
    assertThat(ex.cancelled()).isTrue();
    assertThat(rec.log).containsExactly("closed");
  }

  @Test
  void closeFromAnEventListenerStopsAfterThatEvent() {
    SseClient[] self = new SseClient[1];
    self[0] =
        builder().onEvent("stop", e -> self[0].close()).build().start();
    http.next().open().send("data: 1\n\nevent: stop\ndata: 2\n\ndata: 3\n\n");
    assertThat(rec.events()).containsExactly("event:message:1:", "event:stop:2:");
    assertThat(rec.log).endsWith("closed");
  }

  @Test
  void restartReconnectsAtOnceWithoutErrorOrBackoff() {
    SseClient client = builder().build().start();
    FakeHttpClient.Exchange first = http.next().open().send("id: 3\ndata: x\n\n");
    client.restart();
    assertThat(first.cancelled()).isTrue();
    FakeHttpClient.Exchange second = http.next();
    assertThat(second.lastEventId()).contains("3");
    second.open();
    first.send("data: stale\n\n");
    assertThat(rec.log).containsExactly("open:200", "event:message:x:3", "open:200");
    assertThat(scheduler.all()).isEmpty();
  }

  @Test
  void restartCutsAPendingReconnectShort() {
    SseClient client = builder().build().start();
    http.next().failConnect(new IOException("refused"));
    ManualScheduler.Task pending = scheduler.pending().get(0);
    client.restart();
    assertThat(pending.isCancelled()).isTrue();
    assertThat(http.hasPending()).isTrue();
  }

  @Test
  void readTimeoutDropsASilentStreamAndReconnects() {
    builder().readTimeout(Duration.ofSeconds(1)).build().start();
    FakeHttpClient.Exchange ex = http.next().open();
    ManualScheduler.Task watchdog = scheduler.pending().get(0);
    assertThat(watchdog.delayMillis()).isEqualTo(1000);

    advance(Duration.ofMillis(600));
    ex.send(":heartbeat\n");
    advance(Duration.ofMillis(400));
    scheduler.runNext(); // idle 400 ms: not yet
    assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delayMillis()).isEqualTo(600));
    assertThat(rec.errors).isEmpty();

    advance(Duration.ofMillis(600));
    scheduler.runNext(); // idle 1 s
    assertThat(rec.log).containsSubsequence("error:TIMEOUT", "reconnecting:125");
    assertThat(ex.cancelled()).isTrue();
  }

  @Test
  void readTimeoutIsNotArmedByDefault() {
    builder().build().start();
    http.next().open();
    assertThat(scheduler.all()).isEmpty();
  }

  @Test
  void partialEventCutByADropIsDiscarded() {
    builder().build().start();
    http.next().open().send("id: 1\ndata: whole\n\nid: 2\ndata: partial").end();
    scheduler.runNext();
    FakeHttpClient.Exchange second = http.next();
    assertThat(second.lastEventId()).contains("1");
    second.open().send("\n\ndata: next\n\n");
    assertThat(rec.events()).containsExactly("event:message:whole:1", "event:message:next:1");
  }

  @Test
  void emptyIdResetsTheLastEventIdAndTheHeaderIsOmitted() {
    SseClient client = builder().lastEventId("seed").build().start();
    http.next().open().send("id: 5\ndata: a\n\nid\ndata: b\n\n").end();
    assertThat(client.lastEventId()).isEmpty();
    scheduler.runNext();
    assertThat(http.next().lastEventId()).isEmpty();
    assertThat(rec.events()).containsExactly("event:message:a:5", "event:message:b:");
  }

  @Test
  void anIdWithoutDataStillMovesTheLastEventId() {
    builder().build().start();
    http.next().open().send("id: 9\n\n").end();
    scheduler.runNext();
    assertThat(http.next().lastEventId()).contains("9");
    assertThat(rec.events()).isEmpty();
  }

  @Test
  void typedListenersSeeOnlyTheirTypeAndCanBeRemoved() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    List<String> message = new ArrayList<>();
    SseClient client =
        builder()
            .onEvent("a", e -> a.add(e.data()))
            .onEvent(MessageEvent.DEFAULT_TYPE, e -> message.add(e.data()))
            .build()
            .start();
    SseClient.Registration reg = client.addEventListener("b", e -> b.add(e.data()));
    FakeHttpClient.Exchange ex = http.next().open();
    ex.send("event: a\ndata: 1\n\nevent: b\ndata: 2\n\ndata: 3\n\n");
    reg.close();
    ex.send("event: b\ndata: 4\n\n");
    assertThat(a).containsExactly("1");
    assertThat(b).containsExactly("2");
    assertThat(message).containsExactly("3");
    assertThat(rec.events()).hasSize(4);
  }

  @Test
  void commentsAreReported() {
    builder().build().start();
    http.next().open().send(":hello\n: world\n:\n");
    assertThat(rec.log).containsExactly("open:200", "comment:hello", "comment:world", "comment:");
  }

  @Test
  void aThrowingListenerDoesNotStopDelivery() {
    List<String> seen = new ArrayList<>();
    builder()
        .onAnyEvent(
            e -> {
              throw new IllegalStateException("listener bug");
            })
        .onAnyEvent(e -> seen.add(e.data()))
        .listener(
            new ConnectionListener() {
              @Override
              public void onOpen(java.net.http.HttpResponse.ResponseInfo r) {
                throw new IllegalStateException("listener bug");
              }
            })
        .build()
        .start();
    http.next().open().send("data: 1\n\ndata: 2\n\n");
    assertThat(seen).containsExactly("1", "2");
  }

  @Test
  void lineLongerThanTheLimitFailsTheConnection() {
    SseClient client = builder().maxLineLength(8).build().start();
    http.next().open().send("data: 0123456789\n\n");
    assertThat(rec.errors).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(SseException.Kind.PROTOCOL));
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
  }

  @Test
  void iteratorSeesEventsInOrderAndEndsWhenTheClientCloses() throws Exception {
    SseClient client = builder().build();
    EventIterator it = client.events(16);
    client.start();
    http.next().open().send("data: 1\n\nevent: t\ndata: 2\n\n").end();
    scheduler.runNext();
    http.next().open().send("data: 3\n\n");
    client.close();
    List<String> got = new ArrayList<>();
    it.forEachRemaining(e -> got.add(e.type() + ":" + e.data()));
    assertThat(got).containsExactly("message:1", "t:2", "message:3");
    assertThat(it.hasNext()).isFalse();
    assertThat(it.poll(Duration.ofMillis(1))).isEmpty();
  }

  @Test
  void aFullIteratorPausesReadingUntilItIsHalfEmpty() throws Exception {
    SseClient client = builder().build();
    EventIterator it = client.events(2);
    client.start();
    FakeHttpClient.Exchange ex = http.next().open();
    for (int i = 1; i <= 6; i++) {
      ex.send("data: " + i + "\n\n");
    }
    assertThat(ex.undelivered()).as("reading paused at capacity").isEqualTo(4);
    assertThat(it.next().data()).isEqualTo("1"); // one left: half empty, resume
    assertThat(ex.undelivered()).isEqualTo(3);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      got.add(it.poll(Duration.ofSeconds(1)).orElseThrow().data());
    }
    assertThat(got).containsExactly("2", "3", "4", "5", "6");
    assertThat(ex.undelivered()).isZero();
  }

  @Test
  void closingAFullIteratorResumesReading() {
    SseClient client = builder().build();
    EventIterator it = client.events(1);
    client.start();
    FakeHttpClient.Exchange ex = http.next().open();
    ex.send("data: 1\n\n").send("data: 2\n\n");
    assertThat(ex.undelivered()).isEqualTo(1);
    it.close();
    assertThat(ex.undelivered()).isZero();
    assertThat(it.hasNext()).isFalse();
    assertThat(rec.events()).hasSize(2);
  }

  @Test
  void iteratorHasNextReturnsFalseWhenInterrupted() {
    SseClient client = builder().build();
    EventIterator it = client.events();
    Thread.currentThread().interrupt();
    try {
      assertThat(it.hasNext()).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void eventsAreDecodedFromBytesSplitAnywhere() {
    builder().build().start();
    FakeHttpClient.Exchange ex = http.next().open();
    byte[] all = "\uFEFFdata: €豆腐\r\nid: x\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : all) {
      ex.send(new byte[] {b});
    }
    assertThat(rec.events()).containsExactly("event:message:€豆腐:x");
  }

  @Test
  void builderFailsFastOnBadConfiguration() {
    assertThatThrownBy(() -> SseClient.builder("ftp://x/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").header("Host", "y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").header("Last-Event-ID", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").lastEventId("a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").jitter(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").method("GE T"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").method("POST").method("PUT"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("POST");
    assertThatThrownBy(
            () ->
                SseClient.builder("http://x/")
                    .httpClient(http)
                    .executor(Executors.newSingleThreadExecutor()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").readTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SseClient.builder("http://x/").build().events(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void startIsIdempotentAndStateFollowsTheLifecycle() {
    SseClient client = builder().build();
    assertThat(client.state()).isEqualTo(SseClient.State.NEW);
    client.start();
    client.start();
    assertThat(http.requestCount()).isEqualTo(1);
    assertThat(client.state()).isEqualTo(SseClient.State.CONNECTING);
    http.next().open();
    assertThat(client.state()).isEqualTo(SseClient.State.OPEN);
    client.close();
    assertThat(client.state()).isEqualTo(SseClient.State.CLOSED);
    client.start();
    assertThat(http.requestCount()).isEqualTo(1);
  }
}
