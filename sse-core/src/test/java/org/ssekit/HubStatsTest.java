package org.ssekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.broker.Message;

class HubStatsTest {

  private static Hub.Builder hub(InMemoryBroker broker) {
    return Hub.builder().broker(broker).heartbeat(Duration.ZERO);
  }

  private static InMemoryBroker syncBroker() {
    return InMemoryBroker.builder().executor(Runnable::run).build();
  }

  @Test
  void countsOpenedClosedPublishedAndDeliveredEvents() {
    try (InMemoryBroker broker = syncBroker(); Hub hub = hub(broker).latencySampling(0).build()) {
      RecordingSink a = RecordingSink.create();
      RecordingSink b = RecordingSink.create();
      a.open(hub, "t", StreamAdapter.passThrough(), StreamRequest.of("/a"));
      StreamConnection cb = b.open(hub, "t", StreamAdapter.passThrough(), StreamRequest.of("/b"));

      hub.publish("t", Event.of("one"));
      hub.publish("t", Event.of("two"));
      hub.broadcast(Event.of("all"));
      hub.send(cb.stream().id(), Event.of("just b"));
      cb.close(CloseReason.CLIENT_GONE);

      HubStats s = hub.stats();
      assertThat(s.streamsOpened()).isEqualTo(2);
      assertThat(s.published()).isEqualTo(2);
      assertThat(s.delivered()).isEqualTo(2 * 2 + 2 + 1);
      assertThat(s.streamsClosed(CloseReason.CLIENT_GONE)).isEqualTo(1);
      assertThat(s.streamsClosed(CloseReason.HUB_CLOSED)).isZero();
      assertThat(s.latencySamples()).isZero();
      hub.close();
      assertThat(s.streamsClosed(CloseReason.HUB_CLOSED)).isEqualTo(1);
    }
  }

  @Test
  void aPublishTheHistoryRefusesIsNotCountedAsPublished() {
    try (Hub hub = Hub.builder().maxTopics(1).heartbeat(Duration.ZERO).latencySampling(0).build()) {
      hub.publish("a", Event.of("1")).toCompletableFuture().join();
      assertThat(hub.publish("b", Event.of("1")).toCompletableFuture()).isCompletedExceptionally();
      hub.publish("a", Event.builder().id("x").data("2").build()).toCompletableFuture().join();
      assertThat(hub.publish("a", Event.builder().id("x").data("3").build()).toCompletableFuture())
          .isCompletedExceptionally();
      assertThat(hub.stats().published()).isEqualTo(2);
    }
  }

  @Test
  void routedMessagesCountOnlyTheStreamsThatWantThem() {
    StreamAdapter byPost =
        new StreamAdapter() {
          @Override
          public Optional<String> routingKey(StreamRequest r) {
            return r.pathParam("id");
          }
        };
    try (InMemoryBroker broker = syncBroker(); Hub hub = hub(broker).build()) {
      for (String id : new String[] {"1", "1", "2"}) {
        RecordingSink.create()
            .open(hub, "posts", byPost, StreamRequest.builder().path("/p/" + id).pathParam("id", id).build());
      }
      hub.publish("posts", "1", Event.of("for 1"));
      assertThat(hub.stats().delivered()).isEqualTo(2);
    }
  }

  @Test
  void countsSlowConsumerDropsAndReplays() {
    try (InMemoryBroker broker = syncBroker();
        Hub hub = hub(broker).queueCapacity(1).slowConsumerPolicy(SlowConsumerPolicy.DROP_NEWEST).build()) {
      RecordingSink slow = RecordingSink.create();
      slow.pause();
      slow.open(hub, "t", StreamAdapter.passThrough(), StreamRequest.of("/s"));
      Message first = hub.publish("t", Event.of("a")).toCompletableFuture().join();
      hub.publish("t", Event.of("b"));
      hub.publish("t", Event.of("c"));
      assertThat(hub.stats().dropped()).isEqualTo(2);

      RecordingSink resumed = RecordingSink.create();
      resumed.open(
          hub,
          "t",
          StreamAdapter.passThrough(),
          StreamRequest.builder().path("/r").lastEventId(first.id().orElseThrow()).build());
      assertThat(resumed.data()).containsExactly("b", "c");
      assertThat(hub.stats().replayed()).isEqualTo(2);
    }
  }

  @Test
  void sampledPublishesMeasureTheLatencyUntilTheTransportTakesTheEvent() {
    try (InMemoryBroker broker = syncBroker(); Hub hub = hub(broker).latencySampling(1).build()) {
      RecordingSink sink = RecordingSink.create();
      sink.pause(); // the event waits in the queue: the latency covers the wait
      sink.open(hub, "t", StreamAdapter.passThrough(), StreamRequest.of("/s"));
      Message stored = hub.publish("t", Event.of("measured")).toCompletableFuture().join();
      assertThat(stored.metadata()).containsKey("ssekit-sent-at");
      assertThat(hub.stats().latencySamples()).isZero();

      long before = System.nanoTime();
      while (System.nanoTime() - before < 2_000_000) {
        Thread.onSpinWait(); // at least 2 ms in the queue
      }
      sink.resume();
      assertThat(sink.data()).containsExactly("measured");
      assertThat(hub.stats().latencySamples()).isEqualTo(1);
      assertThat(hub.stats().latencyTotalNanos()).isGreaterThanOrEqualTo(1_000_000);
    }
  }

  @Test
  void withoutSamplingMessagesCarryNoPublishTime() {
    try (InMemoryBroker broker = syncBroker(); Hub hub = hub(broker).latencySampling(0).build()) {
      for (int i = 0; i < 200; i++) {
        assertThat(hub.publish("t", Event.of("x")).toCompletableFuture().join().metadata())
            .doesNotContainKey("ssekit-sent-at");
      }
    }
  }
}
