package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.Message;

/** What NatsBroker does beyond the shared kit: limits, topic names, own ids, stream setup. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsBrokerIT {

  private final TestNats.Names names = TestNats.Names.unique("it");
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeEach
  void natsIsUp() {
    TestNats.assumeReachable();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    names.delete();
  }

  private NatsBroker broker(NatsBroker.Builder b) {
    NatsBroker broker = b.build();
    resources.add(0, broker);
    return broker;
  }

  private static Message join(java.util.concurrent.CompletionStage<Message> s) {
    return s.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static List<String> payloads(List<Message> ms) {
    return ms.stream().map(Message::payloadAsString).collect(Collectors.toList());
  }

  @Test
  void refusesAMessageAboveMaxPayloadNamingTheLimitAndCarriesOneJustBelowIt() throws Exception {
    NatsBroker b = broker(names.builder());
    long max;
    try (Connection c = Nats.connect(TestNats.URL)) {
      max = c.getServerInfo().getMaxPayload();
    }
    String topic = "big";
    List<Message> got = new CopyOnWriteArrayList<>();
    b.subscribe(topic, (t, m) -> got.add(m));

    CompletableFuture<Message> tooBig = b.publish(topic, Message.of(new byte[(int) max + 1], Map.of())).toCompletableFuture();
    assertThatThrownBy(tooBig::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_payload of " + max + " bytes");
    // metadata counts too
    CompletableFuture<Message> withMeta =
        b.publish(topic, Message.of(new byte[(int) max - 10], Map.of("k", "0123456789"))).toCompletableFuture();
    assertThatThrownBy(withMeta::join).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.history().orElseThrow().append(topic, Message.of(new byte[(int) max + 1], Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_payload");

    byte[] payload = new byte[(int) max - 100];
    Arrays.fill(payload, (byte) 'x');
    Message stored = join(b.publish(topic, Message.of(payload, Map.of("k", "v"))));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
    assertThat(got.get(0).payload()).isEqualTo(payload);
    assertThat(got.get(0).id()).isEqualTo(stored.id());
  }

  @Test
  void keepsTopicsWithSubjectMetacharactersApart() {
    NatsBroker b = broker(names.builder());
    List<String> topics = List.of("a.b", "a_2Eb", "a b", "*", ">", "", "ünï/cødé", "a.>");
    List<List<Message>> got = new ArrayList<>();
    for (String t : topics) {
      List<Message> list = new CopyOnWriteArrayList<>();
      got.add(list);
      b.subscribe(t, (topic, m) -> list.add(m));
    }
    for (String t : topics) {
      join(b.publish(t, Message.of("to " + t)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().allMatch(l -> l.size() >= 1));
    EventLog history = b.history().orElseThrow();
    for (int i = 0; i < topics.size(); i++) {
      assertThat(payloads(got.get(i))).containsExactly("to " + topics.get(i));
      EventLog.Replay r = history.readAfter(topics.get(i), "unknown", 10);
      assertThat(payloads(r.messages())).containsExactly("to " + topics.get(i));
    }
  }

  @Test
  void keepsAMessagesOwnIdAndResumesAfterIt() {
    NatsBroker a = broker(names.builder());
    NatsBroker b = broker(names.builder());
    String topic = "own-ids";
    List<Message> got = new CopyOnWriteArrayList<>();
    b.subscribe(topic, (t, m) -> got.add(m));
    join(a.publish(topic, Message.of("first")));
    Message own = join(a.publish(topic, Message.of("mine").withId("order-17")));
    assertThat(own.id()).contains("order-17");
    join(a.publish(topic, Message.of("after-1")));
    join(a.publish(topic, Message.of("after-2")));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 4);
    assertThat(got.get(1).id()).contains("order-17");

    EventLog.Replay r = b.history().orElseThrow().readAfter(topic, "order-17", 10);
    assertThat(r.complete()).isTrue();
    assertThat(payloads(r.messages())).containsExactly("after-1", "after-2");
    EventLog.Replay limited = b.history().orElseThrow().readAfter(topic, "order-17", 1);
    assertThat(limited.complete()).isFalse();
    assertThat(payloads(limited.messages())).containsExactly("after-2");
  }

  @Test
  void reportsAGapWhenTheIdWasTrimmedOrComesFromAnotherStream() {
    NatsBroker b = broker(names.builder().history(3, Duration.ofMinutes(5)));
    String topic = "trimmed";
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      stored.add(join(b.publish(topic, Message.of("t" + i))));
    }
    EventLog history = b.history().orElseThrow();
    EventLog.Replay trimmed = history.readAfter(topic, stored.get(1).id().orElseThrow(), 10);
    assertThat(trimmed.complete()).isFalse();
    assertThat(payloads(trimmed.messages())).containsExactly("t3", "t4", "t5");

    EventLog.Replay retained = history.readAfter(topic, stored.get(3).id().orElseThrow(), 10);
    assertThat(retained.complete()).isTrue();
    assertThat(payloads(retained.messages())).containsExactly("t4", "t5");

    String seq = stored.get(4).id().orElseThrow().replaceFirst("^[^-]+-", "");
    EventLog.Replay otherStream = history.readAfter(topic, "zzzzzz-" + seq, 10);
    assertThat(otherStream.complete()).isFalse();
    assertThat(payloads(otherStream.messages())).containsExactly("t3", "t4", "t5");

    // an id of another topic in the same stream is not a position in this one
    Message other = join(b.publish("other", Message.of("o")));
    EventLog.Replay wrongTopic = history.readAfter(topic, other.id().orElseThrow(), 10);
    assertThat(wrongTopic.complete()).isFalse();
  }

  @Test
  void readsHistoriesLongerThanOneFetchBatch() {
    NatsBroker b = broker(names.builder().history(5_000, Duration.ofMinutes(5)));
    String topic = "long";
    List<CompletableFuture<Message>> futures = new ArrayList<>();
    for (int i = 0; i < 1_234; i++) {
      futures.add(b.publish(topic, Message.of("l" + i)).toCompletableFuture());
      if (i % 100 == 0) {
        join(b.publish("interleaved", Message.of("x" + i))); // other subjects between, in the same stream
      }
    }
    List<Message> stored = futures.stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).collect(Collectors.toList());
    EventLog history = b.history().orElseThrow();
    EventLog.Replay all = history.readAfter(topic, stored.get(0).id().orElseThrow(), 5_000);
    assertThat(all.complete()).isTrue();
    assertThat(all.messages()).containsExactlyElementsOf(stored.subList(1, stored.size()));
    EventLog.Replay newest = history.readAfter(topic, "not-an-id", 700);
    assertThat(newest.complete()).isFalse();
    assertThat(newest.messages()).containsExactlyElementsOf(stored.subList(stored.size() - 700, stored.size()));
  }

  @Test
  void subscribeDeliversOnlyWhatIsPublishedAfterItReturns() {
    NatsBroker b = broker(names.builder());
    String topic = "after-subscribe";
    for (int i = 0; i < 5; i++) {
      join(b.publish(topic, Message.of("old" + i)));
    }
    List<Message> got = new CopyOnWriteArrayList<>();
    b.subscribe(topic, (t, m) -> got.add(m));
    join(b.publish(topic, Message.of("new")));
    await().atMost(Duration.ofSeconds(10)).until(() -> !got.isEmpty());
    join(b.publish(topic, Message.of("marker")));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() >= 2);
    assertThat(payloads(got)).containsExactly("new", "marker");
  }

  @Test
  void manyConcurrentSubscriptionsAllGoLive() throws Exception {
    NatsBroker b = broker(names.builder());
    int topics = 64;
    List<List<Message>> got = new ArrayList<>();
    for (int i = 0; i < topics; i++) {
      got.add(new CopyOnWriteArrayList<>());
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<?>> subs = new ArrayList<>();
      for (int i = 0; i < topics; i++) {
        int n = i;
        subs.add(pool.submit(() -> b.subscribe("many-" + n, (t, m) -> got.get(n).add(m))));
      }
      for (java.util.concurrent.Future<?> f : subs) {
        f.get(20, TimeUnit.SECONDS); // none may fail
      }
    } finally {
      pool.shutdown();
    }
    for (int i = 0; i < topics; i++) {
      join(b.publish("many-" + i, Message.of("m" + i)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().allMatch(l -> l.size() == 1));
    for (int i = 0; i < topics; i++) {
      assertThat(payloads(got.get(i))).containsExactly("m" + i);
    }
  }

  @Test
  void appendStoresSynchronouslyAndReachesLiveSubscribers() {
    NatsBroker a = broker(names.builder());
    NatsBroker b = broker(names.builder());
    String topic = "append";
    List<Message> got = new CopyOnWriteArrayList<>();
    b.subscribe(topic, (t, m) -> got.add(m));
    EventLog log = a.history().orElseThrow();
    Message m1 = log.append(topic, Message.of("a1".getBytes(StandardCharsets.UTF_8), Map.of("x", "1")));
    Message m2 = log.append(topic, Message.of("a2"));
    assertThat(m1.id()).isPresent();
    assertThat(m2.id()).isPresent().isNotEqualTo(m1.id());
    EventLog.Replay r = b.history().orElseThrow().readAfter(topic, m1.id().orElseThrow(), 10);
    assertThat(r.complete()).isTrue();
    assertThat(r.messages()).containsExactly(m2);
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
    assertThat(got).containsExactly(m1, m2);
  }

  @Test
  void usesTheApplicationsConnectionAndLeavesItOpen() throws Exception {
    try (Connection c = Nats.connect(TestNats.URL)) {
      NatsBroker.Builder builder = NatsBroker.builder(c);
      NatsBroker b = builder.streamName(names.stream()).subjectPrefix(names.prefix()).build();
      List<Message> got = new CopyOnWriteArrayList<>();
      b.subscribe("shared-conn", (t, m) -> got.add(m));
      join(b.publish("shared-conn", Message.of("hi")));
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
      b.close();
      assertThat(c.getStatus()).isEqualTo(Connection.Status.CONNECTED);
      assertThat(b.publish("shared-conn", Message.of("late")).toCompletableFuture())
          .isCompletedExceptionally();
    }
  }

  @Test
  void bringsAnExistingStreamToTheConfiguredLimits() throws Exception {
    broker(names.builder().history(10, Duration.ofMinutes(5)));
    broker(names.builder().history(3, Duration.ofMinutes(1)));
    try (Connection c = Nats.connect(TestNats.URL)) {
      StreamInfo info = c.jetStreamManagement().getStreamInfo(names.stream());
      assertThat(info.getConfiguration().getMaxMsgsPerSubject()).isEqualTo(3);
      assertThat(info.getConfiguration().getMaxAge()).isEqualTo(Duration.ofMinutes(1));
      assertThat(info.getConfiguration().getSubjects()).containsExactly(names.prefix() + ".log.*");
    }
  }
}
