package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 8: 1,000 abrupt disconnects (500 resets, 500 FINs) on the demo must leave its
 * Jetty pool where it was. Prints where the pool's threads are during and after the storm.
 */
class DisconnectStormIT {

  static int poolThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith(DemoServer.POOL_NAME))
        .count();
  }

  /** Pool threads grouped by the first few frames of their stacks. */
  static Map<String, Integer> where() {
    return where(false, 6);
  }

  /** Pool threads grouped by stack; {@code busyOnly} leaves out idle ones (waiting for a job). */
  static Map<String, Integer> where(boolean busyOnly, int frames) {
    Map<String, Integer> out = new TreeMap<>();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (!t.getName().startsWith(DemoServer.POOL_NAME)) {
        return;
      }
      if (busyOnly && java.util.Arrays.stream(stack).anyMatch(f -> f.getMethodName().equals("idleJobPoll")
          || f.getMethodName().equals("waitForTask") || f.getMethodName().equals("nioSelect")
          || f.getMethodName().equals("accept"))) {
        return;
      }
      StringBuilder sb = new StringBuilder(t.getState().toString());
      for (int i = 0; i < Math.min(frames, stack.length); i++) {
        sb.append(" < ").append(stack[i].getClassName().replaceAll(".*\\.", "")).append('.').append(stack[i].getMethodName());
      }
      out.merge(sb.toString(), 1, Integer::sum);
    });
    return out;
  }

  static Socket openStream(String localAddress, int port, String path) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(localAddress, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(5_000);
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    byte[] head = new byte[12];
    int n = in.readNBytes(head, 0, 12);
    assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
    return s;
  }

  @Test
  void thousandAbruptDisconnectsLeaveThePoolAtItsBaseline() throws Exception {
    try (DemoServer server = DemoServer.start(new Options("127.0.0.1", 0, "memory"), null, Duration.ofSeconds(1), Duration.ofSeconds(1))) {
      // wait for the pool to settle at its idle size
      int baseline = poolThreads();
      System.out.printf("storm: baseline %d pool threads %s%n", baseline, where());
      List<Socket> clients = new ArrayList<>();
      // the demo allows a few streams per address: spread the clients over 127.0.0.0/8
      for (int i = 0; i < 1_000; i++) {
        String from = "127.0.0." + (2 + i / DemoServer.STREAMS_PER_ADDRESS);
        clients.add(openStream(from, server.port(), i % 2 == 0 ? "/audit/stream" : "/api/topics/storm/events"));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> server.hub().streamCount() >= 1_000);
      int open = poolThreads();
      long t0 = System.nanoTime();
      for (int i = 0; i < clients.size(); i++) {
        Socket c = clients.get(i);
        if (i % 2 == 0) {
          c.setSoLinger(true, 0); // RST
        }
        c.close();
      }
      // disconnects are seen when a write fails: at the latest at the second heartbeat (1 s here)
      int[] peak = {0};
      int[] busyPeak = {0};
      java.util.concurrent.atomic.AtomicReference<Map<String, Integer>> atPeak = new java.util.concurrent.atomic.AtomicReference<>(Map.of());
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
        int n = poolThreads();
        Map<String, Integer> busy = where(true, 14);
        int b = busy.values().stream().mapToInt(Integer::intValue).sum();
        if (n > peak[0]) {
          peak[0] = n;
        }
        if (b > busyPeak[0]) {
          busyPeak[0] = b;
          atPeak.set(busy);
        }
        return server.hub().streamCount() == 0;
      });
      System.out.printf("storm: %d pool threads with 1000 streams open, peak %d during the storm, at most %d busy at once:%n", open, peak[0], busyPeak[0]);
      atPeak.get().forEach((k, v) -> System.out.println("storm:   " + v + " x " + k));
      long freedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // idle pool threads leave within a few seconds (Jetty's default pool kept ~190 of them for
      // hours: it evicts one idle thread per minute)
      await().atMost(DemoServer.POOL_IDLE.multipliedBy(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> poolThreads() <= baseline + 2);
      System.out.printf("storm: streams freed in %d ms; pool back to %d threads (baseline %d) after %d ms; %s%n",
          freedMillis, poolThreads(), baseline, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), where());
    }
  }
}
