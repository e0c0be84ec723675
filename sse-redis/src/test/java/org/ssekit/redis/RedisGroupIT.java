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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.testkit.BrokerAvailability;

/**
 * Consumer groups on Redis: what the compatibility kit cannot see (claiming a dead member's
 * unacknowledged entries, members as Redis consumers).
 */
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
  void aClosedMemberIsDeletedFromTheRedisGroup() {
    // That the others then take over its share is the compatibility kit's contract.
    RedisBroker a = broker(RedisBroker.builder(RedisTests.URL));
    RedisBroker b = broker(RedisBroker.builder(RedisTests.URL));
    String t = "leave-" + UUID.randomUUID();
    String key = prefix + "s:" + t;
    Subscriber.Subscription memberA = a.subscribeGroup(t, "g", (topic, m) -> {});
    resources.add(0, b.subscribeGroup(t, "g", (topic, m) -> {}));
    assertThat(rawConnection.sync().xinfoConsumers(key, "g")).hasSize(2);
    memberA.close();
    await().atMost(WAIT).until(() -> rawConnection.sync().xinfoConsumers(key, "g").size() == 1);
  }
}
