package org.ssekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 16 publisher threads × 10,000 events to 1,000 in-memory streams spread over 100 topics (1.6
 * million deliveries): every stream receives every event of its topic exactly once and in
 * per-publisher order, and no stream is lost or leaked.
 */
class HubConcurrencyTest {

  private static final int PUBLISHERS = 16;
  private static final int EVENTS_PER_PUBLISHER = 10_000;
  private static final int STREAMS = 1_000;
  private static final int TOPICS = 100;
  private static final int EVENTS_PER_TOPIC = PUBLISHERS * EVENTS_PER_PUBLISHER / TOPICS;

  /** Checks one stream's events as they arrive; called by one draining thread at a time. */
  static final class OrderCheck {
    final int[] last = new int[PUBLISHERS];
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger violations = new AtomicInteger();
    final int topic;

    OrderCheck(int topic) {
      this.topic = topic;
      java.util.Arrays.fill(last, -1);
    }

    void accept(Event e) {
      String d = e.data().orElseThrow();
      int colon = d.indexOf(':');
      int p = Integer.parseInt(d, 0, colon, 10);
      int i = Integer.parseInt(d, colon + 1, d.length(), 10);
      // event i of a publisher goes to topic i % TOPICS, so the next one this stream may see from
      // that publisher is exactly last + TOPICS
      int expected = last[p] < 0 ? topic : last[p] + TOPICS;
      if (i != expected) {
        violations.incrementAndGet();
      }
      last[p] = i;
      received.incrementAndGet();
    }
  }

  @Test
  void everyStreamGetsEveryEventOfItsTopicOnceAndInOrderAndNoneLeaks() throws Exception {
    AtomicInteger closedCount = new AtomicInteger();
    AtomicInteger connectedCount = new AtomicInteger();
    Hub hub =
        Hub.builder()
            .heartbeat(Duration.ofMillis(50)) // heartbeats interleave; they carry no data
            .listener(
                new HubListener() {
                  @Override
                  public void connected(EventStream stream) {
                    connectedCount.incrementAndGet();
                  }

                  @Override
                  public void closed(EventStream stream, CloseReason reason) {
                    closedCount.incrementAndGet();
                  }
                })
            .build();
    List<OrderCheck> checks = new ArrayList<>();
    List<RecordingSink> sinks = new ArrayList<>();
    String prefix = "conc-" + System.nanoTime() + "-";
    for (int s = 0; s < STREAMS; s++) {
      OrderCheck check = new OrderCheck(s % TOPICS);
      RecordingSink sink =
          RecordingSink.draining(
              e -> {
                if (e.data().isPresent()) {
                  check.accept(e);
                }
              });
      sink.open(hub, prefix + check.topic, StreamAdapter.passThrough(), StreamRequest.of("/s"));
      checks.add(check);
      sinks.add(sink);
    }
    assertThat(hub.streamCount()).isEqualTo(STREAMS);

    ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      int publisher = p;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < EVENTS_PER_PUBLISHER; i++) {
                  hub.publish(prefix + (i % TOPICS), Event.of(publisher + ":" + i));
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> checks.stream().allMatch(c -> c.received.get() >= EVENTS_PER_TOPIC));

    for (OrderCheck c : checks) {
      assertThat(c.violations.get()).isZero();
      assertThat(c.received.get()).isEqualTo(EVENTS_PER_TOPIC);
      for (int p = 0; p < PUBLISHERS; p++) {
        assertThat(c.last[p]).isEqualTo(EVENTS_PER_PUBLISHER - TOPICS + c.topic);
      }
    }
    assertThat(sinks).allMatch(s -> s.connection().stream().isOpen());
    assertThat(hub.streamCount()).isEqualTo(STREAMS);
    assertThat(connectedCount.get()).isEqualTo(STREAMS);

    // half the clients leave on their own, the rest are closed with the hub
    for (int s = 0; s < STREAMS; s += 2) {
      sinks.get(s).connection().close(CloseReason.CLIENT_GONE);
    }
    assertThat(hub.streamCount()).isEqualTo(STREAMS / 2);
    hub.close();
    assertThat(hub.streamCount()).isZero();
    for (int t = 0; t < TOPICS; t++) {
      assertThat(hub.streamCount(prefix + t)).isZero();
    }
    assertThat(closedCount.get()).isEqualTo(STREAMS);
    assertThat(sinks).allMatch(s -> s.closedCalls() == 1);
  }
}
