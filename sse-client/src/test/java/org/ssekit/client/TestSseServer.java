package org.ssekit.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable SSE endpoint on the JDK's HTTP server, bound to 127.0.0.1 on an ephemeral port, for
 * protocol edge cases a real ssekit server would never produce. Every request is recorded; a
 * request is answered with the next {@link #reply scripted reply}, or else with an open {@code
 * text/event-stream} the test writes to ({@link Stream#send}) and ends ({@link Stream#close}).
 */
public final class TestSseServer implements AutoCloseable {

  /** A request as received. */
  public static class Request {
    public final String method;
    public final Headers headers;
    public final String body;
    public final long receivedNanos = System.nanoTime();

    Request(String method, Headers headers, String body) {
      this.method = method;
      this.headers = headers;
      this.body = body;
    }

    public String header(String name) {
      String v = headers.getFirst(name);
      return v == null ? "" : v;
    }
  }

  /** An open event stream: the server side of one client connection. */
  public static final class Stream extends Request {
    private final HttpExchange exchange;
    private final CountDownLatch done = new CountDownLatch(1);
    volatile long closedNanos;

    Stream(HttpExchange exchange, Request r) {
      super(r.method, r.headers, r.body);
      this.exchange = exchange;
    }

    /** Writes and flushes {@code text}. */
    public Stream send(String text) {
      return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes and flushes {@code bytes}. */
    public synchronized Stream send(byte[] bytes) {
      try {
        OutputStream out = exchange.getResponseBody();
        out.write(bytes);
        out.flush();
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Whether a write fails, i.e. the client has gone (a first write may still be buffered). */
    public boolean clientGone() {
      try {
        send(":\n");
        return false;
      } catch (UncheckedIOException e) {
        return true;
      }
    }

    /** Ends the response: the client sees end of stream. */
    public synchronized void close() {
      closedNanos = System.nanoTime();
      try {
        exchange.close();
      } finally {
        done.countDown();
      }
    }
  }

  private record Reply(int status, String contentType, String body) {}

  private final HttpServer server;
  private final ExecutorService pool;
  private final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Stream> open = new CopyOnWriteArrayList<>();
  private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();

  private TestSseServer() throws IOException {
    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "test-sse-server-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  public static TestSseServer start() {
    try {
      return new TestSseServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The next request gets this reply instead of a stream. */
  public TestSseServer reply(int status, String contentType, String body) {
    replies.add(new Reply(status, contentType, body));
    return this;
  }

  /** The next stream opened, within 5 s. */
  public Stream awaitStream() {
    try {
      Stream s = streams.poll(5, TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("no client connected within 5 s");
      }
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    String body;
    try (InputStream in = ex.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Request r = new Request(ex.getRequestMethod(), ex.getRequestHeaders(), body);
    Reply reply = replies.poll();
    if (reply != null) {
      requests.add(r);
      if (!reply.contentType().isEmpty()) {
        ex.getResponseHeaders().set("Content-Type", reply.contentType());
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        ex.getResponseBody().write(bytes);
      }
      ex.close();
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    ex.getResponseBody().flush();
    Stream s = new Stream(ex, r);
    requests.add(s);
    open.add(s);
    streams.add(s);
    try {
      s.done.await(); // keep this handler's exchange open until the test closes it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (Stream s : open) {
      try {
        s.close();
      } catch (RuntimeException ignored) {
        // already broken
      }
    }
    server.stop(0);
    pool.shutdownNow();
  }

  static Duration between(long fromNanos, long toNanos) {
    return Duration.ofNanos(toNanos - fromNanos);
  }
}
