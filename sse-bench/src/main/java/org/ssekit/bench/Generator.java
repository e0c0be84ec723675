package org.ssekit.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * An NIO load generator holding thousands of SSE connections on one or two selector threads.
 *
 * <p>It parses only what it must: the HTTP status line and headers, chunked framing when present,
 * event boundaries (a blank line) and the first number of each event's first {@code data:} line,
 * which the bench servers set to the event's intended publish time in {@link System#nanoTime()}
 * (CLOCK_MONOTONIC, so comparable across processes on one host). Latency is recorded from that
 * intended time, so a publisher or a generator that falls behind shows up as latency instead of
 * hiding it.
 *
 * <p>Connections come in three kinds: {@link Kind#STABLE} subscribers are counted and timed,
 * {@link Kind#SLOW} ones read their response headers and then never read again, and {@link
 * Kind#CHURN} ones connect and disconnect continuously at a given rate (for the hostile
 * scenario).
 *
 * <p>Threads: {@link #start} starts the selector threads; every other method is thread-safe and
 * may be called from any thread.
 */
final class Generator implements AutoCloseable {

  /** What a connection does. */
  enum Kind {
    STABLE,
    SLOW,
    CHURN
  }

  /** What to open and how fast. */
  record Config(
      String host,
      int port,
      List<InetAddress> sources,
      int selectors,
      int stable,
      int slow,
      int topics,
      int firstIndex,
      double connectsPerSecond,
      double churnPerSecond,
      long churnLifetimeMillis,
      int hot) {
    Config {
      Objects.requireNonNull(host, "host");
      sources = List.copyOf(sources);
      if (selectors < 1) {
        throw new IllegalArgumentException("selectors must be positive: " + selectors);
      }
    }
  }

  private final Config config;
  private final List<Loop> loops = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch rampDone;
  private volatile long startCpu = ProcessStats.cpuNanos();
  /** Events whose intended publish time is before this belong to an earlier window. */
  private volatile long windowStart = Long.MIN_VALUE;

  Generator(Config config) {
    this.config = config;
    this.rampDone = new CountDownLatch(config.selectors());
    for (int i = 0; i < config.selectors(); i++) {
      loops.add(new Loop(i));
    }
  }

  /** Starts the selector threads, which begin the connection ramp at once. */
  void start() {
    for (Loop l : loops) {
      Thread t = new Thread(l, "gen-selector-" + l.index);
      t.setDaemon(true);
      t.start();
    }
  }

  /** Waits until every stable and slow connection got its response headers or failed. */
  boolean awaitConnected(long timeout, TimeUnit unit) throws InterruptedException {
    return rampDone.await(timeout, unit);
  }

  /** Starts a new measurement window: clears latency, counts and CPU baselines. */
  void reset() {
    startCpu = ProcessStats.cpuNanos();
    windowStart = System.nanoTime();
    for (Loop l : loops) {
      l.resetRequested = true;
      l.selector.wakeup();
    }
    for (Loop l : loops) {
      while (l.resetRequested && !closed.get()) {
        Thread.onSpinWait();
      }
    }
  }

  /** A snapshot of what the generator measured since the last {@link #reset}. */
  GenReport report() {
    GenReport r = new GenReport();
    for (Loop l : loops) {
      synchronized (l.lock) {
        r.latency.add(l.latency);
        r.connect.add(l.connect);
        r.delivered += l.delivered;
        r.slowDelivered += l.slowDelivered;
        r.bytes += l.bytes;
        r.connected += l.connectedStable;
        r.slowConnected += l.connectedSlow;
        r.failed += l.failed;
        r.closedByServer += l.closedByServer;
        r.slowClosed += l.slowClosed;
        r.firstSlowCloseMs = GenReport.earliest(r.firstSlowCloseMs, l.firstSlowCloseMs);
        r.lastSlowCloseMs = Math.max(r.lastSlowCloseMs, l.lastSlowCloseMs);
        r.churnConnects += l.churnConnects;
        r.churnCloses += l.churnCloses;
        r.churnFailed += l.churnFailed;
        r.lastError = l.lastError != null ? l.lastError : r.lastError;
      }
    }
    r.cpuNanos = ProcessStats.cpuNanos() - startCpu;
    return r;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (Loop l : loops) {
        l.selector.wakeup();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

  /** One selector thread and its share of the connections. */
  private final class Loop implements Runnable {
    final int index;
    final Selector selector;
    final Object lock = new Object();
    final ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
    final SplittableRandom random;
    volatile boolean resetRequested;

    // guarded by lock (written by the loop thread, read by report())
    Histogram latency = newHistogram();
    Histogram connect = newHistogram();
    long delivered;
    long slowDelivered;
    long bytes;
    int connectedStable;
    int connectedSlow;
    int failed;
    int closedByServer;
    /** Never-reading connections the server closed, and when (ms after the last reset). */
    int slowClosed;
    long firstSlowCloseMs = -1;
    long lastSlowCloseMs = -1;
    long resetAt = System.nanoTime();
    long churnConnects;
    long churnCloses;
    long churnFailed;
    String lastError;

    // loop-thread only
    final List<Integer> plan = new ArrayList<>(); // global connection indices this loop opens
    int planned; // how many of plan were initiated
    int settled; // how many got headers or failed
    long rampStart;
    long churnStart;
    long churnIssued;
    int sourceCursor;
    final List<Conn> churning = new ArrayList<>();

    Generator generator() {
      return Generator.this;
    }

    Loop(int index) {
      this.index = index;
      this.random = new SplittableRandom(index * 7919L + config.firstIndex());
      try {
        this.selector = Selector.open();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      int total = config.stable() + config.slow();
      for (int i = index; i < total; i += config.selectors()) {
        plan.add(i);
      }
    }

    @Override
    public void run() {
      rampStart = System.nanoTime();
      churnStart = rampStart;
      boolean rampSignalled = false;
      try {
        while (!closed.get()) {
          long now = System.nanoTime();
          ramp(now);
          churn(now);
          if (!rampSignalled && settled >= plan.size()) {
            rampSignalled = true;
            rampDone.countDown();
          }
          if (resetRequested) {
            synchronized (lock) {
              latency = newHistogram();
              delivered = 0;
              slowDelivered = 0;
              bytes = 0;
              churnConnects = 0;
              churnCloses = 0;
              churnFailed = 0;
              closedByServer = 0;
              slowClosed = 0;
              firstSlowCloseMs = -1;
              lastSlowCloseMs = -1;
              resetAt = System.nanoTime();
            }
            resetRequested = false;
          }
          long wait = planned < plan.size() || config.churnPerSecond() > 0 ? 1 : 100;
          selector.select(wait);
          now = System.nanoTime();
          Iterator<SelectionKey> it = selector.selectedKeys().iterator();
          while (it.hasNext()) {
            SelectionKey k = it.next();
            it.remove();
            Conn c = (Conn) k.attachment();
            try {
              if (!k.isValid()) {
                continue;
              }
              if (k.isConnectable()) {
                c.finishConnect();
              }
              if (k.isValid() && k.isWritable()) {
                c.flushRequest();
              }
              if (k.isValid() && k.isReadable()) {
                c.read(now);
              }
            } catch (IOException | RuntimeException e) {
              c.fail(e);
            }
          }
        }
      } catch (IOException e) {
        lastError = e.toString();
      } finally {
        if (!rampSignalled) {
          rampDone.countDown();
        }
        for (SelectionKey k : selector.keys()) {
          try {
            k.channel().close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
        try {
          selector.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    private void ramp(long now) {
      if (planned >= plan.size()) {
        return;
      }
      double rate = config.connectsPerSecond() / config.selectors();
      long due = rate <= 0 ? plan.size() : (long) ((now - rampStart) / 1e9 * rate) + 1;
      int max = 200; // per iteration, so reads keep flowing during the ramp
      while (planned < plan.size() && planned < due && max-- > 0) {
        int local = plan.get(planned++);
        boolean slow = local >= config.stable();
        // with hot topics (the last ones), a never-reading subscriber takes an index on one of them
        // (open() subscribes index mod topics); stable subscriber i stays on topic i mod topics
        int global =
            slow && config.hot() > 0
                ? config.topics() - 1 - (local - config.stable()) % config.hot()
                : local + config.firstIndex();
        open(slow ? Kind.SLOW : Kind.STABLE, global, now);
      }
    }

    private void churn(long now) {
      if (config.churnPerSecond() <= 0) {
        return;
      }
      double rate = config.churnPerSecond() / config.selectors();
      long due = (long) ((now - churnStart) / 1e9 * rate);
      int max = 50;
      while (churnIssued < due && max-- > 0) {
        churnIssued++;
        Conn c = open(Kind.CHURN, random.nextInt(Math.max(1, config.topics())), now);
        if (c != null) {
          churning.add(c);
        }
      }
      long lifetime = TimeUnit.MILLISECONDS.toNanos(config.churnLifetimeMillis());
      Iterator<Conn> it = churning.iterator();
      while (it.hasNext()) {
        Conn c = it.next();
        if (c.closed) {
          it.remove();
        } else if (now - c.started > lifetime) {
          it.remove();
          c.closeQuietly();
          synchronized (lock) {
            churnCloses++;
          }
        }
      }
    }

    private Conn open(Kind kind, int global, long now) {
      Conn c = new Conn(this, kind, now);
      SocketChannel ch = null;
      try {
        ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (kind == Kind.SLOW) {
          ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        }
        if (!config.sources().isEmpty()) {
          InetAddress src = config.sources().get(sourceCursor++ % config.sources().size());
          ch.bind(new InetSocketAddress(src, 0));
        }
        String topic = "t" + (kind == Kind.CHURN ? global : global % config.topics());
        c.request =
            ByteBuffer.wrap(
                ("GET /sse/" + topic + " HTTP/1.1\r\nHost: " + config.host() + ":" + config.port()
                        + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        c.channel = ch;
        boolean done = ch.connect(new InetSocketAddress(config.host(), config.port()));
        c.key = ch.register(selector, done ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
        return c;
      } catch (IOException | RuntimeException e) {
        if (ch != null) {
          try {
            ch.close();
          } catch (IOException ignored) {
            // failed anyway
          }
        }
        c.channel = null;
        c.fail(e);
        return null;
      }
    }
  }

  private static Histogram newHistogram() {
    return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
  }

  /** One SSE connection's parse state. */
  private static final class Conn {
    final Loop loop;
    final Kind kind;
    final long started;
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer request;
    boolean closed;

    // response head
    boolean inBody;
    final StringBuilder head = new StringBuilder();
    boolean chunked;

    // chunked framing: 0 size, 1 extension, 2 data, 3 after-data CR/LF
    int chunkState;
    long chunkRemaining;
    boolean chunkSizeSeen;

    // event scanning
    boolean lineStart = true;
    int linePos; // position in the current line while matching "data:"
    int lineType; // 0 unknown, 1 data (parsing number), 2 other, 3 data (number done)
    boolean skippedSpace;
    long number;
    boolean numberSeen;
    boolean eventHasData;
    long eventStamp;

    Conn(Loop loop, Kind kind, long started) {
      this.loop = loop;
      this.kind = kind;
      this.started = started;
    }

    void finishConnect() throws IOException {
      if (channel.finishConnect()) {
        key.interestOps(SelectionKey.OP_WRITE);
        flushRequest();
      }
    }

    void flushRequest() throws IOException {
      channel.write(request);
      if (!request.hasRemaining()) {
        key.interestOps(SelectionKey.OP_READ);
        request = null;
      }
    }

    void read(long now) throws IOException {
      ByteBuffer buf = loop.buf;
      for (int rounds = 0; rounds < 4; rounds++) {
        buf.clear();
        int n = channel.read(buf);
        if (n < 0) {
          closedByPeer();
          return;
        }
        if (n == 0) {
          return;
        }
        buf.flip();
        now = System.nanoTime();
        long delivered = 0;
        if (!inBody) {
          while (buf.hasRemaining() && !inBody) {
            head.append((char) (buf.get() & 0xFF));
            int len = head.length();
            if (len >= 4 && head.charAt(len - 1) == '\n' && head.charAt(len - 2) == '\r'
                && head.charAt(len - 3) == '\n' && head.charAt(len - 4) == '\r') {
              headersDone(now);
            } else if (len > 16384) {
              throw new IOException("response head too long");
            }
          }
          if (closed || kind == Kind.SLOW) {
            return;
          }
        }
        while (buf.hasRemaining()) {
          if (chunked) {
            delivered += chunkedBytes(buf, now);
          } else {
            delivered += scan(buf, buf.remaining(), now);
          }
        }
        synchronized (loop.lock) {
          loop.bytes += n;
          if (kind == Kind.STABLE) {
            loop.delivered += delivered;
          }
        }
        if (n < buf.capacity()) {
          return;
        }
      }
    }

    private void headersDone(long now) throws IOException {
      inBody = true;
      String h = head.toString();
      if (!h.startsWith("HTTP/1.1 200") && !h.startsWith("HTTP/1.0 200")) {
        String status = h.substring(0, Math.max(0, h.indexOf('\r')));
        throw new IOException("unexpected response: " + status);
      }
      chunked = h.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked");
      head.setLength(0);
      head.trimToSize();
      synchronized (loop.lock) {
        switch (kind) {
          case STABLE -> {
            loop.connectedStable++;
            loop.connect.recordValue(Math.max(0, (now - started) / 1000));
          }
          case SLOW -> loop.connectedSlow++;
          case CHURN -> loop.churnConnects++;
        }
      }
      if (kind != Kind.CHURN) {
        loop.settled++;
      }
      if (kind == Kind.SLOW) {
        key.interestOps(0); // never read again
      }
    }

    /** Consumes chunked framing, scanning the payload; returns events seen. */
    private long chunkedBytes(ByteBuffer buf, long now) throws IOException {
      long events = 0;
      while (buf.hasRemaining()) {
        switch (chunkState) {
          case 0 -> {
            byte b = buf.get();
            int d = Character.digit(b, 16);
            if (d >= 0) {
              chunkRemaining = chunkRemaining * 16 + d;
              chunkSizeSeen = true;
            } else if (b == ';') {
              chunkState = 1;
            } else if (b == '\n') {
              endChunkSize();
            } else if (b != '\r') {
              throw new IOException("bad chunk size byte " + b);
            }
          }
          case 1 -> {
            if (buf.get() == '\n') {
              endChunkSize();
            }
          }
          case 2 -> {
            int n = (int) Math.min(chunkRemaining, buf.remaining());
            events += scan(buf, n, now);
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
              chunkState = 3;
            }
          }
          default -> {
            if (buf.get() == '\n') {
              chunkState = 0;
              chunkRemaining = 0;
              chunkSizeSeen = false;
            }
          }
        }
      }
      return events;
    }

    private void endChunkSize() throws IOException {
      if (!chunkSizeSeen) {
        return; // tolerate stray CRLF
      }
      if (chunkRemaining == 0) {
        closedByPeer(); // last chunk: the server ended the stream
        return;
      }
      chunkState = 2;
    }

    /** Scans {@code n} payload bytes for event boundaries and stamps; returns events seen. */
    private long scan(ByteBuffer buf, int n, long now) {
      long events = 0;
      long from = loop.generator().windowStart;
      int end = buf.position() + n;
      for (int i = buf.position(); i < end; i++) {
        byte b = buf.get(i);
        if (b == '\n') {
          if (lineStart) {
            if (eventHasData && eventStamp >= from) {
              events++;
              if (kind == Kind.STABLE) {
                long micros = (now - eventStamp) / 1000;
                synchronized (loop.lock) {
                  loop.latency.recordValue(Math.min(Math.max(0, micros), loop.latency.getHighestTrackableValue()));
                }
              }
            }
            eventHasData = false;
          } else if (lineType == 1 || lineType == 3) {
            if (numberSeen && !eventHasData) {
              eventHasData = true;
              eventStamp = number;
            } else if (!numberSeen) {
              eventHasData = true;
              eventStamp = now;
            }
          }
          lineStart = true;
          linePos = 0;
          lineType = 0;
          skippedSpace = false;
          number = 0;
          numberSeen = false;
        } else if (b == '\r') {
          continue;
        } else {
          lineStart = false;
          if (lineType == 0) {
            if (b == DATA[linePos]) {
              linePos++;
              if (linePos == DATA.length) {
                lineType = 1;
              }
            } else {
              lineType = 2;
            }
          } else if (lineType == 1) {
            if (b == ' ' && !skippedSpace && !numberSeen) {
              skippedSpace = true;
            } else if (b >= '0' && b <= '9') {
              number = number * 10 + (b - '0');
              numberSeen = true;
            } else {
              lineType = 3;
            }
          }
        }
      }
      buf.position(end);
      return events;
    }

    /** Under the loop's lock: counts a never-reading connection the server ended. */
    private void slowClosed() {
      if (kind == Kind.SLOW) {
        long ms = (System.nanoTime() - loop.resetAt) / 1_000_000;
        loop.slowClosed++;
        if (loop.firstSlowCloseMs < 0) {
          loop.firstSlowCloseMs = ms;
        }
        loop.lastSlowCloseMs = ms;
      }
    }

    void closedByPeer() {
      if (!inBody) {
        fail(new IOException("closed by the server before the response head"));
        return;
      }
      if (!closed) {
        synchronized (loop.lock) {
          if (kind != Kind.CHURN) {
            loop.closedByServer++;
          }
          slowClosed();
        }
        closeQuietly();
      }
    }

    void fail(Exception e) {
      if (closed) {
        return;
      }
      synchronized (loop.lock) {
        if (kind == Kind.CHURN) {
          loop.churnFailed++;
        } else if (!inBody) {
          loop.failed++;
        } else {
          loop.closedByServer++;
          slowClosed();
        }
        loop.lastError = e.toString();
      }
      if (kind != Kind.CHURN && !inBody) {
        loop.settled++;
      }
      closeQuietly();
    }

    void closeQuietly() {
      closed = true;
      if (key != null) {
        key.cancel();
      }
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }
}
