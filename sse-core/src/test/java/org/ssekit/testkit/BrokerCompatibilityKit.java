package org.ssekit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.Broker;
import org.ssekit.Event;
import org.ssekit.broker.EventLog;
import org.ssekit.Hub;
import org.ssekit.broker.Message;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRequest;
import org.ssekit.broker.Subscriber;

/**
 * The contract every {@link Broker} must keep, as an abstract JUnit 5 test. A broker module
 * extends it, implements {@link #newBroker()} (and usually checks availability in a
 * {@code @BeforeEach} with {@link BrokerAvailability}) and inherits every test.
 *
 * <p>Two brokers from {@link #newBroker()} stand for two server instances sharing one broker
 * server: each has its own connections, and the tests check that both see everything.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BrokerCompatibilityKit {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final String prefix = "kit-" + UUID.randomUUID().toString().substring(0, 8) + "-";

  /**
   * A new, independent client of the shared broker server, as a second server instance would
   * create. Each call must return a new instance; the kit closes them after each test.
   */
  protected abstract Broker newBroker();

  /** Whether this broker keeps a history ({@link Broker#history()} present). Default true. */
  protected boolean hasHistory() {
    return true;
  }

  /** A topic name unique to this test run. */
  protected final String topic(String name) {
    return prefix + name;
  }

  /** Creates a broker through {@link #newBroker()} that is closed after the test. */
  protected final Broker broker() {
    Broker b = newBroker();
    resources.add(b);
    return b;
  }

  /** A hub on {@code broker} with heartbeats off, closed after the test. */
  protected final Hub hub(Broker broker) {
    Hub h = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build();
    resources.add(0, h); // hubs close before their brokers
    return h;
  }

  @AfterEach
  final void closeResources() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    resources.clear();
  }

  /** A subscription handler that records messages. */
  protected static final class Recorder implements Subscriber.MessageHandler {
    final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(String topic, Message message) {
      messages.add(message);
    }

    List<String> payloads() {
      return messages.stream().map(Message::payloadAsString).collect(Collectors.toList());
    }
  }

  private static Message join(java.util.concurrent.CompletionStage<Message> stage) {
    return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  /** Subscribes and waits until a probe message published afterwards arrives. */
  private Recorder subscribeReady(Broker subscriber, Broker publisher, String topic) {
    Recorder r = new Recorder();
    Subscriber.Subscription s = subscriber.subscribe(topic, r);
    resources.add(0, s);
    String probe = "probe-" + UUID.randomUUID();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (r.payloads().contains(probe)) {
                return true;
              }
              join(publisher.publish(topic, Message.of(probe)));
              return false;
            });
    r.messages.clear();
    return r;
  }

  @Test
  void deliversPayloadAndMetadataUnchanged() {
    Broker b = broker();
    String t = topic("payload");
    Recorder r = subscribeReady(b, b, t);
    String data = "héllo\nwörld \uD83D\uDE00 \u0000 end";
    Message sent =
        Message.of(data.getBytes(StandardCharsets.UTF_8), Map.of(Message.EVENT, "greeting", "x-custom", "v 1"));
    join(b.publish(t, sent));
    await().atMost(WAIT).until(() -> r.messages.size() == 1);
    Message got = r.messages.get(0);
    assertThat(got.payloadAsString()).isEqualTo(data);
    assertThat(got.metadata()).containsEntry(Message.EVENT, "greeting").containsEntry("x-custom", "v 1");
    if (hasHistory()) {
      assertThat(got.id()).isPresent();
    }
  }

  @Test
  void everyInstanceSeesEveryMessageOnce() {
    Broker a = broker();
    Broker b = broker();
    String t = topic("fanout");
    Recorder ra = subscribeReady(a, a, t);
    Recorder rb = subscribeReady(b, a, t);
    ra.messages.clear();
    List<String> sent = IntStream.range(0, 200).mapToObj(i -> "m" + i).collect(Collectors.toList());
    for (int i = 0; i < sent.size(); i++) {
      join((i % 2 == 0 ? a : b).publish(t, Message.of(sent.get(i))));
    }
    await().atMost(WAIT).until(() -> ra.messages.size() >= 200 && rb.messages.size() >= 200);
    assertThat(ra.payloads()).containsExactlyElementsOf(sent);
    assertThat(rb.payloads()).containsExactlyElementsOf(sent);
  }

  @Test
  void keepsPublishOrderWithinATopic() {
    Broker b = broker();
    String t = topic("order");
    Recorder r = subscribeReady(b, b, t);
    List<String> sent = IntStream.range(0, 500).mapToObj(i -> "n" + i).collect(Collectors.toList());
    List<java.util.concurrent.CompletableFuture<Message>> futures = new ArrayList<>();
    for (String s : sent) {
      futures.add(b.publish(t, Message.of(s)).toCompletableFuture());
    }
    futures.forEach(f -> f.orTimeout(20, TimeUnit.SECONDS).join());
    await().atMost(WAIT).until(() -> r.messages.size() >= 500);
    assertThat(r.payloads()).containsExactlyElementsOf(sent);
  }

  @Test
  void isolatesTopicsAndStopsAfterUnsubscribe() {
    Broker b = broker();
    String t1 = topic("iso-1");
    String t2 = topic("iso-2");
    Recorder r1 = subscribeReady(b, b, t1);
    Recorder r2 = new Recorder();
    Subscriber.Subscription s2 = b.subscribe(t2, r2);
    subscribeReady(b, b, t2); // makes sure t2's subscription is live too
    r2.messages.clear();
    join(b.publish(t1, Message.of("for-1")));
    await().atMost(WAIT).until(() -> r1.messages.size() == 1);
    s2.close();
    join(b.publish(t2, Message.of("after-close")));
    join(b.publish(t1, Message.of("marker")));
    await().atMost(WAIT).until(() -> r1.messages.size() == 2);
    assertThat(r1.payloads()).containsExactly("for-1", "marker");
    assertThat(r2.payloads()).doesNotContain("for-1", "after-close");
  }

  @Test
  void historyAssignsIdsAndReplaysAfterAnyIdOnAnyInstance() {
    if (!hasHistory()) {
      return;
    }
    Broker a = broker();
    Broker b = broker();
    EventLog logB = b.history().orElseThrow();
    String t = topic("history");
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      stored.add(join((i % 2 == 0 ? a : b).publish(t, Message.of("h" + i))));
    }
    List<String> ids = stored.stream().map(m -> m.id().orElseThrow()).collect(Collectors.toList());
    assertThat(ids).doesNotHaveDuplicates();
    EventLog.Replay all = logB.readAfter(t, ids.get(0), 100);
    assertThat(all.complete()).isTrue();
    assertThat(all.messages()).extracting(Message::payloadAsString)
        .containsExactlyElementsOf(IntStream.range(1, 30).mapToObj(i -> "h" + i).collect(Collectors.toList()));
    assertThat(all.messages()).extracting(m -> m.id().orElseThrow()).containsExactlyElementsOf(ids.subList(1, 30));
    EventLog.Replay tail = a.history().orElseThrow().readAfter(t, ids.get(19), 100);
    assertThat(tail.complete()).isTrue();
    assertThat(tail.messages()).extracting(Message::payloadAsString)
        .containsExactlyElementsOf(IntStream.range(20, 30).mapToObj(i -> "h" + i).collect(Collectors.toList()));
    EventLog.Replay none = logB.readAfter(t, ids.get(29), 100);
    assertThat(none.complete()).isTrue();
    assertThat(none.messages()).isEmpty();
    EventLog.Replay limited = logB.readAfter(t, ids.get(0), 5);
    assertThat(limited.complete()).isFalse();
    assertThat(limited.messages()).extracting(Message::payloadAsString).containsExactly("h25", "h26", "h27", "h28", "h29");
  }

  @Test
  void historyReportsAGapForAnUnknownId() {
    if (!hasHistory()) {
      return;
    }
    Broker b = broker();
    String t = topic("gap");
    join(b.publish(t, Message.of("x")));
    EventLog.Replay r = b.history().orElseThrow().readAfter(t, "no-such-id-" + UUID.randomUUID(), 100);
    assertThat(r.complete()).isFalse();
  }

  /** Opens a stream of {@code topic} on {@code hub} and waits until it is live. */
  protected final RecordingSink openLive(Hub hub, Broker publisher, String topic, Optional<String> lastEventId) {
    RecordingSink sink = new RecordingSink();
    StreamRequest.Builder req = StreamRequest.builder().path("/" + topic);
    lastEventId.ifPresent(req::lastEventId);
    StreamConnection c = hub.open(topic, StreamAdapter.passThrough(), req.build(), sink);
    sink.attach(c);
    return sink;
  }

  @Test
  void twoHubsDeliverEveryEventExactlyOnceInLogOrder() {
    Broker a = broker();
    Broker b = broker();
    Hub hubA = hub(a);
    Hub hubB = hub(b);
    String t = topic("two-hubs");
    List<RecordingSink> sinks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sinks.add(openLive(hubA, a, t, Optional.empty()));
      sinks.add(openLive(hubB, b, t, Optional.empty()));
    }
    // Wait until both hubs' subscriptions are live: a probe from each side reaches every sink.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (sinks.stream().allMatch(s -> s.data().contains("ready"))) {
                return true;
              }
              join(hubA.publish(t, Event.of("probe", "ready")));
              return false;
            });
    int before = sinks.get(0).data().size();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String d = "e" + i;
      expected.add(d);
      join((i % 2 == 0 ? hubA : hubB).publish(t, Event.of(d)));
    }
    await()
        .atMost(WAIT)
        .until(() -> sinks.stream().allMatch(s -> s.data().stream().filter(d -> d.startsWith("e")).count() >= 1000));
    for (RecordingSink s : sinks) {
      List<String> got = s.data().stream().filter(d -> d.startsWith("e")).collect(Collectors.toList());
      assertThat(got).containsExactlyElementsOf(expected);
    }
    if (hasHistory()) {
      List<String> firstIds = sinks.get(0).ids();
      for (RecordingSink s : sinks) {
        assertThat(s.ids().subList(s.ids().size() - 1000, s.ids().size()))
            .containsExactlyElementsOf(firstIds.subList(firstIds.size() - 1000, firstIds.size()));
      }
    }
    assertThat(before).isPositive();
  }

  @Test
  void clientSwitchingInstanceResumesWithNoGapAndNoDuplicate() {
    if (!hasHistory()) {
      return;
    }
    Broker a = broker();
    Broker b = broker();
    Hub hubA = hub(a);
    Hub hubB = hub(b);
    String t = topic("switch");
    RecordingSink first = openLive(hubA, a, t, Optional.empty());
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add("s" + i);
      join(hubB.publish(t, Event.of("s" + i)));
    }
    await().atMost(WAIT).until(() -> first.data().size() >= 50);
    String lastSeen = first.ids().get(first.ids().size() - 1);
    hubA.streams().forEach(s -> s.close());
    for (int i = 50; i < 100; i++) {
      sent.add("s" + i);
      join((i % 2 == 0 ? hubA : hubB).publish(t, Event.of("s" + i)));
    }
    RecordingSink second = openLive(hubB, b, t, Optional.of(lastSeen));
    for (int i = 100; i < 120; i++) {
      sent.add("s" + i);
      join(hubA.publish(t, Event.of("s" + i)));
    }
    await().atMost(WAIT).until(() -> second.data().size() >= 70);
    List<String> all = new ArrayList<>(first.data());
    all.addAll(second.data());
    assertThat(second.events()).noneMatch(e -> e.name().orElse("").equals(StreamAdapter.RESET_EVENT));
    assertThat(all).containsExactlyElementsOf(sent);
  }
}
