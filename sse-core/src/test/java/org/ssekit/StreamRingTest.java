package org.ssekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.broker.InMemoryBroker;

/**
 * The stream queue's ring, driven from one thread: it keeps the order across growth, wrap-around,
 * the drop of a drained big ring and the shrink by an idle heartbeat, and drops the oldest at the
 * bound under DROP_OLDEST.
 */
class StreamRingTest {

  private Hub hub;

  /** A transport that only polls when the test says so. */
  private static final EventSink QUIET =
      new EventSink() {
        @Override
        public void wake() {}

        @Override
        public void closed() {}
      };

  private StreamConnection open(int capacity, SlowConsumerPolicy policy) {
    hub =
        Hub.builder()
            .broker(InMemoryBroker.builder().executor(Runnable::run).noHistory().build())
            .heartbeat(Duration.ZERO)
            .queueCapacity(capacity)
            .slowConsumerPolicy(policy)
            .build();
    StreamConnection c = hub.open("t", StreamAdapter.passThrough(), StreamRequest.of("/t"), QUIET);
    while (c.poll() != null) {
      // whatever open queued
    }
    return c;
  }

  @AfterEach
  void close() {
    hub.close();
    hub.broker().close();
  }

  private static List<String> drain(StreamConnection c, int max) {
    List<String> out = new ArrayList<>();
    Event e;
    while (out.size() < max && (e = c.poll()) != null) {
      out.add(e.data().orElse("?"));
    }
    return out;
  }

  private static List<String> range(int from, int to) {
    List<String> l = new ArrayList<>();
    for (int i = from; i < to; i++) {
      l.add(Integer.toString(i));
    }
    return l;
  }

  @Test
  void keepsTheOrderAcrossGrowthWrapAroundAndShrink() {
    StreamConnection c = open(10_000, SlowConsumerPolicy.CLOSE);
    int next = 0;
    int expected = 0;
    // every round queues more than it polls, so the ring wraps and grows past the kept size
    for (int round = 0; round < 40; round++) {
      for (int i = 0; i < 7; i++) {
        assertThat(c.stream().send(Event.of(Integer.toString(next++)))).isTrue();
      }
      List<String> got = drain(c, 3);
      assertThat(got).isEqualTo(range(expected, expected + 3));
      expected += 3;
      assertThat(c.stream().queued()).isEqualTo(next - expected);
    }
    List<String> rest = drain(c, Integer.MAX_VALUE);
    assertThat(rest).isEqualTo(range(expected, next));
    assertThat(c.stream().queued()).isZero();
    // the drained ring is gone; a heartbeat of the idle stream then starts a small one
    ((DefaultEventStream) c.stream()).heartbeat(DefaultHub.HEARTBEAT);
    assertThat(c.stream().queued()).isEqualTo(1);
    assertThat(c.stream().send(Event.of("after"))).isTrue();
    assertThat(c.poll()).isSameAs(DefaultHub.HEARTBEAT);
    assertThat(drain(c, 10)).containsExactly("after");
  }

  @Test
  void dropsTheOldestAtTheBound() {
    StreamConnection c = open(5, SlowConsumerPolicy.DROP_OLDEST);
    for (int i = 0; i < 12; i++) {
      assertThat(c.stream().send(Event.of(Integer.toString(i)))).isTrue();
    }
    assertThat(c.stream().queued()).isEqualTo(5);
    assertThat(drain(c, Integer.MAX_VALUE)).isEqualTo(range(7, 12));
    assertThat(c.stream().isOpen()).isTrue();
  }

  @Test
  void refusesTheNewestAtTheBound() {
    StreamConnection c = open(3, SlowConsumerPolicy.DROP_NEWEST);
    for (int i = 0; i < 6; i++) {
      assertThat(c.stream().send(Event.of(Integer.toString(i)))).isEqualTo(i < 3);
    }
    assertThat(drain(c, Integer.MAX_VALUE)).isEqualTo(range(0, 3));
  }
}
