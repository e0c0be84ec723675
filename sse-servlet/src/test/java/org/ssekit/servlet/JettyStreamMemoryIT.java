package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;

/**
 * Jetty's servlet output stream keeps a 32 KiB direct buffer per response once the response has
 * written through it; an event stream never ends, so without {@link UnbufferedOutput} every open
 * stream would hold one.
 */
class JettyStreamMemoryIT {

  private static final int STREAMS = 200;

  @Test
  void streamsThatHaveWrittenHoldNoDirectOutputBuffer() throws Exception {
    BufferPoolMXBean direct =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct"))
            .findFirst()
            .orElseThrow();
    try (SseRouter r = SseRouter.builder().hub(h -> h.heartbeat(Duration.ZERO)).build();
        JettyServer s = JettyServer.start(Map.of("/warm", r.handler("warm"), "/mem", r.handler("mem")), false, 0, server -> {})) {
      // warm up: the connector's pool, the JDK's per-thread I/O buffers and the pool threads
      List<RawClient> warm = openWriteAndRead(r, s, "warm", 20, "hello");

      long before = direct.getMemoryUsed();
      List<RawClient> clients = openWriteAndRead(r, s, "mem", STREAMS, "x".repeat(100));
      try {
        long perStream = (direct.getMemoryUsed() - before) / STREAMS;
        // 32 KiB each with Jetty's aggregate buffer; a few bytes without it
        assertThat(perStream).as("direct bytes per open stream").isLessThan(1024);
      } finally {
        abortAll(clients);
        abortAll(warm);
      }
    }
  }

  /** Opens {@code n} streams, publishes one event and reads it on every stream. */
  private static List<RawClient> openWriteAndRead(
      SseRouter r, JettyServer s, String topic, int n, String data) throws IOException {
    List<RawClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RawClient c = RawClient.open(null, s.port(), "/" + topic, 0);
      assertThat(c.status).isEqualTo(200);
      clients.add(c);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> r.hub().streamCount(topic) == n);
    r.hub().publish(topic, Event.of(data));
    for (RawClient c : clients) {
      readUntil(c.socket.getInputStream(), "data: " + data);
    }
    return clients;
  }

  private static void abortAll(List<RawClient> clients) throws IOException {
    for (RawClient c : clients) {
      c.abort();
    }
  }

  private static void readUntil(InputStream in, String text) throws IOException {
    StringBuilder seen = new StringBuilder();
    byte[] buf = new byte[512];
    while (seen.indexOf(text) < 0) {
      int k = in.read(buf);
      assertThat(k).as("stream ended before %s arrived", text).isPositive();
      seen.append(new String(buf, 0, k, StandardCharsets.UTF_8));
    }
  }
}
