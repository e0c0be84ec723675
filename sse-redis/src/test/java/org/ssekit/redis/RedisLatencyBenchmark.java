package org.ssekit.redis;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.testkit.CrossInstanceLatency;

/**
 * Added latency of the Redis broker between two instances, against the in-memory path, in one
 * run: publish on hub A, receive on a stream of hub B. Not a test; run it with
 *
 * <pre>
 * mvn -B -q -pl sse-redis -am test-compile exec:java -Dexec.skip=true [-Dexec.args="EVENTS RATE ROUNDS"]
 * </pre>
 *
 * (the module's pom points exec:java here; {@code exec.skip} skips the other modules). Defaults:
 * 5000 events at 1000 per second, 3 rounds each, alternating, after one unreported warm-up
 * round of each. Needs Redis on 127.0.0.1:6379
 * (or {@code -Dssekit.redis.url=...}).
 */
public final class RedisLatencyBenchmark {

  private RedisLatencyBenchmark() {}

  /** Runs the comparison and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String url = System.getProperty("ssekit.redis.url", RedisTests.URL);
    String prefix = "ssekit-bench-" + UUID.randomUUID() + ":";
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<CrossInstanceLatency.Result> results = new ArrayList<>();
    for (int round = -1; round < rounds; round++) { // round -1 warms both paths up, unreported
      List<CrossInstanceLatency.Result> out = round < 0 ? new ArrayList<>() : results;
      int n = round < 0 ? Math.min(events, 2000) : events;
      try (InMemoryBroker shared = InMemoryBroker.create()) {
        out.add(CrossInstanceLatency.measure("in-memory (one broker, two hubs)", shared, shared, n, rate));
      }
      try (RedisBroker a = RedisBroker.builder(url).keyPrefix(prefix).build();
          RedisBroker b = RedisBroker.builder(url).keyPrefix(prefix).build()) {
        out.add(CrossInstanceLatency.measure("redis (two brokers, two hubs)", a, b, n, rate));
      }
    }
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    System.out.printf(
        Locale.ROOT,
        "%nsystem load average (1 min) %.1f before, %.1f after%n",
        loadBefore,
        loadAfter);
    System.out.printf(
        Locale.ROOT,
        "%n%d events per run at %d/s, %d warm-up events first, after a warm-up round; %s; Java %s;"
            + " %d CPUs%n%n",
        events,
        rate,
        Math.min(500, events),
        url,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    System.out.println("| path | events | p50 µs | p99 µs | max µs |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (CrossInstanceLatency.Result r : results) {
      System.out.println(r.row());
    }
  }
}
