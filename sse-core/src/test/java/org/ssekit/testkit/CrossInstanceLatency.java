package org.ssekit.testkit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ssekit.broker.Broker;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRequest;

/**
 * Measures the latency a broker adds between two instances: publish on hub A, receive on a stream
 * of hub B (both in this JVM, each on its own broker client), against the same path on one
 * in-memory hub. Used by each broker module's latency benchmark; not a unit test.
 */
public final class CrossInstanceLatency {

  private CrossInstanceLatency() {}

  /** Percentiles of one run, in microseconds. */
  public record Result(String name, int events, double p50, double p99, double max) {
    /** A Markdown table row. */
    public String row() {
      return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f |", name, events, p50, p99, max);
    }
  }

  /**
   * Publishes {@code events} events at {@code ratePerSecond} through {@code a} and times their
   * arrival on a stream of a hub on {@code b}. Warm-up events are sent first and not counted.
   */
  public static Result measure(String name, Broker a, Broker b, int events, int ratePerSecond)
      throws InterruptedException {
    String topic = "latency-" + UUID.randomUUID();
    int warmup = Math.min(500, events);
    long[] sentAt = new long[warmup + events];
    long[] latency = new long[events];
    AtomicInteger received = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch live = new CountDownLatch(1);
    try (Hub hubA = Hub.builder().broker(a).heartbeat(Duration.ZERO).build();
        Hub hubB = Hub.builder().broker(b).heartbeat(Duration.ZERO).build()) {
      EventSinkTimer sink =
          new EventSinkTimer(
              e -> {
                String d = e.data().orElse("");
                if (d.equals("probe")) {
                  live.countDown();
                  return;
                }
                int i = Integer.parseInt(d);
                if (i >= warmup) {
                  latency[i - warmup] = System.nanoTime() - sentAt[i];
                }
                if (received.incrementAndGet() == warmup + events) {
                  done.countDown();
                }
              });
      StreamConnection c =
          hubB.open(topic, StreamAdapter.passThrough(), StreamRequest.of("/" + topic), sink);
      sink.attach(c);
      while (!live.await(100, TimeUnit.MILLISECONDS)) {
        hubA.publish(topic, Event.of("probe"));
      }
      long interval = 1_000_000_000L / ratePerSecond;
      long next = System.nanoTime();
      for (int i = 0; i < sentAt.length; i++) {
        long wait;
        while ((wait = next - System.nanoTime()) > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait); // never spin: 2 shared cores
        }
        sentAt[i] = next; // the intended time: a publisher that falls behind does not hide latency
        hubA.publish(topic, Event.of(Integer.toString(i)));
        next += interval;
      }
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            name + ": received " + received.get() + " of " + sentAt.length + " events");
      }
    }
    Arrays.sort(latency);
    return new Result(
        name,
        events,
        latency[(int) Math.min(events - 1, Math.round(events * 0.50))] / 1000.0,
        latency[(int) Math.min(events - 1, Math.round(events * 0.99))] / 1000.0,
        latency[events - 1] / 1000.0);
  }

  /** A sink that hands each polled event to a callback on the waking thread. */
  private static final class EventSinkTimer implements org.ssekit.EventSink {
    private final java.util.function.Consumer<Event> onEvent;
    private volatile StreamConnection connection;

    EventSinkTimer(java.util.function.Consumer<Event> onEvent) {
      this.onEvent = onEvent;
    }

    synchronized void attach(StreamConnection c) {
      connection = c;
      wake();
    }

    @Override
    public synchronized void wake() {
      StreamConnection c = connection;
      if (c == null) {
        return;
      }
      Event e;
      while ((e = c.poll()) != null) {
        onEvent.accept(e);
      }
    }

    @Override
    public void closed() {}
  }
}
