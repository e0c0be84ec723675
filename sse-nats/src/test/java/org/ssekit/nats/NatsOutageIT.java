package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.ssekit.testkit.RecordingSink;

/**
 * A NATS outage seen by one instance: its connection goes through a proxy that is cut while the
 * other instance, connected directly, keeps publishing. The cut instance's streams stay open and,
 * once the proxy is restored, receive everything in log order exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsOutageIT {

  private final TestNats.Names names = TestNats.Names.unique("outage");
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

  private <T extends AutoCloseable> T track(T r) {
    resources.add(0, r);
    return r;
  }

  private static RecordingSink open(Hub hub, String topic) {
    RecordingSink sink = new RecordingSink();
    StreamConnection c = hub.open(topic, StreamAdapter.passThrough(), StreamRequest.of("/" + topic), sink);
    sink.attach(c);
    return sink;
  }

  private static List<String> data(RecordingSink s, String prefix) {
    return s.data().stream().filter(d -> d.startsWith(prefix)).collect(Collectors.toList());
  }

  @Test
  void streamsOnTheCutInstanceStayOpenAndReceiveEverythingInOrderAfterTheOutage() {
    TcpProxy proxy = track(TcpProxy.start(TestNats.HOST, TestNats.PORT));
    NatsBroker cutBroker =
        track(
            names.builder("nats://127.0.0.1:" + proxy.port())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .build());
    NatsBroker direct = track(names.builder().build());
    Hub cutHub = track(Hub.builder().broker(cutBroker).heartbeat(Duration.ofMillis(100)).build());
    Hub directHub = track(Hub.builder().broker(direct).heartbeat(Duration.ZERO).build());
    String busy = "busy-" + names.prefix();
    String quiet = "quiet-" + names.prefix();

    List<RecordingSink> sinks = List.of(open(cutHub, busy), open(cutHub, busy));
    List<String> quietGot = new CopyOnWriteArrayList<>();
    track(cutBroker.subscribe(quiet, (t, m) -> quietGot.add(m.payloadAsString())));

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("e" + i);
      directHub.publish(busy, Event.of("e" + i)).toCompletableFuture().join();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> sinks.stream().allMatch(s -> data(s, "e").size() == 20));

    assertThat(cutBroker.health().up()).isTrue();
    proxy.cut();
    await().atMost(Duration.ofSeconds(10)).until(cutBroker::inOutage);
    assertThat(cutBroker.health().up()).isFalse();
    assertThat(cutBroker.health().detail()).contains("NATS connection lost");
    assertThat(direct.health().up()).isTrue();
    int heartbeatsBefore = sinks.get(0).events().size();
    List<String> quietExpected = new ArrayList<>();
    for (int i = 20; i < 70; i++) {
      expected.add("e" + i);
      directHub.publish(busy, Event.of("e" + i)).toCompletableFuture().join();
      if (i % 5 == 0) {
        quietExpected.add("q" + i);
        direct.publish(quiet, Message.of("q" + i)).toCompletableFuture().join();
      }
    }
    // The streams stay open through the outage and the hub keeps sending heartbeats.
    await().atMost(Duration.ofSeconds(5)).until(() -> sinks.get(0).events().size() > heartbeatsBefore + 2);
    assertThat(sinks).noneMatch(RecordingSink::isClosed);
    assertThat(sinks).allMatch(s -> data(s, "e").size() == 20);

    proxy.restore();
    await().atMost(Duration.ofSeconds(10)).until(() -> !cutBroker.inOutage());
    await().atMost(Duration.ofSeconds(10)).until(() -> cutBroker.health().up());
    for (int i = 70; i < 100; i++) {
      expected.add("e" + i);
      directHub.publish(busy, Event.of("e" + i)).toCompletableFuture().join();
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> sinks.stream().allMatch(s -> data(s, "e").size() >= 100));
    for (RecordingSink s : sinks) {
      assertThat(data(s, "e")).containsExactlyElementsOf(expected);
      assertThat(s.ids()).doesNotHaveDuplicates();
    }
    // A topic that was only written during the outage is caught up without a newer message.
    await().atMost(Duration.ofSeconds(10)).until(() -> quietGot.size() >= quietExpected.size());
    assertThat(quietGot).containsExactlyElementsOf(quietExpected);
    // And live delivery continues on the reconnected instance.
    cutHub.publish(busy, Event.of("e-after")).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(10)).until(() -> sinks.stream().allMatch(s -> data(s, "e-after").size() == 1));
    assertThat(data(sinks.get(1), "e")).hasSize(101).endsWith("e-after");
  }

  @Test
  void publishingDuringAnOutageFailsAtOnceSayingNothingWasPublished() {
    TcpProxy proxy = track(TcpProxy.start(TestNats.HOST, TestNats.PORT));
    NatsBroker cutBroker =
        track(
            names.builder("nats://127.0.0.1:" + proxy.port())
                .timeout(Duration.ofMillis(500))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .build());
    proxy.cut();
    await().atMost(Duration.ofSeconds(10)).until(cutBroker::inOutage);
    long start = System.nanoTime();
    var stage = cutBroker.publish("t-" + names.prefix(), Message.of("during")).toCompletableFuture();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(200);
    await().atMost(Duration.ofSeconds(5)).until(stage::isDone);
    assertThat(stage).isCompletedExceptionally();
    assertThatThrownBy(stage::join)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not published")
        .hasMessageNotContaining("null");
  }
}
