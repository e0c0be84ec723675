package org.ssekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.testkit.TcpProxy;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.broker.Message;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRequest;
import org.ssekit.broker.Subscriber;
import org.ssekit.testkit.BrokerAvailability;
import org.ssekit.testkit.RecordingSink;

/**
 * A hub whose Redis connection is cut keeps its streams open, and once Redis is reachable again
 * they receive everything published meanwhile through another instance, in order, exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisOutageIT {

  private final String prefix = "ssekit-it-" + UUID.randomUUID() + ":";
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeEach
  void redisIsUp() {
    BrokerAvailability.assumeReachable("Redis", RedisTests.HOST, RedisTests.PORT);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(0, resource);
    return resource;
  }

  @Test
  void streamsStayOpenAndReceiveWhatWasPublishedDuringAnOutageInOrderExactlyOnce() throws Exception {
    TcpProxy proxy = closeLater(TcpProxy.start(RedisTests.HOST, RedisTests.PORT));
    RedisBroker cutOff =
        closeLater(
            RedisBroker.builder("redis://127.0.0.1:" + proxy.port())
                .keyPrefix(prefix)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .timeout(Duration.ofSeconds(2))
                .build());
    RedisBroker direct = closeLater(RedisBroker.builder(RedisTests.URL).keyPrefix(prefix).build());
    Hub hub = closeLater(Hub.builder().broker(cutOff).heartbeat(Duration.ofMillis(100)).build());
    String topic = "outage-" + UUID.randomUUID();
    List<RecordingSink> sinks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordingSink sink = new RecordingSink();
      StreamConnection c =
          hub.open(topic, StreamAdapter.passThrough(), StreamRequest.of("/" + topic), sink);
      sink.attach(c);
      sinks.add(sink);
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add("before-" + i);
      direct.publish(topic, Message.fromEvent(Event.of("before-" + i))).toCompletableFuture().join();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> sinks.stream().allMatch(s -> s.data().size() >= 50));

    assertThat(cutOff.health().up()).isTrue();
    proxy.cut();
    int heartbeatsAtCut = comments(sinks.get(0));
    for (int i = 0; i < 100; i++) {
      expected.add("during-" + i);
      direct.publish(topic, Message.fromEvent(Event.of("during-" + i))).toCompletableFuture().join();
    }
    // The streams stay open and heartbeats go on while Redis is unreachable.
    await().atMost(Duration.ofSeconds(10)).until(() -> comments(sinks.get(0)) >= heartbeatsAtCut + 3);
    assertThat(sinks).noneMatch(RecordingSink::isClosed);
    assertThat(sinks.get(0).data()).hasSize(50);
    // Health says down while the connection is lost, and a publish through the cut instance is
    // refused at once (nothing sent, so nothing stored later): not published.
    await().atMost(Duration.ofSeconds(10)).until(() -> !cutOff.health().up());
    assertThat(cutOff.health().detail()).contains("Redis");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              long start = System.nanoTime();
              assertThatThrownBy(() -> cutOff.publish(topic, Message.of("refused")).toCompletableFuture().join())
                  .cause()
                  .isInstanceOf(RedisException.class)
                  .hasMessageContaining("not published");
              assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            });
    // A new subscription cannot be made live without Redis: it fails after the timeout.
    assertThatThrownBy(() -> cutOff.subscribe(topic + "-new", (t, m) -> {}))
        .isInstanceOf(RedisException.class);

    proxy.restore();
    for (int i = 0; i < 50; i++) {
      expected.add("after-" + i);
      direct.publish(topic, Message.fromEvent(Event.of("after-" + i))).toCompletableFuture().join();
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> sinks.stream().allMatch(s -> s.data().size() >= 200));
    await().atMost(Duration.ofSeconds(20)).until(() -> cutOff.health().up());
    List<String> ids = direct.history().orElseThrow().readAfter(topic, "0-0", 1000).messages().stream()
        .map(m -> m.id().orElseThrow())
        .collect(Collectors.toList());
    for (RecordingSink s : sinks) {
      assertThat(s.isClosed()).isFalse();
      assertThat(s.data()).containsExactlyElementsOf(expected);
      assertThat(s.ids()).containsExactlyElementsOf(ids);
    }
  }

  @Test
  void countsAndLogsWhatWasTrimmedBeforeAnOutageEnded() throws Exception {
    TcpProxy proxy = closeLater(TcpProxy.start(RedisTests.HOST, RedisTests.PORT));
    RedisBroker cutOff =
        closeLater(
            RedisBroker.builder("redis://127.0.0.1:" + proxy.port())
                .keyPrefix(prefix)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .timeout(Duration.ofSeconds(2))
                .build());
    // The publishing instance keeps a short history: most of what the other misses is trimmed.
    RedisBroker direct =
        closeLater(RedisBroker.builder(RedisTests.URL).keyPrefix(prefix).history(10, Duration.ofMinutes(15)).build());
    String topic = "trimmed-" + UUID.randomUUID();
    List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    closeLater(
        cutOff.subscribe(
            topic,
            new Subscriber.MessageHandler() {
              @Override
              public void onMessage(String t, Message m) {
                got.add(m.payloadAsString());
              }

              @Override
              public void onGap(String t) {
                got.add("GAP " + t);
              }
            }));
    direct.publish(topic, Message.of("first")).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 1);

    proxy.cut();
    for (int i = 0; i < 400; i++) {
      direct.publish(topic, Message.of("during-" + i)).toCompletableFuture().join();
    }
    proxy.restore();
    direct.publish(topic, Message.of("last")).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(20)).until(() -> got.contains("last"));

    // The handler hears of the gap once, before what survived the trim, which arrives in order;
    // the rest is counted, not silently skipped.
    assertThat(got.get(1)).isEqualTo("GAP " + topic);
    assertThat(got.stream().filter(s -> s.startsWith("GAP "))).hasSize(1);
    List<String> during = got.subList(2, got.size() - 1);
    int firstKept = Integer.parseInt(during.get(0).substring("during-".length()));
    assertThat(firstKept).isPositive();
    assertThat(during)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(firstKept, 400).mapToObj(i -> "during-" + i).collect(Collectors.toList()));
    assertThat(cutOff.missedMessages()).isEqualTo(firstKept);
  }

  private static int comments(RecordingSink sink) {
    return (int) sink.events().stream().filter(e -> e.comment().isPresent()).count();
  }
}
