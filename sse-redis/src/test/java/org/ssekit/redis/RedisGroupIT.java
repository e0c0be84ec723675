package org.ssekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.testkit.BrokerAvailability;

/** Consumer groups: work that runs once per message across instances, at least once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisGroupIT {

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

  private static Message join(java.util.concurrent.CompletionStage<Message> stage) {
    return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  @Test
  void eachMessageIsHandledOnceByTheGroupWhileEveryInstanceStillSeesAll() {
    RedisBroker a = broker(RedisBroker.builder(RedisTests.URL));
    RedisBroker b = broker(RedisBroker.builder(RedisTests.URL));
    String t = "views-" + UUID.randomUUID();
    List<String> handled = new CopyOnWriteArrayList<>();
    resources.add(0, a.subscribeGroup(t, "counter", (topic, m) -> handled.add(m.payloadAsString())));
    resources.add(0, b.subscribeGroup(t, "counter", (topic, m) -> handled.add(m.payloadAsString())));
    List<String> seenA = new CopyOnWriteArrayList<>();
    List<String> seenB = new CopyOnWriteArrayList<>();
    resources.add(0, a.subscribe(t, (topic, m) -> seenA.add(m.payloadAsString())));
    resources.add(0, b.subscribe(t, (topic, m) -> seenB.add(m.payloadAsString())));
    List<String> sent = IntStream.range(0, 200).mapToObj(i -> "v" + i).collect(Collectors.toList());
    for (int i = 0; i < sent.size(); i++) {
      join((i % 2 == 0 ? a : b).publish(t, Message.of(sent.get(i))));
    }
    await().atMost(WAIT).until(() -> handled.size() >= 200 && seenA.size() >= 200 && seenB.size() >= 200);
    assertThat(handled).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
    assertThat(seenA).containsExactlyElementsOf(sent);
    assertThat(seenB).containsExactlyElementsOf(sent);
  }

  @Test
  @SuppressWarnings("unchecked") // Lettuce's generic varargs
  void aMemberTakesOverWhatADeadMemberReadButNeverAcknowledged() {
    String t = "claim-" + UUID.randomUUID();
    String key = prefix + "s:" + t;
    rawConnection.sync().xgroupCreate(XReadArgs.StreamOffset.latest(key), "workers", XGroupCreateArgs.Builder.mkstream());
    RedisBroker b =
        broker(RedisBroker.builder(RedisTests.URL).groupClaimTimeout(Duration.ofMillis(200)));
    Message lost = join(b.publish(t, Message.of("read by a member that died")));
    // A member reads the message and dies without acknowledging it.
    assertThat(
            rawConnection.sync()
                .xreadgroup(Consumer.from("workers", "ghost"), XReadArgs.StreamOffset.lastConsumed(key)))
        .hasSize(1);
    List<Message> handled = new CopyOnWriteArrayList<>();
    resources.add(0, b.subscribeGroup(t, "workers", (topic, m) -> handled.add(m)));
    join(b.publish(t, Message.of("new")));
    await().atMost(WAIT).until(() -> handled.size() >= 2);
    assertThat(handled).extracting(Message::payloadAsString)
        .containsExactlyInAnyOrder("read by a member that died", "new");
    assertThat(handled).contains(lost);
    await().atMost(WAIT).until(() -> rawConnection.sync().xpending(key, "workers").getCount() == 0);
  }

  @Test
  void aClosedMemberLeavesTheGroupAndOthersCarryOn() {
    RedisBroker a = broker(RedisBroker.builder(RedisTests.URL));
    RedisBroker b = broker(RedisBroker.builder(RedisTests.URL));
    String t = "leave-" + UUID.randomUUID();
    String key = prefix + "s:" + t;
    List<String> handledA = new CopyOnWriteArrayList<>();
    List<String> handledB = new CopyOnWriteArrayList<>();
    Subscriber.Subscription memberA = a.subscribeGroup(t, "g", (topic, m) -> handledA.add(m.payloadAsString()));
    resources.add(0, b.subscribeGroup(t, "g", (topic, m) -> handledB.add(m.payloadAsString())));
    assertThat(rawConnection.sync().xinfoConsumers(key, "g")).hasSize(2);
    memberA.close();
    await().atMost(WAIT).until(() -> rawConnection.sync().xinfoConsumers(key, "g").size() == 1);
    for (int i = 0; i < 20; i++) {
      join(a.publish(t, Message.of("w" + i)));
    }
    await().atMost(WAIT).until(() -> handledB.size() == 20);
    assertThat(handledA).isEmpty();
    assertThat(new HashSet<>(handledB)).hasSize(20);
  }
}
