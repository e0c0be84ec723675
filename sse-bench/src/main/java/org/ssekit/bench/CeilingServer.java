package org.ssekit.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * The ceiling baseline: the least code that serves SSE on Jetty 12 core. Each event is encoded
 * once into one shared read-only buffer; each subscriber queues references to it and an {@link
 * IteratingCallback} writes what is queued, coalescing several events into one write. Writes run
 * on at most as many pool threads as there are cores, never on the publisher's thread.
 */
final class CeilingServer implements BenchServer {
  private static final int CAPACITY = 1024;
  private static final AtomicLong SLOW_CLOSED = new AtomicLong();
  private static final ByteBuffer HEARTBEAT =
      ByteBuffer.wrap(":\n\n".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();

  private final Map<String, Set<Sub>> topics = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  /** Subscribers with queued events and no drainer on them yet. */
  private final ConcurrentLinkedQueue<Sub> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drainers = new AtomicInteger();
  private static final int MAX_DRAINERS = Math.max(2, Runtime.getRuntime().availableProcessors());
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(r -> ServerHost.daemon(r, "ceiling-heartbeat"));
  private Server server;

  @Override
  public int start(int port, Duration heartbeat) throws Exception {
    server = Jetty.server(port);
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (!path.startsWith("/sse/")) {
              return false;
            }
            String topic = path.substring(5);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            Sub s = new Sub(topic, response, callback);
            topics.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(s);
            count.incrementAndGet();
            s.offer(ByteBuffer.allocate(0)); // commits and flushes the headers
            return true;
          }
        });
    server.start();
    long hb = heartbeat.toMillis();
    if (hb > 0) {
      heartbeats.scheduleAtFixedRate(
          () -> topics.values().forEach(set -> set.forEach(s -> s.offer(HEARTBEAT))),
          hb, hb, TimeUnit.MILLISECONDS);
    }
    return Jetty.port(server);
  }

  private void startDrainer() {
    while (!ready.isEmpty()) {
      int n = drainers.get();
      if (n >= MAX_DRAINERS) {
        return;
      }
      if (drainers.compareAndSet(n, n + 1)) {
        server.getThreadPool().execute(this::drain);
        return;
      }
    }
  }

  private void drain() {
    try {
      Sub s;
      while ((s = ready.poll()) != null) {
        s.dispatched.set(false);
        s.iterate(); // non-blocking: writes until done or the socket is full
      }
    } finally {
      drainers.decrementAndGet();
      startDrainer();
    }
  }

  @Override
  public void publish(String topic, String data) {
    Set<Sub> subs = topics.get(topic);
    if (subs == null) {
      return;
    }
    ByteBuffer event =
        ByteBuffer.wrap(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8))
            .asReadOnlyBuffer();
    for (Sub s : subs) {
      s.offer(event);
    }
  }

  @Override
  public long slowConsumersClosed() {
    return SLOW_CLOSED.get();
  }

  @Override
  public int subscribers() {
    return count.get();
  }

  @Override
  public void close() throws Exception {
    heartbeats.shutdownNow();
    if (server != null) {
      server.stop();
    }
  }

  /** One subscriber: a bounded queue of shared buffers and the write loop. */
  private final class Sub extends IteratingCallback {
    final String topic;
    final Response response;
    final Callback done;
    final ConcurrentLinkedQueue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger size = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicBoolean dispatched =
        new java.util.concurrent.atomic.AtomicBoolean();

    Sub(String topic, Response response, Callback done) {
      this.topic = topic;
      this.response = response;
      this.done = done;
    }

    private final AtomicBoolean slow = new AtomicBoolean();

    void offer(ByteBuffer b) {
      if (size.incrementAndGet() > CAPACITY) {
        size.decrementAndGet();
        if (!slow.getAndSet(true)) {
          SLOW_CLOSED.incrementAndGet(); // once per stream: later events find it over the bound too
        }
        abort(new IllegalStateException("slow consumer")); // like ssekit's default policy
        return;
      }
      queue.add(b);
      if (!dispatched.getAndSet(true)) {
        // written by a few pool threads: the publisher returns at once, and events that arrive
        // before the write runs are coalesced into it
        ready.add(this);
        startDrainer();
      }
    }

    @Override
    protected Action process() {
      ByteBuffer first = queue.poll();
      if (first == null) {
        return Action.IDLE;
      }
      size.decrementAndGet();
      ByteBuffer next = queue.peek();
      if (next == null) {
        response.write(false, first.slice(), this);
        return Action.SCHEDULED;
      }
      int total = first.remaining();
      int n = 1;
      for (ByteBuffer b : queue) {
        if (total + b.remaining() > 16384 || n >= 64) {
          break;
        }
        total += b.remaining();
        n++;
      }
      ByteBuffer agg = ByteBuffer.allocate(total);
      agg.put(first.slice());
      for (int i = 1; i < n; i++) {
        ByteBuffer b = queue.poll();
        size.decrementAndGet();
        agg.put(b.slice());
      }
      agg.flip();
      response.write(false, agg, this);
      return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      Set<Sub> subs = topics.get(topic);
      if (subs != null && subs.remove(this)) {
        count.decrementAndGet();
      }
      queue.clear();
      done.failed(cause);
    }
  }
}
