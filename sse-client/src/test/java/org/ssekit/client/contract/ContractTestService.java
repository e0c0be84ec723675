package org.ssekit.client.contract;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.client.ConnectionListener;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;
import org.ssekit.client.SseException;

/**
 * The test service of the SSE contract test suite (launchdarkly/sse-contract-tests, {@code
 * docs/service_spec.md}) for {@link SseClient}: the harness creates client instances through it,
 * sends them commands, and receives what they see as numbered callbacks.
 *
 * <ul>
 *   <li>{@code GET /} — 200 with the capabilities below.
 *   <li>{@code DELETE /} — stops the service.
 *   <li>{@code POST /} — creates and starts a client from {@code streamUrl}, {@code callbackUrl},
 *       {@code initialDelayMs}, {@code readTimeoutMs}, {@code lastEventId}, {@code headers}, {@code
 *       method}, {@code body}; 201 with {@code Location: /streams/N}; 400 on bad parameters.
 *   <li>{@code POST /streams/N} — command {@code listen} (adds a listener for {@code
 *       listen.type}) or {@code restart}; 400 for other commands, 404 for an unknown stream.
 *   <li>{@code DELETE /streams/N} — closes the client; 404 for an unknown stream.
 * </ul>
 *
 * Each client posts {@code {"kind":"event"|"comment"|"error", ...}} to {@code callbackUrl/1},
 * {@code /2}, ... in the order it saw them, one at a time, on a thread of its own ({@code
 * contract-callbacks-N}). Deleting a stream, and stopping the service, closes the client and ends
 * that thread.
 *
 * <p>Run it with {@code mvn -q -pl sse-client test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.ssekit.client.contract.ContractTestService [-Dexec.args=8000]}; see {@code
 * docs/client.md}.
 */
public final class ContractTestService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ContractTestService.class);

  /** The optional features of the suite that {@link SseClient} supports. */
  static final List<String> CAPABILITIES =
      List.of(
          "comments",
          "headers",
          "last-event-id",
          "post",
          "report",
          "read-timeout",
          "restart",
          "event-type-listeners",
          "bom",
          // a 204 stops the client for good: SseClient never reconnects after it
          "server-directed-shutdown-request");

  private final HttpServer server;
  private final ExecutorService pool;
  private final HttpClient callbacks = HttpClient.newHttpClient();
  private final Map<Integer, Entity> streams = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private ContractTestService(InetSocketAddress address) throws IOException {
    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "contract-service-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server = HttpServer.create(address, 0);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts the service on {@code address} (port 0 for an ephemeral port). */
  static ContractTestService start(InetSocketAddress address) throws IOException {
    return new ContractTestService(address);
  }

  /** Starts the service on the port in {@code args[0]} (default 8000) and runs until DELETE /. */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    try (ContractTestService service = start(new InetSocketAddress(port))) {
      System.out.println("SSE contract test service listening on http://localhost:" + service.port() + "/");
      service.stopped.await();
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  int openStreams() {
    return streams.size();
  }

  /**
   * Closes every client (its stream and its callback thread), then stops the HTTP server. Once all
   * clients are closed the client's default threads end too.
   */
  @Override
  public void close() {
    for (Integer id : List.copyOf(streams.keySet())) {
      Entity e = streams.remove(id);
      if (e != null) {
        e.close();
      }
    }
    server.stop(0);
    pool.shutdownNow();
    stopped.countDown();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      String body;
      try (InputStream in = ex.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (path.equals("/")) {
        switch (method) {
          case "GET" -> respond(ex, 200, MiniJson.write(Map.of("capabilities", CAPABILITIES)));
          case "POST" -> create(ex, body);
          case "DELETE" -> {
            respond(ex, 204, "");
            pool.execute(this::close);
          }
          default -> respond(ex, 405, "");
        }
        return;
      }
      if (path.startsWith("/streams/")) {
        Entity e;
        try {
          e = streams.get(Integer.parseInt(path.substring("/streams/".length())));
        } catch (NumberFormatException nfe) {
          e = null;
        }
        if (e == null) {
          respond(ex, 404, "no such stream");
          return;
        }
        switch (method) {
          case "POST" -> command(ex, e, body);
          case "DELETE" -> {
            streams.remove(e.id);
            e.close();
            respond(ex, 204, "");
          }
          default -> respond(ex, 405, "");
        }
        return;
      }
      respond(ex, 404, "");
    } catch (RuntimeException e) {
      log.warn("contract service request failed", e);
      respond(ex, 500, String.valueOf(e.getMessage()));
    }
  }

  private void create(HttpExchange ex, String body) throws IOException {
    Entity e;
    try {
      Map<?, ?> p = asMap(MiniJson.parse(body));
      e = new Entity(ids.incrementAndGet(), p);
    } catch (IllegalArgumentException | ClassCastException bad) {
      respond(ex, 400, "bad stream parameters: " + bad.getMessage());
      return;
    }
    streams.put(e.id, e);
    ex.getResponseHeaders().set("Location", "/streams/" + e.id);
    respond(ex, 201, "");
    e.client.start();
  }

  private void command(HttpExchange ex, Entity e, String body) throws IOException {
    Map<?, ?> c;
    try {
      c = asMap(MiniJson.parse(body));
    } catch (IllegalArgumentException | ClassCastException bad) {
      respond(ex, 400, "bad command: " + bad.getMessage());
      return;
    }
    Object name = c.get("command");
    if ("listen".equals(name) && c.get("listen") instanceof Map<?, ?> listen
        && listen.get("type") instanceof String type) {
      e.client.addEventListener(type, e::event);
      respond(ex, 204, "");
    } else if ("restart".equals(name)) {
      e.client.restart();
      respond(ex, 204, "");
    } else {
      respond(ex, 400, "unknown command: " + name);
    }
  }

  private static Map<?, ?> asMap(@Nullable Object json) {
    if (json instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException("expected a JSON object");
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!body.isEmpty()) {
      ex.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
    }
    ex.sendResponseHeaders(status, status == 204 || bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0 && status != 204) {
      ex.getResponseBody().write(bytes);
    }
  }

  /** One client created by the harness, and its ordered callback channel. */
  private final class Entity implements ConnectionListener {
    final int id;
    final SseClient client;
    private final String callbackBase;
    private final AtomicInteger counter = new AtomicInteger();
    private final ExecutorService outbox;
    private volatile boolean closed;

    Entity(int id, Map<?, ?> p) {
      this.id = id;
      String streamUrl = string(p, "streamUrl");
      String callbackUrl = string(p, "callbackUrl");
      if (streamUrl == null || callbackUrl == null) {
        throw new IllegalArgumentException("streamUrl and callbackUrl are required");
      }
      this.callbackBase = callbackUrl.endsWith("/") ? callbackUrl.substring(0, callbackUrl.length() - 1) : callbackUrl;
      SseClient.Builder b =
          SseClient.builder(URI.create(streamUrl))
              .onEvent(MessageEvent.DEFAULT_TYPE, this::event)
              .onComment(this::comment)
              .listener(this);
      Long initialDelay = number(p, "initialDelayMs");
      if (initialDelay != null) {
        b.initialDelay(Duration.ofMillis(initialDelay));
      }
      Long readTimeout = number(p, "readTimeoutMs");
      if (readTimeout != null) {
        b.readTimeout(Duration.ofMillis(readTimeout));
      }
      String lastEventId = string(p, "lastEventId");
      if (lastEventId != null) {
        b.lastEventId(lastEventId);
      }
      if (p.get("headers") instanceof Map<?, ?> headers) {
        headers.forEach((k, v) -> b.header(String.valueOf(k), String.valueOf(v)));
      }
      String method = string(p, "method");
      if (method != null && !method.isEmpty()) {
        b.method(method);
      }
      String body = string(p, "body");
      if (body != null) {
        b.body(body);
      }
      this.client = b.build();
      this.outbox =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "contract-callbacks-" + id);
                t.setDaemon(true);
                return t;
              });
    }

    void event(MessageEvent e) {
      Map<String, Object> ev = new LinkedHashMap<>();
      ev.put("type", e.type());
      ev.put("data", e.data());
      ev.put("id", e.lastEventId());
      post(Map.of("kind", "event", "event", ev));
    }

    void comment(String comment) {
      post(Map.of("kind", "comment", "comment", comment));
    }

    @Override
    public void onError(SseException error) {
      String message = String.valueOf(error.getMessage());
      // "error" is what the harness reads; the spec's text names the field "comment".
      post(Map.of("kind", "error", "error", message, "comment", message));
    }

    /** Queues a callback; numbers are assigned in queue order, so they follow what the client saw. */
    private void post(Map<String, ?> message) {
      if (closed) {
        return;
      }
      String json = MiniJson.write(message);
      outbox.execute(
          () -> {
            URI target = URI.create(callbackBase + "/" + counter.incrementAndGet());
            try {
              HttpResponse<Void> r =
                  callbacks.send(
                      HttpRequest.newBuilder(target)
                          .timeout(Duration.ofSeconds(10))
                          .header("Content-Type", "application/json")
                          .POST(HttpRequest.BodyPublishers.ofString(json))
                          .build(),
                      HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() / 100 != 2) {
                log.warn("callback {} answered {}", target, r.statusCode());
              }
            } catch (IOException e) {
              if (!closed) {
                log.warn("callback {} failed: {}", target, e.toString());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }

    void close() {
      closed = true;
      client.close();
      outbox.shutdown();
    }

    private static @Nullable String string(Map<?, ?> p, String key) {
      Object v = p.get(key);
      if (v == null || v instanceof String) {
        return (String) v;
      }
      throw new IllegalArgumentException(key + " must be a string");
    }

    private static @Nullable Long number(Map<?, ?> p, String key) {
      Object v = p.get(key);
      if (v == null) {
        return null;
      }
      if (v instanceof Long l && l >= 0) {
        return l;
      }
      throw new IllegalArgumentException(key + " must be a non-negative integer");
    }
  }
}
