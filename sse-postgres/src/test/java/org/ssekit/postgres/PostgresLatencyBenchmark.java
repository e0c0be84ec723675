package org.ssekit.postgres;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.ssekit.Broker;
import org.ssekit.EventLog;
import org.ssekit.InMemoryBroker;
import org.ssekit.Message;
import org.ssekit.testkit.CrossInstanceLatency;

/**
 * Cross-instance latency, publish on hub A to receive on hub B: PostgreSQL (two broker clients on
 * one database) against the in-memory path (one shared {@link InMemoryBroker}), in the same run.
 * Not a test; run it with
 *
 * <pre>
 * mvn -B -q -pl sse-postgres -am test-compile -Dpg-latency [-Dexec.args="EVENTS RATE"]
 * </pre>
 *
 * and it prints a Markdown table. The URL comes from {@code SSEKIT_POSTGRES_URL} or defaults to
 * {@code postgresql://postgres@127.0.0.1:5432/test}; the table it creates is dropped at the end.
 */
public final class PostgresLatencyBenchmark {

  private PostgresLatencyBenchmark() {}

  /** Runs the comparison; arguments: events (default 5000) and rate per second (default 1000). */
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    String prefix = Pg.uniquePrefix();
    try (InMemoryBroker shared = InMemoryBroker.create();
        PostgresBroker a = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).build();
        PostgresBroker b = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).build();
        PostgresBroker fastA = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).synchronousCommit(false).build();
        PostgresBroker fastB = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).synchronousCommit(false).build()) {
      // warm both paths once, then measure each
      CrossInstanceLatency.measure("warm-up", view(shared), view(shared), 1_000, rate);
      CrossInstanceLatency.measure("warm-up", a, b, 1_000, rate);
      CrossInstanceLatency.measure("warm-up", fastA, fastB, 1_000, rate);
      CrossInstanceLatency.Result mem =
          CrossInstanceLatency.measure("in-memory (one shared InMemoryBroker)", view(shared), view(shared), events, rate);
      CrossInstanceLatency.Result pg =
          CrossInstanceLatency.measure("PostgreSQL, default (synchronous commit)", a, b, events, rate);
      CrossInstanceLatency.Result pgFast =
          CrossInstanceLatency.measure("PostgreSQL, synchronousCommit(false)", fastA, fastB, events, rate);
      System.out.printf(Locale.ROOT, "%n%d events at %d/s after warm-up%n%n", events, rate);
      System.out.println("| path | events | p50 µs | p99 µs | max µs |");
      System.out.println("| --- | ---: | ---: | ---: | ---: |");
      System.out.println(mem.row());
      System.out.println(pg.row());
      System.out.println(pgFast.row());
    } finally {
      Pg.drop(prefix);
    }
  }

  /** Two hubs on one in-memory broker: a view whose close leaves the shared broker open. */
  private static Broker view(InMemoryBroker shared) {
    return new Broker() {
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
