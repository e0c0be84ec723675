package org.ssekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.testkit.BrokerAvailability;

/** What the Redis broker adds to the shared contract: storage layout, bounds, limits, ids. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisBrokerIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final String prefix = "ssekit-it-" + UUID.randomUUID() + ":";
  private final List<AutoCloseable> resources = new ArrayList<>();
  private RedisClient raw;
  private StatefulRedisConnection<String, String> rawConnection;

  @BeforeEach
  void redisIsUp() {
    BrokerAvailability.assumeReachable("Redis", RedisTests.HOST, RedisTests.PORT);
    raw = RedisClient.create(RedisTests.URL);
    rawConnection = raw.connect();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    if (raw != null) {
      rawConnection.close();
      raw.shutdown();
    }
  }

  private RedisBroker broker(RedisBroker.Builder b) {
    RedisBroker broker = b.keyPrefix(prefix).build();
    resources.add(0, broker);
    return broker;
  }

  private RedisBroker broker() {
    return broker(RedisBroker.builder(RedisTests.URL));
  }

  private static Message join(java.util.concurrent.CompletionStage<Message> stage) {
    return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  @Test
  void storesEachTopicAsAStreamUnderThePrefixWithTheEntryIdAsMessageId() {
    RedisBroker b = broker();
    Message stored = join(b.publish("orders", Message.of("hello")));
    List<String> ids =
        rawConnection.sync().xrange(prefix + "s:orders", io.lettuce.core.Range.create("-", "+")).stream()
            .map(io.lettuce.core.StreamMessage::getId)
            .collect(Collectors.toList());
    assertThat(ids).containsExactly(stored.id().orElseThrow());
    assertThat(StreamId.parse(stored.id().orElseThrow())).isNotNull();
    assertThat(rawConnection.sync().pttl(prefix + "s:orders"))
        .isPositive()
        .isLessThanOrEqualTo(RedisBroker.DEFAULT_HISTORY_AGE.toMillis());
    // The topic's entry counter lives beside it and expires with it.
    assertThat(rawConnection.sync().get(prefix + "n:orders")).isEqualTo("1");
    assertThat(rawConnection.sync().pttl(prefix + "n:orders"))
        .isPositive()
        .isLessThanOrEqualTo(RedisBroker.DEFAULT_HISTORY_AGE.toMillis());
  }

  @Test
  void roundTripsArbitraryBytesAndMetadataThroughLiveDeliveryAndHistory() {
    RedisBroker a = broker();
    RedisBroker b = broker();
    String t = "bytes-" + UUID.randomUUID();
    List<Message> got = new CopyOnWriteArrayList<>();
    resources.add(0, b.subscribe(t, (topic, m) -> got.add(m)));
    byte[] payload = new byte[256];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i; // not valid UTF-8
    }
    Map<String, String> meta = Map.of("p", "not the payload", "i", "not the id", "m:x", "ü\r\n", "", "empty key");
    Message first = join(a.publish(t, Message.of("first")));
    Message sent = join(a.publish(t, Message.of(payload, meta)));
    await().atMost(WAIT).until(() -> got.size() == 2);
    assertThat(got.get(1).payload()).isEqualTo(payload);
    assertThat(got.get(1).metadata()).isEqualTo(meta);
    assertThat(got.get(1)).isEqualTo(sent);
    EventLog.Replay r = b.history().orElseThrow().readAfter(t, first.id().orElseThrow(), 10);
    assertThat(r.complete()).isTrue();
    assertThat(r.messages()).containsExactly(sent);
  }

  @Test
  void subscriptionGetsNothingPublishedBeforeItWasMade() {
    RedisBroker b = broker();
    String t = "since-" + UUID.randomUUID();
    for (int i = 0; i < 5; i++) {
      join(b.publish(t, Message.of("old-" + i)));
    }
    List<String> got = new CopyOnWriteArrayList<>();
    resources.add(0, b.subscribe(t, (topic, m) -> got.add(m.payloadAsString())));
    join(b.publish(t, Message.of("new")));
    await().atMost(WAIT).until(() -> got.contains("new"));
    assertThat(got).containsExactly("new");
  }

  @Test
  void aFailingHandlerNeitherStopsItsOwnDeliveryNorOthers() {
    RedisBroker b = broker();
    String t = "failing-" + UUID.randomUUID();
    List<String> failing = new CopyOnWriteArrayList<>();
    List<String> healthy = new CopyOnWriteArrayList<>();
    resources.add(0, b.subscribe(t, (topic, m) -> {
      failing.add(m.payloadAsString());
      throw new IllegalStateException("handler bug");
    }));
    resources.add(0, b.subscribe(t, (topic, m) -> healthy.add(m.payloadAsString())));
    join(b.publish(t, Message.of("one")));
    join(b.publish(t, Message.of("two")));
    await().atMost(WAIT).until(() -> healthy.size() == 2 && failing.size() == 2);
    assertThat(failing).containsExactly("one", "two");
    assertThat(healthy).containsExactly("one", "two");
  }

  @Test
  void laterSubscriptionOfAnActiveTopicJoinsWithoutGapOrDuplicate() {
    RedisBroker b = broker();
    String t = "join-" + UUID.randomUUID();
    List<String> first = new CopyOnWriteArrayList<>();
    resources.add(0, b.subscribe(t, (topic, m) -> first.add(m.payloadAsString())));
    List<String> second = new CopyOnWriteArrayList<>();
    List<String> expectedSecond = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      b.publish(t, Message.of("x" + i));
      if (i == 150) {
        resources.add(0, b.subscribe(t, (topic, m) -> second.add(m.payloadAsString())));
      }
      if (i > 150) {
        expectedSecond.add("x" + i);
      }
    }
    await().atMost(WAIT).until(() -> first.size() == 300 && second.size() >= expectedSecond.size());
    // Published from one thread after subscribe returned: all of them, in order, none earlier
    // than what was published before subscribe was called.
    assertThat(second).endsWith(expectedSecond.toArray(new String[0]));
    assertThat(second).doesNotHaveDuplicates();
    assertThat(second.size()).isLessThanOrEqualTo(expectedSecond.size() + 1);
  }

  @Test
  void rejectsAPayloadOrMetadataAboveTheLimitsNamingThem() {
    RedisBroker b = broker(RedisBroker.builder(RedisTests.URL).maxPayloadBytes(1000));
    String t = "limit-" + UUID.randomUUID();
    assertThat(join(b.publish(t, Message.of(new byte[1000], Map.of()))).id()).isPresent();
    assertThatThrownBy(() -> join(b.publish(t, Message.of(new byte[1001], Map.of()))))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1001 bytes")
        .hasMessageContaining("limit of 1000 bytes");
    Map<String, String> tooMuch = new java.util.HashMap<>();
    for (int i = 0; i < 1001; i++) {
      tooMuch.put("k" + i, "v");
    }
    assertThatThrownBy(() -> join(b.publish(t, Message.of(new byte[1], tooMuch))))
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1000");
    tooMuch.remove("k0");
    assertThat(join(b.publish(t, Message.of(new byte[1], tooMuch))).metadata()).hasSize(1000);
    assertThat(rawConnection.sync().xlen(prefix + "s:" + t)).isEqualTo(2);
  }

  @Test
  void keepsMessagesOwnIdsAndResumesAfterThem() {
    RedisBroker b = broker();
    String t = "own-" + UUID.randomUUID();
    EventLog log = b.history().orElseThrow();
    Message a = join(b.publish(t, Message.of("a").withId("order-1")));
    Message x = join(b.publish(t, Message.of("x")));
    Message c = join(b.publish(t, Message.of("c").withId("order-3")));
    assertThat(a.id()).contains("order-1");
    EventLog.Replay afterA = log.readAfter(t, "order-1", 10);
    assertThat(afterA.complete()).isTrue();
    assertThat(afterA.messages()).containsExactly(x, c);
    EventLog.Replay afterX = log.readAfter(t, x.id().orElseThrow(), 10);
    assertThat(afterX.messages()).containsExactly(c);
    assertThat(log.readAfter(t, "order-3", 10)).isEqualTo(new EventLog.Replay(List.of(), true));
  }

  @Test
  void reportsAGapWithTheNewestMessagesWhenMoreThanTheLimitFollow() {
    RedisBroker b = broker();
    String t = "limit-read-" + UUID.randomUUID();
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      stored.add(join(b.publish(t, Message.of("r" + i))));
    }
    EventLog log = b.history().orElseThrow();
    String first = stored.get(0).id().orElseThrow();
    assertThat(log.readAfter(t, first, 9)).isEqualTo(new EventLog.Replay(stored.subList(1, 10), true));
    assertThat(log.readAfter(t, first, 3)).isEqualTo(new EventLog.Replay(stored.subList(7, 10), false));
    assertThat(log.readAfter(t, first, 0)).isEqualTo(new EventLog.Replay(List.of(), false));
    assertThat(log.readAfter(t, stored.get(9).id().orElseThrow(), 0))
        .isEqualTo(new EventLog.Replay(List.of(), true));
    assertThat(log.readAfter(t, "1-0", 2)).isEqualTo(new EventLog.Replay(stored.subList(8, 10), false));
    assertThat(log.readAfter("never-" + UUID.randomUUID(), first, 5))
        .isEqualTo(new EventLog.Replay(List.of(), false));
  }

  @Test
  void trimsTheHistoryToAboutItsLength() {
    RedisBroker b = broker(RedisBroker.builder(RedisTests.URL).history(10, Duration.ofMinutes(15)));
    String t = "trim-" + UUID.randomUUID();
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      stored.add(join(b.publish(t, Message.of("t" + i))));
    }
    // Redis trims whole nodes of up to 100 entries ("MAXLEN ~"): far fewer than 400 remain.
    assertThat(rawConnection.sync().xlen(prefix + "s:" + t)).isBetween(10L, 110L);
    EventLog.Replay r = b.history().orElseThrow().readAfter(t, stored.get(0).id().orElseThrow(), 1000);
    assertThat(r.complete()).isFalse();
    assertThat(r.messages()).last().isEqualTo(stored.get(399));
  }

  @Test
  void dropsMessagesOlderThanTheAgeBound() {
    RedisBroker b = broker(RedisBroker.builder(RedisTests.URL).history(1_000, Duration.ofMillis(300)));
    String t = "age-" + UUID.randomUUID();
    Message old = join(b.publish(t, Message.of("old")));
    EventLog log = b.history().orElseThrow();
    assertThat(log.readAfter(t, "0-0", 10).messages()).containsExactly(old);
    // Each publish trims what is older than 300 ms by the server's clock.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> {
          join(b.publish(t, Message.of("new")));
          return !log.readAfter(t, "0-0", 1000).messages().contains(old);
        });
    assertThat(log.readAfter(t, old.id().orElseThrow(), 1000).complete()).isFalse();
    assertThat(rawConnection.sync().pttl(prefix + "s:" + t)).isBetween(1L, 300L);
  }

  @Test
  void worksOnAClientTheCallerOwnsAndLeavesItOpen() {
    RedisClient client = RedisClient.create(RedisTests.URL);
    try {
      RedisBroker b = RedisBroker.builder(client).keyPrefix(prefix).build();
      String t = "owned-" + UUID.randomUUID();
      List<String> got = new CopyOnWriteArrayList<>();
      Subscriber.Subscription s = b.subscribe(t, (topic, m) -> got.add(m.payloadAsString()));
      join(b.publish(t, Message.of("via own client")));
      await().atMost(WAIT).until(() -> got.size() == 1);
      s.close();
      b.close();
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void closingDeletesTheWakeKeyAndFailsLaterPublishes() {
    RedisBroker b = RedisBroker.builder(RedisTests.URL).keyPrefix(prefix).build();
    String t = "close-" + UUID.randomUUID();
    List<String> got = new CopyOnWriteArrayList<>();
    Subscriber.Subscription s = b.subscribe(t, (topic, m) -> got.add(m.payloadAsString()));
    join(b.publish(t, Message.of("one")));
    await().atMost(WAIT).until(() -> got.size() == 1);
    // A subscription made while the reader is connected wakes it through the wake-up stream.
    Subscriber.Subscription s2 = b.subscribe(t + "-2", (topic, m) -> {});
    await().atMost(WAIT).until(() -> rawConnection.sync().keys(prefix + "w:*").size() == 1);
    s.close();
    s2.close();
    b.close();
    assertThat(rawConnection.sync().keys(prefix + "w:*")).isEmpty();
    assertThatThrownBy(() -> join(b.publish(t, Message.of("late"))))
        .hasCauseInstanceOf(IllegalStateException.class);
    b.close(); // idempotent
  }

  @Test
  void anIdBeforeTheRetainedHistoryIsAGapAnsweredWithTheNewestMessages() {
    RedisBroker b = broker();
    String t = "zero-" + UUID.randomUUID();
    Message m = join(b.publish(t, Message.of("snow \u2603".getBytes(StandardCharsets.UTF_8), Map.of())));
    EventLog.Replay r = b.history().orElseThrow().readAfter(t, "0-0", 5);
    assertThat(r.complete()).isFalse();
    assertThat(r.messages()).containsExactly(m);
    assertThat(r.messages().get(0).payloadAsString()).isEqualTo("snow \u2603");
  }

  @Test
  void keepsDeliveringWhenTheStreamVanishesAsAfterARestartWithoutPersistence() {
    RedisBroker b = broker();
    String t = "vanish-" + UUID.randomUUID();
    List<String> got = new CopyOnWriteArrayList<>();
    resources.add(
        0,
        b.subscribe(
            t,
            new Subscriber.MessageHandler() {
              @Override
              public void onMessage(String topic, Message m) {
                got.add(m.payloadAsString());
              }

              @Override
              public void onGap(String topic) {
                got.add("GAP"); // nothing was published while it was gone: no gap to report
              }
            }));
    Message first = join(b.publish(t, Message.of("before")));
    await().atMost(WAIT).until(() -> got.size() == 1);
    rawConnection.sync().del(prefix + "s:" + t);
    // A new stream numbers from the clock again: later than anything delivered.
    await().atMost(WAIT).until(() -> System.currentTimeMillis() > StreamId.of(first.id().orElseThrow()).millis());
    join(b.publish(t, Message.of("after")));
    await().atMost(WAIT).until(() -> got.size() == 2);
    assertThat(got).containsExactly("before", "after");
    assertThat(b.history().orElseThrow().readAfter(t, first.id().orElseThrow(), 10).complete()).isFalse();
  }

  @Test
  void closingOneSubscriptionLeavesTheOthersOfTheTopicRunning() {
    RedisBroker b = broker();
    String t = "two-subs-" + UUID.randomUUID();
    List<String> closed = new CopyOnWriteArrayList<>();
    List<String> open = new CopyOnWriteArrayList<>();
    Subscriber.Subscription s1 = b.subscribe(t, (topic, m) -> closed.add(m.payloadAsString()));
    resources.add(0, b.subscribe(t, (topic, m) -> open.add(m.payloadAsString())));
    join(b.publish(t, Message.of("both")));
    await().atMost(WAIT).until(() -> closed.size() == 1 && open.size() == 1);
    s1.close();
    join(b.publish(t, Message.of("one")));
    await().atMost(WAIT).until(() -> open.size() == 2);
    assertThat(open).containsExactly("both", "one");
    assertThat(closed).containsExactly("both");
  }

  @Test
  void runsTheReaderAndGroupMembersOnThreadsOfTheInjectedFactoryAndEndsThemOnClose() throws Exception {
    List<Thread> made = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    RedisBroker b =
        RedisBroker.builder(RedisTests.URL)
            .keyPrefix(prefix)
            .threadFactory(
                r -> {
                  Thread th = new Thread(r, "app-redis-" + n.incrementAndGet());
                  th.setDaemon(true);
                  made.add(th);
                  return th;
                })
            .build();
    String t = "factory-" + UUID.randomUUID();
    List<String> got = new CopyOnWriteArrayList<>();
    List<String> grouped = new CopyOnWriteArrayList<>();
    b.subscribe(t, (topic, m) -> got.add(Thread.currentThread().getName()));
    b.subscribeGroup(t, "g", (topic, m) -> grouped.add(Thread.currentThread().getName()));
    join(b.publish(t, Message.of("x")));
    await().atMost(WAIT).until(() -> got.size() == 1 && grouped.size() == 1);
    assertThat(made).hasSize(2);
    assertThat(got.get(0)).isEqualTo(made.get(0).getName());
    assertThat(grouped.get(0)).isEqualTo(made.get(1).getName());
    b.close();
    for (Thread th : made) {
      th.join(10_000);
      assertThat(th.isAlive()).as(th.getName()).isFalse();
    }
  }
}
