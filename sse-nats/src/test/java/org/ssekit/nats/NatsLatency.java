package org.ssekit.nats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.ssekit.broker.Broker;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.testkit.BrokerAvailability;
import org.ssekit.testkit.CrossInstanceLatency;

/**
 * Measures the latency NATS adds from publish on instance A to receive on instance B, next to the
 * in-memory path, in one run. Not a test; run with
 * {@code mvn -B -q -pl sse-nats -am -Pnats-latency process-test-classes}
 * (optional {@code -Dlatency.events=5000 -Dlatency.rate=1000}). Prints a Markdown table.
 */
public final class NatsLatency {

  private NatsLatency() {}

  /** Runs the measurement; needs NATS with JetStream on 127.0.0.1:4222. */
  public static void main(String[] args) throws Exception {
    int events = Integer.getInteger("latency.events", 5_000);
    int rate = Integer.getInteger("latency.rate", 1_000);
    if (!BrokerAvailability.reachable(TestNats.HOST, TestNats.PORT)) {
      throw new IllegalStateException("NATS is not reachable at " + TestNats.URL);
    }
    String loadBefore = loadAverage();
    TestNats.Names names = TestNats.Names.unique("latency");
    List<CrossInstanceLatency.Result> results = new ArrayList<>();
    List<CrossInstanceLatency.Result> parked = new ArrayList<>();
    try (InMemoryBroker memory = InMemoryBroker.create();
        NatsBroker a = names.builder().history(10_000, Duration.ofMinutes(5)).build();
        NatsBroker b = names.builder().history(10_000, Duration.ofMinutes(5)).build()) {
      for (int round = 0; round < 2; round++) {
        results.add(CrossInstanceLatency.measure("in-memory (one broker, two hubs)", memory, memory, events, rate));
        results.add(CrossInstanceLatency.measure("NATS JetStream (two connections)", a, b, events, rate));
      }
      for (int round = 0; round < 2; round++) {
        parked.add(brokerLevel("in-memory broker", memory, memory, events, rate));
        parked.add(brokerLevel("NATS JetStream (two connections)", a, b, events, rate));
      }
    } finally {
      names.delete();
    }
    System.out.println();
    System.out.printf("%d events at %d/s after 500 warm-up events; round 1 then round 2%n%n", events, rate);
    System.out.println("| path | events | p50 µs | p99 µs | max µs |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (CrossInstanceLatency.Result r : results) {
      System.out.println(r.row());
    }
    System.out.printf(
        "%nBroker level (publish on A to the subscription handler on B, no hubs), publisher parked"
            + " between sends instead of spinning; %d events at %d/s, after 500 warm-up events%n%n",
        events,
        rate);
    System.out.println("| path | events | p50 µs | p99 µs | max µs |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (CrossInstanceLatency.Result r : parked) {
      System.out.println(r.row());
    }
    System.out.printf(
        "%nJVM %s %s, %d CPUs, %s %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.version"));
    System.out.printf("load average (1, 5, 15 min) before: %s, after: %s%n", loadBefore, loadAverage());
  }

  /**
   * Publish on {@code a} to a subscription handler on {@code b}, paced by parking (not spinning)
   * so the publisher does not take a core of its own; latency from the intended send time.
   */
  private static CrossInstanceLatency.Result brokerLevel(
      String name, Broker a, Broker b, int events, int rate) throws InterruptedException {
    int warmup = 500;
    String topic = "latency-parked-" + UUID.randomUUID();
    long[] sentAt = new long[warmup + events];
    long[] latency = new long[events];
    CountDownLatch done = new CountDownLatch(sentAt.length);
    try (Subscriber.Subscription s =
        b.subscribe(
            topic,
            (t, m) -> {
              int i = Integer.parseInt(m.payloadAsString());
              if (i >= warmup) {
                latency[i - warmup] = System.nanoTime() - sentAt[i];
              }
              done.countDown();
            })) {
      long interval = 1_000_000_000L / rate;
      long next = System.nanoTime();
      for (int i = 0; i < sentAt.length; i++) {
        long wait;
        while ((wait = next - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        sentAt[i] = next;
        a.publish(topic, Message.of(Integer.toString(i)));
        next += interval;
      }
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + ": " + done.getCount() + " events missing");
      }
    }
    Arrays.sort(latency);
    return new CrossInstanceLatency.Result(
        name,
        events,
        latency[Math.min(events - 1, Math.round(events * 0.50f))] / 1000.0,
        latency[Math.min(events - 1, Math.round(events * 0.99f))] / 1000.0,
        latency[events - 1] / 1000.0);
  }

  private static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
