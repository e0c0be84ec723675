package org.ssekit;

import org.ssekit.broker.InMemoryBroker;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

  /** A scheduler that records periodic tasks instead of running them, so a test ticks by hand. */
  static final class ManualScheduler extends ScheduledThreadPoolExecutor {
    final List<Runnable> periodic = new ArrayList<>();
    final List<Long> periodsNanos = new ArrayList<>();

    ManualScheduler() {
      super(1);
    }

    @Override
    public synchronized ScheduledFuture<?> scheduleAtFixedRate(
        Runnable command, long initialDelay, long period, TimeUnit unit) {
      periodic.add(command);
      periodsNanos.add(unit.toNanos(period));
      return super.schedule(() -> {}, 1, TimeUnit.DAYS);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable command, long initialDelay, long delay, TimeUnit unit) {
      throw new AssertionError("the hub must use one fixed-rate task");
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      if (delay < TimeUnit.DAYS.toNanos(1) && unit == TimeUnit.NANOSECONDS) {
        throw new AssertionError("unexpected one-shot task");
      }
      return super.schedule(command, delay, unit);
    }

    synchronized void tick() {
      periodic.forEach(Runnable::run);
    }
  }

  private final ManualScheduler scheduler = new ManualScheduler();
  private final InMemoryBroker broker = InMemoryBroker.builder().executor(Runnable::run).build();
  private final Hub hub =
      Hub.builder().broker(broker).scheduler(scheduler).heartbeat(Duration.ofSeconds(7)).build();

  @AfterEach
  void close() {
    hub.close();
    broker.close();
    scheduler.shutdownNow();
  }

  private static boolean isHeartbeat(Event e) {
    return e.comment().isPresent() && e.data().isEmpty() && e.id().isEmpty();
  }

  @Test
  void oneSharedTaskSendsHeartbeatsToIdleStreamsOnly() {
    List<RecordingSink> sinks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      RecordingSink s = RecordingSink.create();
      s.open(hub, "t" + (i % 5), StreamAdapter.passThrough(), StreamRequest.of("/s"));
      sinks.add(s);
    }
    assertThat(scheduler.periodic).hasSize(1);
    assertThat(scheduler.periodsNanos).containsExactly(Duration.ofSeconds(7).toNanos());
    assertThat(scheduler.getQueue()).hasSize(1); // the placeholder only: no timer per stream

    hub.publish("t0", Event.of("busy"));
    scheduler.tick();
    for (int i = 0; i < sinks.size(); i++) {
      List<Event> got = sinks.get(i).events();
      if (i % 5 == 0) {
        assertThat(got).as("stream %d had traffic", i).extracting(e -> e.data().orElse("")).containsExactly("busy");
      } else {
        assertThat(got).as("idle stream %d", i).hasSize(1).allMatch(HeartbeatTest::isHeartbeat);
      }
    }
    scheduler.tick();
    for (RecordingSink s : sinks) {
      assertThat(s.events().get(s.events().size() - 1)).matches(HeartbeatTest::isHeartbeat);
    }
    assertThat(sinks.get(1).events()).hasSize(2);
  }

  @Test
  void heartbeatIsAnEmptyCommentOnTheWire() {
    RecordingSink s = RecordingSink.create();
    s.open(hub, "t", StreamAdapter.passThrough(), StreamRequest.of("/s"));
    scheduler.tick();
    Event hb = s.events().get(0);
    byte[] bytes = new byte[hb.encodedLength()];
    hb.copyTo(bytes, 0);
    assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(":\n\n");
  }

  @Test
  void heartbeatSkipsAFullQueueInsteadOfClosingTheStream() {
    Hub small =
        Hub.builder().broker(broker).scheduler(scheduler).heartbeat(Duration.ofSeconds(7)).queueCapacity(1).build();
    try {
      RecordingSink s = RecordingSink.create();
      s.pause();
      s.open(small, "t", StreamAdapter.passThrough(), StreamRequest.of("/s"));
      scheduler.tick();
      scheduler.tick();
      assertThat(s.connection().stream().isOpen()).isTrue();
      assertThat(s.connection().stream().queued()).isEqualTo(1);
    } finally {
      small.close();
    }
  }

  @Test
  void aHeartbeatDroppedToMakeRoomIsNotReportedAsADroppedEvent() {
    RecordingListener listener = new RecordingListener();
    Hub small =
        Hub.builder()
            .broker(broker)
            .scheduler(scheduler)
            .heartbeat(Duration.ofSeconds(7))
            .queueCapacity(1)
            .slowConsumerPolicy(SlowConsumerPolicy.DROP_OLDEST)
            .listener(listener)
            .build();
    try {
      RecordingSink s = RecordingSink.create();
      s.pause();
      s.open(small, "t", StreamAdapter.passThrough(), StreamRequest.of("/s"));
      scheduler.tick(); // queues a heartbeat
      s.connection().stream().send(Event.of("x")); // pushes it out
      s.resume();
      assertThat(s.data()).containsExactly("x");
      assertThat(listener.calls("dropped")).isEmpty();
    } finally {
      small.close();
    }
  }

  @Test
  void closingTheHubCancelsTheTaskButLeavesAnInjectedSchedulerRunning() {
    hub.close();
    assertThat(scheduler.isShutdown()).isFalse();
  }
}
