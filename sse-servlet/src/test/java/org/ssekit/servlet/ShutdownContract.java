package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;
import org.ssekit.testkit.SseReader;

/**
 * Stopping the container the way the guide says for it: clients receive every queued event and a
 * clean end of stream, and the stop does not hang on open streams.
 */
abstract class ShutdownContract {

  /** Starts a container serving {@code router.handler(topic)} at {@code /events}, stopped as documented. */
  protected abstract TestServer start(SseRouter router, String topic) throws Exception;

  @Test
  void stoppingTheContainerAsDocumentedEndsStreamsCleanlyAfterALastFlush() throws Exception {
    String topic = "stop-" + System.nanoTime();
    SseRouter r = SseRouter.builder().build();
    TestServer s = start(r, topic);
    SseReader a = SseReader.open(SseReader.client(false), s.uri("/events"));
    SseReader b = SseReader.open(SseReader.client(false), s.uri("/events"));
    await().atMost(Duration.ofSeconds(5)).until(() -> r.hub().streamCount(topic) == 2);
    for (int i = 0; i < 200; i++) {
      r.hub().broadcast(Event.of("e" + i));
    }
    long t0 = System.nanoTime();
    s.close();
    long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    a.done().get(5, TimeUnit.SECONDS); // completes normally: a clean end of the chunked stream
    b.done().get(5, TimeUnit.SECONDS);
    List<String> all = IntStream.range(0, 200).mapToObj(i -> "e" + i).collect(Collectors.toList());
    assertThat(a.data()).containsExactlyElementsOf(all);
    assertThat(b.data()).containsExactlyElementsOf(all);
    assertThat(stopMillis).isLessThan(4_000);
    assertThat(r.openStreams()).isZero();
    r.close();
  }
}
