package org.ssekit;

import org.ssekit.broker.Message;
import org.ssekit.broker.InMemoryBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Fan-out cost of the hub: one publish of a 200-byte event to 10,000 in-memory streams whose sinks
 * drain and discard. The broker delivers on the publishing thread, so one benchmark operation is
 * one publish and all its deliveries; scores are per delivery ({@code @OperationsPerInvocation}),
 * so the throughput is deliveries per second and {@code gc.alloc.rate.norm} of {@code -prof gc} is
 * bytes allocated per delivery.
 *
 * <p>Run (see docs/benchmarks-core.md):
 *
 * <pre>
 * mvn -B -q -pl sse-core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath org.openjdk.jmh.Main HubFanOutBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HubFanOutBenchmark {

  static final int STREAMS = 10_000;

  /** How the event is published: as an {@link Event}, or as a prepared {@link Message}. */
  @Param({"event", "message"})
  public String shape;

  private Hub hub;
  private InMemoryBroker broker;
  private Event event;
  private Message message;
  private final List<DiscardingSink> sinks = new ArrayList<>();

  /** A transport that drains its stream on wake-up and discards the bytes. */
  static final class DiscardingSink implements EventSink {
    StreamConnection connection;
    long bytes;

    @Override
    public void wake() {
      StreamConnection c = connection;
      if (c == null) {
        return;
      }
      Event e;
      while ((e = c.poll()) != null) {
        bytes += e.encodedLength();
      }
    }

    @Override
    public void closed() {}
  }

  @Setup(Level.Trial)
  public void setUp() {
    broker = InMemoryBroker.builder().executor(Runnable::run).noHistory().build();
    hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build();
    for (int i = 0; i < STREAMS; i++) {
      DiscardingSink sink = new DiscardingSink();
      sink.connection = hub.open("bench", StreamAdapter.passThrough(), StreamRequest.of("/bench"), sink);
      sink.wake();
      sinks.add(sink);
    }
    event = Event.of("x".repeat(200));
    message = Message.fromEvent(event);
    message.toEvent(); // encode once, as the broker's first delivery would
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long total = 0;
    for (DiscardingSink s : sinks) {
      total += s.bytes;
    }
    hub.close();
    broker.close();
    if (total == 0 || hub.streamCount() != 0) {
      throw new IllegalStateException("nothing was delivered, or streams leaked");
    }
  }

  /** One publish, {@value #STREAMS} deliveries. */
  @Benchmark
  @OperationsPerInvocation(STREAMS)
  public void publish(Blackhole bh) {
    if (shape.equals("event")) {
      bh.consume(hub.publish("bench", event));
    } else {
      bh.consume(hub.publish("bench", message));
    }
  }
}
