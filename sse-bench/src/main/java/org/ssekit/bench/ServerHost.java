package org.ssekit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
  /**
   * The Spring Boot 4 servers, by kind, and the class of each. They live in module
   * {@code sse-bench-spring} (Spring Boot 4 needs Spring 7; this class path holds Spring 6 for
   * {@code spring}): the runner starts their server JVM from {@link #springBootJar()}.
   */
  static final Map<String, String> SPRING_BOOT_KINDS = new LinkedHashMap<>();

  /**
   * Every server, by kind. Lambdas, not method references: a server's classes (and its container's)
   * are loaded only when that server is chosen, so a class path may lack the containers of the
   * others (sse-bench-spring's has no Jetty, Jersey or Spring 6).
   */
  static final Map<String, Supplier<BenchServer>> KINDS = new LinkedHashMap<>();

  static {
    SPRING_BOOT_KINDS.put("spring-tomcat", "org.ssekit.bench.SpringTomcatServer");
    SPRING_BOOT_KINDS.put("ssekit-spring-boot", "org.ssekit.bench.SsekitSpringBootServer");
    KINDS.put("ssekit-jetty", () -> SsekitServers.jetty());
    KINDS.put("ssekit-tomcat", () -> SsekitServers.tomcat());
    KINDS.put("ssekit-jetty-smallbuffer", () -> SsekitServers.jettySmallBuffer());
    KINDS.put("spring", () -> new SpringServer());
    KINDS.put("jersey", () -> new JerseyServer());
    KINDS.put("jetty-eventsource", () -> new EventSourceServletServer());
    KINDS.put("ceiling", () -> new CeilingServer());
    KINDS.put("ssekit-jetty-core", () -> SsekitServers.jettyCore());
    KINDS.put("mercure-ssekit", () -> new MercureServer());
    SPRING_BOOT_KINDS.forEach((kind, type) -> KINDS.put(kind, () -> springBoot(kind, type)));
  }

  /** Whether the server of {@code kind} can run on this JVM's class path. */
  static boolean runsHere(String kind) {
    String type = SPRING_BOOT_KINDS.get(kind);
    if (type == null) {
      return true;
    }
    try {
      Class.forName(type, false, ServerHost.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * sse-bench-spring's runnable jar: {@code -Dbench.springBootJar}, by default
   * {@code sse-bench-spring/target/sse-bench-spring.jar} beside the {@code sse-bench} directory this
   * code was loaded from (its jar or its classes), else in the working directory.
   */
  static Path springBootJar() {
    String set = System.getProperty("bench.springBootJar");
    if (set != null && !set.isBlank()) {
      return Path.of(set);
    }
    Path rel = Path.of("sse-bench-spring", "target", "sse-bench-spring.jar");
    try {
      // .../sse-bench/target/sse-bench.jar or .../sse-bench/target/classes
      Path here = Path.of(ServerHost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path module = here.getParent() == null ? null : here.getParent().getParent(); // .../sse-bench
      Path project = module == null ? null : module.getParent();
      if (project != null && Files.isRegularFile(project.resolve(rel))) {
        return project.resolve(rel);
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // fall back to the working directory
    }
    return rel.toAbsolutePath();
  }

  /**
   * The smallest pool accepted for {@code -Dbench.maxThreads}: Jetty leases one acceptor, one
   * selector and its reserved threads (at most one per core, here 1–2) from the pool before any
   * request runs, and a blocking peer needs a few request threads on top.
   */
  static final int MIN_THREADS = 8;

  /**
   * The maximum of the request thread pool, the same for every server under test: Jetty's
   * {@code QueuedThreadPool} and Tomcat's connector {@code maxThreads}. {@code -Dbench.maxThreads}, 200
   * (both containers' default) unless set.
   */
  static int maxThreads() {
    int max = Integer.getInteger("bench.maxThreads", 200);
    if (max < MIN_THREADS) {
      throw new IllegalArgumentException(
          "bench.maxThreads must be at least " + MIN_THREADS + " (acceptor, selector, reserved"
              + " threads and a few request threads), got " + max);
    }
    return max;
  }

  /** A daemon thread named {@code name}, for the executors of the servers and the host. */
  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static BenchServer springBoot(String kind, String type) {
    try {
      return (BenchServer) Class.forName(type).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "server " + kind + " runs on Spring Boot 4 from module sse-bench-spring: run it with java -jar "
              + springBootJar() + " server --kind " + kind + " (the runner does so by itself; build the jar with"
              + " mvn -B -pl sse-bench-spring -am package -DskipTests)", e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create server " + kind, e);
    }
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
        Executors.newSingleThreadExecutor(r -> ServerHost.daemon(r, "bench-control")));
    this.control.createContext("/", this::handle);
    this.control.start();
    this.controlPort = control.getAddress().getPort();
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(r -> ServerHost.daemon(r, "bench-sampler"));
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
                  Double.parseDouble(q.getOrDefault("seconds", "10")),
                  Integer.parseInt(q.getOrDefault("hot", "0")));
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
    m.put("slowConsumersClosed", server.slowConsumersClosed());
    Publisher p = publisher;
    if (p != null) {
      m.put("published", p.published());
      m.put("publishErrors", p.errors());
      m.put("publisherMaxLagMillis", p.maxLagNanos() / 1e6);
      m.put("publishBusyNanos", p.busyNanos());
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
