package org.ssekit.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.ssekit.broker.Broker;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.broker.Message;
import org.ssekit.testkit.CrossInstanceLatency;

/**
 * Cross-instance latency, publish on hub A to receive on hub B: PostgreSQL (two broker clients on
 * one database) against the in-memory path (one shared {@link InMemoryBroker}), in the same run.
 * Not a test; run it with
 *
 * <pre>
 * mvn -B -q -pl sse-postgres -am test-compile -Dpg-latency [-Dexec.args="EVENTS RATE ROUNDS"]
 * </pre>
 *
 * and it prints a Markdown table. The URL comes from {@code SSEKIT_POSTGRES_URL} or defaults to
 * {@code postgresql://postgres@127.0.0.1:5432/test}; the table it creates is dropped at the end.
 */
public final class PostgresLatencyBenchmark {

  private PostgresLatencyBenchmark() {}

  /**
   * Runs the comparison; arguments: events per measurement (default 2000), rate per second
   * (default 500) and rounds (default 3). Each round measures the three paths one after the other,
   * so a shared machine's load swings hit all of them; every measurement is printed.
   */
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String prefix = Pg.uniquePrefix();
    try (InMemoryBroker shared = InMemoryBroker.create();
        PostgresBroker a = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).build();
        PostgresBroker b = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).build();
        PostgresBroker fastA = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).synchronousCommit(false).build();
        PostgresBroker fastB = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).synchronousCommit(false).build()) {
      CrossInstanceLatency.measure("warm-up", view(shared), view(shared), 1_000, rate);
      CrossInstanceLatency.measure("warm-up", a, b, 1_000, rate);
      CrossInstanceLatency.measure("warm-up", fastA, fastB, 1_000, rate);
      List<String> rows = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        rows.add(CrossInstanceLatency.measure(
            "round " + r + ": in-memory (one shared InMemoryBroker)", view(shared), view(shared), events, rate).row()
            + " " + loadAverage() + " |");
        rows.add(CrossInstanceLatency.measure(
            "round " + r + ": PostgreSQL, default (synchronous commit)", a, b, events, rate).row()
            + " " + loadAverage() + " |");
        rows.add(CrossInstanceLatency.measure(
            "round " + r + ": PostgreSQL, synchronousCommit(false)", fastA, fastB, events, rate).row()
            + " " + loadAverage() + " |");
      }
      System.out.printf(Locale.ROOT, "%n%d events per measurement at %d/s, after warm-up%n%n", events, rate);
      System.out.println("| path | events | p50 µs | p99 µs | max µs | load avg (1 min) after |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
      rows.forEach(System.out::println);
    } finally {
      Pg.drop(prefix);
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** Two hubs on one in-memory broker: a view whose close leaves the shared broker open. */
  private static Broker view(InMemoryBroker shared) {
    return new Broker() {
      @Override
      public org.ssekit.broker.BrokerHealth health() {
        return shared.health();
      }

      @Override
      public Optional<EventLog> history() {
        return shared.history();
      }

      @Override
      public CompletionStage<Message> publish(String topic, Message message) {
        return shared.publish(topic, message);
      }

      @Override
      public Subscription subscribe(String topic, MessageHandler handler) {
        return shared.subscribe(topic, handler);
      }

      @Override
      public void close() {}
    };
  }
}
