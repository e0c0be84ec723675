package org.ssekit.bench;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** What one generator measured in one window; mergeable across generator processes. */
final class GenReport {
  Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  Histogram connect = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  long delivered;
  long slowDelivered;
  long bytes;
  long connected;
  long slowConnected;
  long failed;
  long closedByServer;
  /** Never-reading connections whose socket ended in the window, the first and last at (ms). */
  long slowClosed;
  long firstSlowCloseMs = -1;
  long lastSlowCloseMs = -1;
  long churnConnects;
  long churnCloses;
  long churnFailed;
  long cpuNanos;
  String lastError;

  void merge(GenReport o) {
    latency.add(o.latency);
    connect.add(o.connect);
    delivered += o.delivered;
    slowDelivered += o.slowDelivered;
    bytes += o.bytes;
    connected += o.connected;
    slowConnected += o.slowConnected;
    failed += o.failed;
    closedByServer += o.closedByServer;
    slowClosed += o.slowClosed;
    firstSlowCloseMs = earliest(firstSlowCloseMs, o.firstSlowCloseMs);
    lastSlowCloseMs = Math.max(lastSlowCloseMs, o.lastSlowCloseMs);
    churnConnects += o.churnConnects;
    churnCloses += o.churnCloses;
    churnFailed += o.churnFailed;
    cpuNanos += o.cpuNanos;
    if (o.lastError != null) {
      lastError = o.lastError;
    }
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("latency", encode(latency));
    m.put("connect", encode(connect));
    m.put("delivered", delivered);
    m.put("slowDelivered", slowDelivered);
    m.put("bytes", bytes);
    m.put("connected", connected);
    m.put("slowConnected", slowConnected);
    m.put("failed", failed);
    m.put("closedByServer", closedByServer);
    m.put("slowClosed", slowClosed);
    m.put("firstSlowCloseMs", firstSlowCloseMs);
    m.put("lastSlowCloseMs", lastSlowCloseMs);
    m.put("churnConnects", churnConnects);
    m.put("churnCloses", churnCloses);
    m.put("churnFailed", churnFailed);
    m.put("cpuNanos", cpuNanos);
    m.put("lastError", lastError);
    return m;
  }

  /** "n (first / last s)", or "0" when no never-reading connection was closed. */
  String slowClosedAt() {
    if (slowClosed == 0) {
      return "0";
    }
    return String.format(java.util.Locale.ROOT, "%d (%.1f / %.1f s)", slowClosed,
        firstSlowCloseMs / 1000.0, lastSlowCloseMs / 1000.0);
  }

  /** The earlier of two times where -1 means none. */
  static long earliest(long a, long b) {
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  static GenReport fromMap(Map<String, Object> m) {
    GenReport r = new GenReport();
    r.latency = decode((String) m.get("latency"));
    r.connect = decode((String) m.get("connect"));
    r.delivered = num(m, "delivered");
    r.slowDelivered = num(m, "slowDelivered");
    r.bytes = num(m, "bytes");
    r.connected = num(m, "connected");
    r.slowConnected = num(m, "slowConnected");
    r.failed = num(m, "failed");
    r.closedByServer = num(m, "closedByServer");
    r.slowClosed = num(m, "slowClosed");
    r.firstSlowCloseMs = m.containsKey("firstSlowCloseMs") ? num(m, "firstSlowCloseMs") : -1;
    r.lastSlowCloseMs = m.containsKey("lastSlowCloseMs") ? num(m, "lastSlowCloseMs") : -1;
    r.churnConnects = num(m, "churnConnects");
    r.churnCloses = num(m, "churnCloses");
    r.churnFailed = num(m, "churnFailed");
    r.cpuNanos = num(m, "cpuNanos");
    r.lastError = (String) m.get("lastError");
    return r;
  }

  static long num(Map<String, Object> m, String k) {
    Object v = m.get(k);
    return v == null ? 0 : ((Number) v).longValue();
  }

  static String encode(Histogram h) {
    ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(b);
    byte[] bytes = new byte[n];
    b.flip();
    b.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  static Histogram decode(String s) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(s)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("bad histogram", e);
    }
  }
}
