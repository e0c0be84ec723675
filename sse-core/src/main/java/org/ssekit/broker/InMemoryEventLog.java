package org.ssekit.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link EventLog#inMemory}: one ring buffer per topic, bounded by count and age. Each topic's
 * ring is guarded by its own monitor; nothing blocks on I/O.
 */
final class InMemoryEventLog implements EventLog {

  private final int maxEvents;
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;
  private final String run;
  private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();

  InMemoryEventLog(int maxEvents, Duration maxAge, LongSupplier nanoClock) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("history maxEvents must be positive: " + maxEvents);
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("history maxAge must be positive: " + maxAge);
    }
    this.maxEvents = maxEvents;
    this.maxAgeNanos = saturatedNanos(maxAge);
    this.nanoClock = nanoClock;
    // Unique per log instance: the start time plus 40 random bits, so two logs created in the same
    // millisecond (two servers, or two hubs in one JVM) still tell each other's ids apart.
    this.run =
        Long.toString(System.currentTimeMillis(), 36)
            + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40) | (1L << 40), 36).substring(1);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public Message append(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    return rings.computeIfAbsent(topic, t -> new Ring(maxEvents)).append(message);
  }

  @Override
  public Replay readAfter(String topic, String lastEventId, int limit) {
    Objects.requireNonNull(lastEventId, "lastEventId");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    Ring ring = rings.get(topic);
    if (ring == null) {
      return new Replay(List.of(), false);
    }
    return ring.readAfter(lastEventId, limit);
  }

  /** The decimal number at {@code from} to the end of {@code id}, or -1 if it is not one. */
  private static long parseSequence(String id, int from) {
    if (id.length() - from > 18) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** A fixed-size circular buffer of one topic's messages. */
  private final class Ring {
    private final Message[] messages;
    private final long[] times;
    private long seq; // sequence of the newest message; the oldest retained is seq - size + 1
    private int head; // index of the oldest retained message
    private int size;
    private @Nullable String newestId; // kept after expiry: a client that saw it missed nothing

    Ring(int capacity) {
      messages = new Message[capacity];
      times = new long[capacity];
    }

    synchronized Message append(Message message) {
      long now = nanoClock.getAsLong();
      expire(now);
      seq++;
      Message stored = message.id().isPresent() ? message : message.withId(run + "-" + seq);
      int slot = (head + size) % messages.length;
      if (size == messages.length) {
        head = (head + 1) % messages.length;
      } else {
        size++;
      }
      messages[slot] = stored;
      newestId = stored.id().orElseThrow();
      times[slot] = now;
      return stored;
    }

    synchronized Replay readAfter(String lastEventId, int limit) {
      expire(nanoClock.getAsLong());
      if (lastEventId.equals(newestId)) {
        return new Replay(List.of(), true);
      }
      int found = indexOf(lastEventId);
      boolean complete = found >= 0;
      int from = found + 1;
      if (size - from > limit) {
        from = size - limit;
        complete = false;
      }
      List<Message> out = new ArrayList<>(size - from);
      for (int i = from; i < size; i++) {
        out.add(messages[(head + i) % messages.length]);
      }
      return new Replay(out, complete);
    }

    /**
     * The position of the message with {@code id} among the retained ones (0 = oldest), or -1. An
     * id this log assigned names its sequence number, so it is found without a scan (the lock is
     * held, and publishers of the topic wait, for as short as possible); other ids are searched.
     */
    private int indexOf(String id) {
      int prefix = run.length() + 1;
      if (id.length() > prefix && id.startsWith(run) && id.charAt(run.length()) == '-') {
        long n = parseSequence(id, prefix);
        long oldest = seq - size + 1;
        if (n >= oldest && n <= seq) {
          int i = (int) (n - oldest);
          if (id.equals(messages[(head + i) % messages.length].id().orElse(null))) {
            return i;
          }
        }
      }
      for (int i = size - 1; i >= 0; i--) {
        if (id.equals(messages[(head + i) % messages.length].id().orElse(null))) {
          return i;
        }
      }
      return -1;
    }

    private void expire(long now) {
      while (size > 0 && now - times[head] > maxAgeNanos) {
        messages[head] = null;
        head = (head + 1) % messages.length;
        size--;
      }
    }
  }
}
