package org.ssekit.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.RedisCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.internal.broker.Backoff;
import org.ssekit.internal.broker.OutageLog;

/**
 * The live delivery of one {@link RedisBroker}: a single loop, on a thread of its own, that reads
 * every subscribed topic's stream with one {@code XREAD BLOCK} on a dedicated connection and calls
 * the handlers on that thread, one message at a time, in stream order.
 *
 * <p>Each subscription remembers the last entry it was given; the loop reads each stream after
 * the last entry it delivered. When the connection fails the loop closes it, waits a capped
 * exponential backoff and opens a new one, then reads on from the same positions, so entries
 * appended during an outage are delivered in order and none twice; entries trimmed before the loop
 * could read them show as a jump in the entries' numbers and are counted and logged. A new
 * subscription wakes a blocked {@code XREAD} by appending to this instance's wake stream (one key
 * per broker, expiring).
 *
 * <p>Threads: {@link #join} and {@link #close} may be called from any thread; everything else runs
 * on the loop's thread, which owns the topic table and each joined subscription's position.
 */
final class StreamReader implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(StreamReader.class);
  private static final int BATCH = 512;
  private static final String COMPONENT = "stream reader";
  private static final long WAKE_TTL_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private final RedisClient client;
  private final RedisCodec<String, byte[]> codec;
  private final RedisAsyncCommands<String, byte[]> commands; // for wake-ups and catch-up reads
  private final String wakeKey;
  private final Duration block;
  private final Duration timeout;
  private final Backoff backoff;
  private final OutageLog outage;

  private final ConcurrentLinkedQueue<Sub> joining = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean leftAny = new AtomicBoolean();
  private final AtomicLong missed = new AtomicLong();
  private final Object signal = new Object();
  private volatile boolean closed;
  private final AtomicReference<@Nullable StatefulRedisConnection<String, byte[]>> connection =
      new AtomicReference<>();

  // Owned by the loop thread.
  private final Map<String, Topic> topics = new HashMap<>();
  private StreamId wakeCursor = StreamId.ZERO;

  StreamReader(
      RedisClient client,
      RedisCodec<String, byte[]> codec,
      RedisAsyncCommands<String, byte[]> commands,
      String wakeKey,
      Duration block,
      Duration timeout,
      Backoff backoff,
      OutageLog outage) {
    this.client = client;
    this.codec = codec;
    this.commands = commands;
    this.wakeKey = wakeKey;
    this.block = block;
    this.timeout = timeout;
    this.backoff = backoff;
    this.outage = outage;
  }

  /** One subscription: its handler and the last entry it was given. */
  final class Sub implements Subscriber.Subscription {
    final String topic;
    final String key;
    final Subscriber.MessageHandler handler;
    StreamId delivered; // owned by the loop thread once joined
    volatile boolean closed;

    final long sinceNumber;

    Sub(String topic, String key, Subscriber.MessageHandler handler, RedisEventLog.Position since) {
      this.topic = topic;
      this.key = key;
      this.handler = handler;
      this.delivered = since.id();
      this.sinceNumber = since.number();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        leftAny.set(true);
      }
    }
  }

  /** One stream read by the loop: how far it was read, and its subscriptions. */
  private static final class Topic {
    StreamId cursor;
    long number; // the entry number at the cursor; 0 when unknown
    final List<Sub> subs = new ArrayList<>();

    Topic(StreamId cursor, long number) {
      this.cursor = cursor;
      this.number = number;
    }
  }

  /**
   * Adds a subscription that is given every entry of {@code key} after {@code since}; returns at
   * once (delivery starts when the loop picks it up).
   */
  Sub join(String topic, String key, Subscriber.MessageHandler handler, RedisEventLog.Position since) {
    Sub s = new Sub(topic, key, handler, since);
    joining.add(s);
    synchronized (signal) {
      signal.notifyAll();
    }
    if (connection.get() != null) {
      // Wake a blocked XREAD; if none is blocked yet, the next one returns at once.
      commands.xadd(wakeKey, XAddArgs.Builder.maxlen(1), "w", new byte[0]);
      commands.pexpire(wakeKey, WAKE_TTL_MILLIS);
    }
    return s;
  }

  /** Stops the loop and closes its connection; returns without waiting for the loop to end. */
  void close() {
    closed = true;
    synchronized (signal) {
      signal.notifyAll();
    }
    closeConnection();
  }

  private void closeConnection() {
    StatefulRedisConnection<String, byte[]> c = connection.getAndSet(null);
    if (c != null && c.isOpen()) {
      c.closeAsync();
    }
  }

  @Override
  public void run() {
    while (!closed) {
      try {
        StatefulRedisConnection<String, byte[]> c = connection.get();
        if (c == null) {
          c = client.connect(codec);
          connection.set(c);
          if (closed) {
            break;
          }
        }
        pruneClosed();
        attachJoining(c);
        if (topics.isEmpty()) {
          idle();
          continue;
        }
        read(c);
        recovered();
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        failed(e);
      }
    }
    closeConnection();
  }

  private void idle() {
    synchronized (signal) {
      while (!closed && joining.isEmpty()) {
        try {
          signal.wait();
        } catch (InterruptedException e) {
          closed = true;
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void pruneClosed() {
    if (!leftAny.getAndSet(false)) {
      return;
    }
    for (Iterator<Topic> it = topics.values().iterator(); it.hasNext(); ) {
      Topic t = it.next();
      t.subs.removeIf(s -> s.closed);
      if (t.subs.isEmpty()) {
        it.remove();
      }
    }
  }

  private void attachJoining(StatefulRedisConnection<String, byte[]> c) {
    Sub s;
    while ((s = joining.peek()) != null) {
      if (!s.closed) {
        Topic t = topics.get(s.key);
        if (t == null) {
          t = new Topic(s.delivered, s.sinceNumber);
          topics.put(s.key, t);
        } else {
          catchUp(c, s, t.cursor); // on failure s stays first in line, its position kept
        }
        t.subs.add(s);
      }
      joining.poll();
    }
  }

  /** Gives a joining subscription the entries the stream's reader already passed. */
  private void catchUp(StatefulRedisConnection<String, byte[]> c, Sub s, StreamId cursor) {
    while (cursor.isAfter(s.delivered)) {
      List<StreamMessage<String, byte[]>> l =
          RedisEventLog.await(
              c.async()
                  .xrange(
                      s.key,
                      Range.from(
                          Range.Boundary.excluding(s.delivered.toString()),
                          Range.Boundary.including(cursor.toString())),
                      Limit.from(BATCH)),
              timeout);
      if (l.isEmpty()) {
        s.delivered = cursor; // trimmed meanwhile
        return;
      }
      for (StreamMessage<String, byte[]> e : l) {
        Message m = decode(e);
        StreamId id = StreamId.of(e.getId());
        if (m != null) {
          deliver(s, id, m);
        } else {
          s.delivered = id;
        }
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array for Lettuce's varargs
  static XReadArgs.StreamOffset<String>[] offsets(int n) {
    return new XReadArgs.StreamOffset[n];
  }

  private void read(StatefulRedisConnection<String, byte[]> c) {
    XReadArgs.StreamOffset<String>[] offsets = offsets(topics.size() + 1);
    offsets[0] = XReadArgs.StreamOffset.from(wakeKey, wakeCursor.toString());
    int i = 1;
    for (Map.Entry<String, Topic> e : topics.entrySet()) {
      offsets[i++] = XReadArgs.StreamOffset.from(e.getKey(), e.getValue().cursor.toString());
    }
    List<StreamMessage<String, byte[]>> entries =
        RedisEventLog.await(
            c.async().xread(XReadArgs.Builder.block(block).count(BATCH), offsets),
            block.plus(timeout));
    for (StreamMessage<String, byte[]> e : entries) {
      StreamId id = StreamId.of(e.getId());
      if (e.getStream().equals(wakeKey)) {
        wakeCursor = id;
        continue;
      }
      Topic t = topics.get(e.getStream());
      if (t == null || !id.isAfter(t.cursor)) {
        continue;
      }
      t.cursor = id;
      checkNumber(t, e);
      Message m = decode(e);
      for (Sub s : t.subs) {
        if (m == null) {
          s.delivered = id;
        } else {
          deliver(s, id, m);
        }
      }
    }
  }

  /**
   * Entries are numbered 1, 2, 3, ... per topic; a jump means entries were trimmed (by length or
   * age) before this loop read them: an outage or a lag longer than the history bounds. Their
   * messages cannot reach this instance's streams; say so once per jump, and tell the handlers
   * ({@link Subscriber.MessageHandler#onGap}) before the entry after the jump.
   */
  private void checkNumber(Topic t, StreamMessage<String, byte[]> e) {
    long n = Entries.number(e);
    if (n > 1 && t.number > 0 && n > t.number + 1) {
      long lost = n - t.number - 1;
      missed.addAndGet(lost);
      log.warn(
          "{} messages of stream {} were trimmed before this instance could deliver them (it lagged"
              + " or was disconnected beyond the history's length or age); its streams missed them",
          lost,
          e.getStream());
      for (Sub s : t.subs) {
        if (s.closed) {
          continue;
        }
        try {
          s.handler.onGap(s.topic);
        } catch (RuntimeException ex) {
          log.warn("handler of topic {} failed on a gap", s.topic, ex);
        }
      }
    }
    t.number = n; // 1 after the counter restarted (the keys expired or Redis lost them)
  }

  long missed() {
    return missed.get();
  }

  private static @Nullable Message decode(StreamMessage<String, byte[]> e) {
    try {
      return Entries.decode(e);
    } catch (IllegalArgumentException ex) {
      log.warn("skipping entry {} of stream {}: {}", e.getId(), e.getStream(), ex.getMessage());
      return null;
    }
  }

  private static void deliver(Sub s, StreamId id, Message m) {
    if (s.closed || !id.isAfter(s.delivered)) {
      return;
    }
    s.delivered = id;
    try {
      s.handler.onMessage(s.topic, m);
    } catch (RuntimeException ex) {
      log.warn("handler of topic {} failed on {}", s.topic, m, ex);
    }
  }

  private void recovered() {
    backoff.reset();
    outage.recovered(COMPONENT);
  }

  private void failed(RuntimeException e) {
    outage.lost(COMPONENT, e);
    closeConnection();
    if (!backoff.await(signal, () -> closed)) {
      closed = true;
    }
  }
}
