package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ssekit.CloseReason;
import org.ssekit.Event;
import org.ssekit.EventStream;
import org.ssekit.HubListener;
import org.ssekit.testkit.SseReader;

/**
 * Many clients at once: abrupt disconnects and a stalled reader. Subclasses choose the container.
 * HTTP/1.1 only, over plain sockets where the JDK client cannot misbehave on purpose.
 */
abstract class LoadContract {

  private static final AtomicInteger SEQ = new AtomicInteger();

  protected abstract TestServer.Factory factory();

  @Test
  void thousandAbruptDisconnectsAreSeenWithinTwoHeartbeatsAndFreeEveryThread() throws Exception {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean) {
      long fds = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
      assertThat(fds).as("2,000 sockets need 'ulimit -n' of at least 4096").isGreaterThanOrEqualTo(4096);
    }
    // long enough that handling 1,000 failed writes fits in one period on a loaded 2-core machine
    Duration heartbeat = Duration.ofMillis(1000);
    String topic = "drop-" + SEQ.incrementAndGet();
    try (SseRouter r = SseRouter.builder().hub(h -> h.heartbeat(heartbeat)).build();
        TestServer s = factory().start(Map.of("/events", r.handler(topic)), 0)) {
      int baseline = s.poolThreads();

      List<RawClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 1_000; i++) {
          RawClient c = RawClient.open(null, s.port(), "/events", 0);
          clients.add(c);
          assertThat(c.status).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> r.hub().streamCount(topic) == 1_000);
        // no thread per connection: 1,000 open streams hold no request thread
        assertThat(s.poolThreads()).isLessThan(100);
      } finally {
        for (RawClient c : clients) {
          c.abort(); // RST: no FIN, no goodbye
        }
      }
      long dropped = System.nanoTime();

      await()
          .atMost(heartbeat.multipliedBy(2))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> r.hub().streamCount(topic) == 0 && r.openStreams() == 0);
      long seenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped);
      System.out.printf("%s: 1000 abrupt disconnects seen in %d ms (heartbeat %d ms)%n",
          getClass().getSimpleName(), seenMillis, heartbeat.toMillis());

      // the pool shrinks back (idle timeout 1 s in the test containers)
      await().atMost(Duration.ofSeconds(10)).until(() -> s.poolThreads() <= Math.max(baseline, 4));

      // and the write path survived 1,000 responses ending under it: a new stream still gets events
      try (RawClient c = RawClient.open(null, s.port(), "/events", 0)) {
        assertThat(c.status).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> r.hub().streamCount(topic) == 1);
        r.hub().publish(topic, Event.of("after-the-storm"));
        assertThat(c.awaitText("data: after-the-storm", Duration.ofSeconds(5))).isTrue();
      }
    }
  }

  @Test
  void stalledClientIsClosedByItsPolicyWhileHundredOthersGetEveryEvent() throws Exception {
    int capacity = 64;
    int readers = 100;
    int batches = 20;
    int batch = 32; // below the capacity: a reader that keeps up never fills its queue
    String topic = "slow-" + SEQ.incrementAndGet();
    Map<String, CloseReason> closed = new ConcurrentHashMap<>();
    AtomicInteger publishedAtClose = new AtomicInteger(-1);
    AtomicInteger published = new AtomicInteger();
    HubListener listener =
        new HubListener() {
          @Override
          public void closed(EventStream stream, CloseReason reason) {
            closed.put(stream.id(), reason);
            publishedAtClose.compareAndSet(-1, published.get());
          }
        };
    try (SseRouter r =
            SseRouter.builder()
                .hub(h -> h.queueCapacity(capacity).heartbeat(Duration.ofSeconds(1)).listener(listener))
                .build();
        // small socket buffers so a client that stops reading stalls the server's writes soon
        TestServer s = factory().start(Map.of("/events", r.handler(topic)), 8192);
        RawClient stalled = RawClient.open(null, s.port(), "/events?who=stalled", 4096)) {
      assertThat(stalled.status).isEqualTo(200);
      HttpClient client = SseReader.client(false);
      List<SseReader> recs = new ArrayList<>();
      for (int i = 0; i < readers; i++) {
        recs.add(SseReader.open(client, s.uri("/events")));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> r.hub().streamCount(topic) == readers + 1);
      EventStream slow =
          r.hub().streams().stream()
              .filter(st -> st.request().queryParam("who").isPresent())
              .findFirst()
              .orElseThrow();

      String payload = "x".repeat(2000);
      int maxQueued = 0;
      int n = 0;
      for (int b = 0; b < batches; b++) {
        for (int i = 0; i < batch; i++) {
          r.hub().publish(topic, Event.builder().id("e" + n).data(n + ":" + payload).build());
          n++;
          published.incrementAndGet();
        }
        int expected = n;
        await().atMost(Duration.ofSeconds(20)).until(() -> recs.stream().allMatch(x -> x.events().size() >= expected));
        maxQueued = Math.max(maxQueued, slow.queued());
      }

      List<String> all = IntStream.range(0, n).mapToObj(i -> i + ":" + payload).collect(Collectors.toList());
      for (SseReader rec : recs) {
        assertThat(rec.data()).containsExactlyElementsOf(all);
      }
      // the stalled stream held at most its capacity, then its policy (CLOSE) ended it
      assertThat(maxQueued).isLessThanOrEqualTo(capacity + 1);
      assertThat(closed).containsEntry(slow.id(), CloseReason.SLOW_CONSUMER);
      assertThat(closed).hasSize(1);
      assertThat(slow.queued()).isZero();
      // its response ends (after the container's idle timeout fails the stuck write); the rest stay
      long t0 = System.nanoTime();
      await().atMost(Duration.ofSeconds(20)).until(() -> r.openStreams() == readers);
      System.out.printf(
          "%s: stalled stream closed (SLOW_CONSUMER) after %d of %d events of 2 KB, max queued %d"
              + " (capacity %d); its response released %d ms after the publishing ended%n",
          getClass().getSimpleName(), publishedAtClose.get(), n, maxQueued, capacity,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      assertThat(r.hub().streamCount(topic)).isEqualTo(readers);
      recs.forEach(SseReader::close);
    }
  }
}
