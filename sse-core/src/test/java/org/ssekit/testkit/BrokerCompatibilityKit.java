package org.ssekit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
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
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.Broker;
import org.ssekit.broker.DuplicateIdException;
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
 *
 * <p>Optional contracts. Every contract is on by default; a broker that cannot keep one opts out
 * by overriding its capability method to return false, with a comment saying why, and the tests of
 * that contract are then skipped (reported as skipped with the capability's name, never passed):
 *
 * <ul>
 *   <li>{@link #hasHistory()}: ids, replay, resume;
 *   <li>{@link #hasConsumerGroups()}: {@link Subscriber#subscribeGroup};
 *   <li>{@link #refusesDuplicateIds()}: a second message with an id already in the history fails
 *       with {@link DuplicateIdException};
 *   <li>{@link #detectsHistoryGaps()}: a resume from an id the history no longer holds is reported
 *       (needs {@link #newBrokerWithHistory});
 *   <li>{@link #survivesOutages()}: a subscription outlives a lost connection and misses nothing
 *       (needs {@link #serverAddress()} and {@link #newBrokerThrough}); with {@link
 *       #detectsHistoryGaps()}, an outage longer than the history is reported through {@link
 *       Subscriber.MessageHandler#onGap}.
 * </ul>
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

  /**
   * Whether this broker has consumer groups ({@link Subscriber#subscribeGroup}). Default true.
   */
  protected boolean hasConsumerGroups() {
    return true;
  }

  /**
   * Whether this broker's history refuses a message whose id a message of the same topic already
   * has, with {@link DuplicateIdException}. Default true (when {@link #hasHistory()}).
   */
  protected boolean refusesDuplicateIds() {
    return hasHistory();
  }

  /**
   * Whether this broker tells a resume from an id its history trimmed apart from a complete one.
   * Default true (when {@link #hasHistory()}); the broker must then implement {@link
   * #newBrokerWithHistory}.
   */
  protected boolean detectsHistoryGaps() {
    return hasHistory();
  }

  /**
   * A new broker like {@link #newBroker()} whose history keeps about {@code maxEvents} messages per
   * topic (it may keep more for a while, as Redis' approximate trimming or a periodic pruner do,
   * but must trim the oldest eventually while messages are published). Used by the history-gap
   * contracts; the kit closes it after the test.
   */
  protected Broker newBrokerWithHistory(int maxEvents) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + ": override newBrokerWithHistory(int), or return false from"
            + " detectsHistoryGaps() saying why");
  }

  /**
   * Whether a subscription of this broker survives the loss of its connection to the broker
   * server and, once reconnected, delivers what was published meanwhile, once, in order. Default
   * true; the broker must then implement {@link #serverAddress()} and {@link #newBrokerThrough}.
   */
  protected boolean survivesOutages() {
    return true;
  }

  /** Where the broker server listens; the outage contracts put a {@link TcpProxy} before it. */
  protected InetSocketAddress serverAddress() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + ": override serverAddress() and newBrokerThrough(int), or return"
            + " false from survivesOutages() saying why");
  }

  /**
   * A new broker like {@link #newBroker()} whose connections go to {@code 127.0.0.1:port} (a
   * {@link TcpProxy} to {@link #serverAddress()}), with a short reconnect backoff (at most a few
   * hundred milliseconds) so the outage contracts stay fast.
   */
  protected Broker newBrokerThrough(int port) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + ": override newBrokerThrough(int), or return false from"
            + " survivesOutages() saying why");
  }

  /** Waits at most {@code WAIT}, checking at once and then every 10 ms, so contracts stay fast. */
  private static ConditionFactory soon() {
    return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
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

  /** Closes {@code resource} after the test, before the brokers. */
  protected final <T extends AutoCloseable> T closeAfter(T resource) {
    resources.add(0, resource);
    return resource;
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
    soon().until(() -> r.messages.size() == 1);
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
    soon().until(() -> ra.messages.size() >= 200 && rb.messages.size() >= 200);
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
    soon().until(() -> r.messages.size() >= 500);
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
    soon().until(() -> r1.messages.size() == 1);
    s2.close();
    join(b.publish(t2, Message.of("after-close")));
    join(b.publish(t1, Message.of("marker")));
    soon().until(() -> r1.messages.size() == 2);
    assertThat(r1.payloads()).containsExactly("for-1", "marker");
    assertThat(r2.payloads()).doesNotContain("for-1", "after-close");
  }

  @Test
  void historyAssignsIdsAndReplaysAfterAnyIdOnAnyInstance() {
    assumeTrue(hasHistory(), "hasHistory() is false");
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
    assumeTrue(hasHistory(), "hasHistory() is false");
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
    assumeTrue(hasHistory(), "hasHistory() is false");
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
    soon().until(() -> first.data().size() >= 50);
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
    soon().until(() -> second.data().size() >= 70);
    List<String> all = new ArrayList<>(first.data());
    all.addAll(second.data());
    assertThat(second.events()).noneMatch(e -> e.name().orElse("").equals(StreamAdapter.RESET_EVENT));
    assertThat(all).containsExactlyElementsOf(sent);
  }

  // ---- consumer groups

  /** Joins {@code group} of {@code topic} on {@code broker} with a recording member. */
  private Recorder member(Broker broker, String topic, String group) {
    Recorder r = new Recorder();
    closeAfter(broker.subscribeGroup(topic, group, r));
    return r;
  }

  /** What the members handled together, keeping only payloads starting with {@code prefix}. */
  private static List<String> handled(String prefix, Recorder... members) {
    List<String> all = new ArrayList<>();
    for (Recorder m : members) {
      m.payloads().stream().filter(p -> p.startsWith(prefix)).forEach(all::add);
    }
    return all;
  }

  private static List<String> numbered(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }

  @Test
  void eachMessageGoesToExactlyOneMemberOfAGroupWhileEveryInstanceStillSeesAll() {
    assumeTrue(hasConsumerGroups(), "hasConsumerGroups() is false");
    Broker a = broker();
    Broker b = broker();
    String t = topic("group-once");
    Recorder plainA = subscribeReady(a, a, t);
    Recorder plainB = subscribeReady(b, a, t);
    plainA.messages.clear();
    Recorder memberA = member(a, t, "workers");
    Recorder memberB = member(b, t, "workers");
    List<String> sent = numbered("w", 0, 100);
    for (int i = 0; i < sent.size(); i++) {
      join((i % 2 == 0 ? a : b).publish(t, Message.of(sent.get(i))));
    }
    await()
        .atMost(WAIT)
        .until(
            () -> handled("w", memberA, memberB).size() >= 100
                && plainA.messages.size() >= 100
                && plainB.messages.size() >= 100);
    assertThat(handled("w", memberA, memberB)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
    assertThat(plainA.payloads()).containsExactlyElementsOf(sent);
    assertThat(plainB.payloads()).containsExactlyElementsOf(sent);
  }

  @Test
  void twoGroupsOfATopicEachGetEveryMessage() {
    assumeTrue(hasConsumerGroups(), "hasConsumerGroups() is false");
    Broker a = broker();
    Broker b = broker();
    String t = topic("group-two");
    Recorder first1 = member(a, t, "first");
    Recorder first2 = member(b, t, "first");
    Recorder second = member(b, t, "second");
    List<String> sent = numbered("x", 0, 50);
    for (String s : sent) {
      join(a.publish(t, Message.of(s)));
    }
    soon().until(() -> handled("x", first1, first2).size() >= 50 && handled("x", second).size() >= 50);
    assertThat(handled("x", first1, first2)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
    assertThat(handled("x", second)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void aMemberThatLeavesGetsNothingMoreAndTheOthersTakeOver() {
    assumeTrue(hasConsumerGroups(), "hasConsumerGroups() is false");
    Broker a = broker();
    Broker b = broker();
    String t = topic("group-leave");
    Recorder leaving = new Recorder();
    Subscriber.Subscription membership = closeAfter(a.subscribeGroup(t, "g", leaving));
    Recorder staying = member(b, t, "g");
    List<String> before = numbered("before-", 0, 20);
    for (String s : before) {
      join(a.publish(t, Message.of(s)));
    }
    soon().until(() -> handled("before-", leaving, staying).size() >= 20);
    membership.close();
    List<String> after = numbered("after-", 0, 30);
    for (int i = 0; i < after.size(); i++) {
      join((i % 2 == 0 ? a : b).publish(t, Message.of(after.get(i))));
    }
    soon().until(() -> handled("after-", staying).size() >= 30);
    assertThat(handled("before-", leaving, staying)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(before);
    assertThat(handled("after-", staying)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(after);
    assertThat(handled("after-", leaving)).isEmpty();
  }

  // ---- duplicate ids

  @Test
  void refusesASecondMessageWithAnIdAlreadyInTheTopicsHistory() {
    assumeTrue(refusesDuplicateIds(), "refusesDuplicateIds() is false");
    Broker a = broker();
    Broker b = broker();
    String t = topic("dup");
    Recorder r = subscribeReady(b, a, t);
    String id = "kit-order-" + UUID.randomUUID();
    assertThat(join(a.publish(t, Message.of("first").withId(id))).id()).contains(id);
    // from another instance, and through the history's own append
    assertThatThrownBy(() -> join(b.publish(t, Message.of("second").withId(id))))
        .cause()
        .isInstanceOfSatisfying(
            DuplicateIdException.class,
            e -> {
              assertThat(e.topic()).isEqualTo(t);
              assertThat(e.id()).isEqualTo(id);
            });
    assertThatThrownBy(() -> a.history().orElseThrow().append(t, Message.of("third").withId(id)))
        .isInstanceOf(DuplicateIdException.class);
    // ids are unique within a topic: another topic may use the same one
    assertThat(join(a.publish(topic("dup-other"), Message.of("elsewhere").withId(id))).id()).contains(id);
    join(a.publish(t, Message.of("marker")));
    soon().until(() -> r.payloads().contains("marker"));
    assertThat(r.payloads()).containsExactly("first", "marker");
    EventLog.Replay after = b.history().orElseThrow().readAfter(t, id, 10);
    assertThat(after.complete()).isTrue();
    assertThat(after.messages()).extracting(Message::payloadAsString).containsExactly("marker");
  }

  @Test
  void refusesAnIdTheHistoryAssignedToAnEarlierMessage() {
    assumeTrue(refusesDuplicateIds(), "refusesDuplicateIds() is false");
    Broker a = broker();
    String t = topic("alias");
    Recorder r = subscribeReady(a, a, t);
    String assigned = join(a.publish(t, Message.of("assigned"))).id().orElseThrow();
    // A duplicate, or refused up front because the id has the form of the ids this broker assigns.
    assertThatThrownBy(() -> join(a.publish(t, Message.of("alias").withId(assigned))))
        .cause()
        .isInstanceOfAny(DuplicateIdException.class, IllegalArgumentException.class);
    join(a.publish(t, Message.of("marker")));
    soon().until(() -> r.payloads().contains("marker"));
    assertThat(r.payloads()).containsExactly("assigned", "marker");
    EventLog.Replay after = a.history().orElseThrow().readAfter(t, assigned, 10);
    assertThat(after.complete()).isTrue();
    assertThat(after.messages()).extracting(Message::payloadAsString).containsExactly("marker");
  }

  // ---- history gaps

  /** Keeps {@code broker} open until the test ends (closed after the hubs). */
  private Broker tracked(Broker broker) {
    resources.add(broker);
    return broker;
  }

  /** The ids {@code topic}'s history still holds. */
  private static List<String> retainedIds(EventLog log, String topic) {
    return log.readAfter(topic, "kit-unknown-" + UUID.randomUUID(), 100_000).messages().stream()
        .map(m -> m.id().orElseThrow())
        .collect(Collectors.toList());
  }

  /**
   * Publishes {@code prefix + n} messages to {@code topic} through {@code publisher} until {@code
   * log} no longer holds {@code id}; returns what was published.
   */
  private static List<Message> publishUntilTrimmed(Broker publisher, EventLog log, String topic, String id, String prefix) {
    List<Message> published = new ArrayList<>();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> {
              for (int i = 0; i < 25; i++) {
                published.add(join(publisher.publish(topic, Message.of(prefix + published.size()))));
              }
              return !retainedIds(log, topic).contains(id);
            });
    return published;
  }

  @Test
  void resumingFromAnIdTheHistoryTrimmedSignalsAGapThenSendsTheNewest() {
    assumeTrue(detectsHistoryGaps(), "detectsHistoryGaps() is false");
    Broker b = tracked(newBrokerWithHistory(5));
    EventLog log = b.history().orElseThrow();
    String t = topic("trimmed");
    String firstId = join(b.publish(t, Message.of("first"))).id().orElseThrow();
    List<Message> published = publishUntilTrimmed(b, log, t, firstId, "t");
    List<String> payloads = published.stream().map(Message::payloadAsString).collect(Collectors.toList());

    EventLog.Replay replay = log.readAfter(t, firstId, 100_000);
    assertThat(replay.complete()).isFalse();
    List<String> retained = replay.messages().stream().map(Message::payloadAsString).collect(Collectors.toList());
    assertThat(retained).isNotEmpty();
    assertThat(payloads.subList(payloads.size() - retained.size(), payloads.size())).isEqualTo(retained);

    RecordingSink resumed = openLive(hub(b), b, t, Optional.of(firstId));
    String newest = payloads.get(payloads.size() - 1);
    soon().until(() -> resumed.data().contains(newest));
    List<Event> events = resumed.events().stream().filter(e -> e.data().isPresent()).collect(Collectors.toList());
    assertThat(events.get(0).name()).contains(StreamAdapter.RESET_EVENT);
    assertThat(events.get(0).data()).contains(firstId);
    List<String> replayed = events.subList(1, events.size()).stream()
        .map(e -> e.data().orElseThrow())
        .collect(Collectors.toList());
    assertThat(replayed).isNotEmpty();
    assertThat(payloads.subList(payloads.size() - replayed.size(), payloads.size())).isEqualTo(replayed);
  }

  // ---- outages

  /** Records messages and gaps, a gap as the entry {@code "GAP"}. */
  private static final class GapRecorder implements Subscriber.MessageHandler {
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(String topic, Message message) {
      log.add(message.payloadAsString());
    }

    @Override
    public void onGap(String topic) {
      log.add("GAP");
    }
  }

  @Test
  void aSubscriptionSurvivesAnOutageAndGetsWhatWasPublishedMeanwhileOnceInOrder() {
    assumeTrue(survivesOutages(), "survivesOutages() is false");
    InetSocketAddress server = serverAddress();
    TcpProxy proxy = closeAfter(TcpProxy.start(server.getHostString(), server.getPort()));
    Broker cut = tracked(newBrokerThrough(proxy.port()));
    Broker direct = broker();
    String t = topic("outage");
    Recorder r = subscribeReady(cut, direct, t);
    List<String> sent = new ArrayList<>();
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add("before-" + i);
      stored.add(join(direct.publish(t, Message.of("before-" + i))));
    }
    soon().until(() -> r.messages.size() >= 10);
    int connections = proxy.accepted();
    assertThat(cut.health().up()).isTrue();

    proxy.cut();
    soon().until(() -> !cut.health().up());
    for (int i = 0; i < 30; i++) {
      sent.add("during-" + i);
      stored.add(join(direct.publish(t, Message.of("during-" + i))));
    }
    proxy.restore();
    for (int i = 0; i < 10; i++) {
      sent.add("after-" + i);
      stored.add(join(direct.publish(t, Message.of("after-" + i))));
    }
    soon().until(() -> r.messages.size() >= sent.size());
    assertThat(r.payloads()).containsExactlyElementsOf(sent);
    if (hasHistory()) {
      assertThat(r.messages).extracting(m -> m.id().orElseThrow())
          .containsExactlyElementsOf(stored.stream().map(m -> m.id().orElseThrow()).collect(Collectors.toList()));
    }
    assertThat(proxy.accepted()).as("reconnected through the proxy").isGreaterThan(connections);
    soon().until(() -> cut.health().up());
    assertThat(cut.health().reconnects()).as("reconnects counted in the broker's health").isPositive();
  }

  @Test
  void anOutageLongerThanTheHistoryIsReportedAsAGapBeforeWhatSurvived() {
    assumeTrue(survivesOutages(), "survivesOutages() is false");
    assumeTrue(detectsHistoryGaps(), "detectsHistoryGaps() is false");
    InetSocketAddress server = serverAddress();
    TcpProxy proxy = closeAfter(TcpProxy.start(server.getHostString(), server.getPort()));
    // The cut instance first: a broker whose history bounds live in the server (a JetStream
    // stream's limits) takes the short ones from the instance built last.
    Broker cut = tracked(newBrokerThrough(proxy.port()));
    Broker direct = tracked(newBrokerWithHistory(5));
    EventLog log = direct.history().orElseThrow();
    String t = topic("outage-gap");
    GapRecorder r = new GapRecorder();
    closeAfter(cut.subscribe(t, r));
    join(direct.publish(t, Message.of("first")));
    soon().until(() -> r.log.contains("first"));

    proxy.cut();
    soon().until(() -> !cut.health().up());
    String firstDuring = join(direct.publish(t, Message.of("during-first"))).id().orElseThrow();
    List<String> during = new ArrayList<>(List.of("during-first"));
    publishUntilTrimmed(direct, log, t, firstDuring, "during-").forEach(m -> during.add(m.payloadAsString()));
    proxy.restore();
    join(direct.publish(t, Message.of("last")));
    soon().until(() -> r.log.contains("last"));

    // first, the gap once, then a tail of what was published during the outage in order, then last
    List<String> got = List.copyOf(r.log);
    assertThat(got.get(0)).isEqualTo("first");
    assertThat(got.get(1)).isEqualTo("GAP");
    assertThat(got).filteredOn("GAP"::equals).hasSize(1);
    assertThat(got.get(got.size() - 1)).isEqualTo("last");
    List<String> survived = got.subList(2, got.size() - 1);
    assertThat(survived.size()).isLessThan(during.size());
    assertThat(during.subList(during.size() - survived.size(), during.size())).isEqualTo(survived);
  }
}
