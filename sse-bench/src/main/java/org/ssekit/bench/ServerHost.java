package org.ssekit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs one {@link BenchServer} plus a small control endpoint on its own JDK HTTP server (the same
 * for every server under test): {@code /stats}, {@code /gc}, {@code /publish?topics=&rate=&size=
 * &poisson=&seconds=}, {@code /stop}, {@code /quit}.
 */
final class ServerHost implements AutoCloseable {
  static final Map<String, Supplier<BenchServer>> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put("ssekit-jetty", SsekitServers::jetty);
    KINDS.put("ssekit-tomcat", SsekitServers::tomcat);
    KINDS.put("ssekit-jetty-smallbuffer", SsekitServers::jettySmallBuffer);
    KINDS.put("spring", SpringServer::new);
    KINDS.put("jersey", JerseyServer::new);
    KINDS.put("jetty-eventsource", EventSourceServletServer::new);
    KINDS.put("ceiling", CeilingServer::new);
    KINDS.put("hub-on-jetty-core", HubOnJettyCoreServer::new);
    KINDS.put("mercure-ssekit", MercureServer::new);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchServer server;
  private final HttpServer control;
  private final ScheduledExecutorService sampler;
  private final AtomicInteger maxBlocked = new AtomicInteger();
  private volatile Publisher publisher;
  final int port;
  final int controlPort;
  private final Runnable onQuit;

  ServerHost(String kind, int port, Duration heartbeat, Runnable onQuit) throws Exception {
    Supplier<BenchServer> s = KINDS.get(kind);
    if (s == null) {
      throw new IllegalArgumentException("unknown server " + kind + "; known: " + KINDS.keySet());
    }
    GcWatch.install();
    this.onQuit = onQuit;
    this.server = s.get();
    this.port = server.start(port, heartbeat);
    this.control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    this.control.setExecutor(
        Executors.newSingleThreadExecutor(r -> CeilingServer.daemon(r, "bench-control")));
    this.control.createContext("/", this::handle);
    this.control.start();
    this.controlPort = control.getAddress().getPort();
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(r -> CeilingServer.daemon(r, "bench-sampler"));
  }

  private void handle(HttpExchange ex) throws IOException {
    Object body;
    int status = 200;
    try {
      body = dispatch(ex.getRequestURI());
    } catch (Exception e) {
      status = 500;
      body = Map.of("error", String.valueOf(e));
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
    if (ex.getRequestURI().getPath().equals("/quit")) {
      onQuit.run();
    }
  }

  private Object dispatch(URI uri) throws Exception {
    Map<String, String> q = query(uri);
    switch (uri.getPath()) {
      case "/stats":
        return stats();
      case "/gc":
        System.gc();
        System.gc();
        return stats();
      case "/publish":
        {
          Publisher old = publisher;
          if (old != null) {
            old.stop();
          }
          maxBlocked.set(0);
          Publisher p =
              new Publisher(
                  server,
                  Integer.parseInt(q.getOrDefault("topics", "1")),
                  Double.parseDouble(q.getOrDefault("rate", "10")),
                  Integer.parseInt(q.getOrDefault("size", "128")),
                  Boolean.parseBoolean(q.getOrDefault("poisson", "false")),
                  Double.parseDouble(q.getOrDefault("seconds", "10")));
          publisher = p;
          p.start();
          if (Boolean.parseBoolean(q.getOrDefault("sampleWriters", "false"))) {
            sampler.scheduleAtFixedRate(
                () -> maxBlocked.accumulateAndGet(ProcessStats.threadsBlockedInWrite(), Math::max),
                1, 1, TimeUnit.SECONDS);
          }
          return stats();
        }
      case "/stop":
        {
          Publisher p = publisher;
          if (p != null) {
            p.stop();
          }
          return stats();
        }
      case "/quit":
        return Map.of("bye", true);
      default:
        throw new IllegalArgumentException("unknown control path " + uri.getPath());
    }
  }

  Map<String, Object> stats() {
    Map<String, Object> m = ProcessStats.snapshot();
    m.put("subscribers", server.subscribers());
    Publisher p = publisher;
    if (p != null) {
      m.put("published", p.published());
      m.put("publishErrors", p.errors());
      m.put("publisherMaxLagMillis", p.maxLagNanos() / 1e6);
      long[] per = new long[p.perTopic.length()];
      for (int i = 0; i < per.length; i++) {
        per[i] = p.perTopic.get(i);
      }
      m.put("perTopic", per);
    }
    m.put("maxThreadsBlockedInWrite", maxBlocked.get());
    return m;
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> m = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return m;
    }
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0) {
        m.put(kv.substring(0, i), java.net.URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      }
    }
    return m;
  }

  @Override
  public void close() throws Exception {
    Publisher p = publisher;
    if (p != null) {
      p.stop();
    }
    sampler.shutdownNow();
    control.stop(0);
    server.close();
  }
}
