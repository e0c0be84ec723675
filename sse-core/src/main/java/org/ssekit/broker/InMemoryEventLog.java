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
    return rings.computeIfAbsent(topic, t -> new Ring()).append(message);
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

  /**
   * One topic's messages in a circular buffer that grows on demand (doubling, up to {@code
   * maxEvents}) and shrinks when it is mostly empty. Each slot keeps one compact copy of its
   * message ({@link Message#compact}): the payload and metadata, no cached event, and no id when
   * the log assigned it (it is {@code <run>-<sequence>}, derived from the slot's position).
   */
  private final class Ring {
    private static final int MIN_CAPACITY = 8;

    private Message[] messages = new Message[0];
    private long[] times = new long[0];
    private long seq; // sequence of the newest message; the oldest retained is seq - size + 1
    private int head; // index of the oldest retained message
    private int size;
    // The newest message's own id, or null when the log assigned it (run-seq) or none came yet.
    // Kept after expiry: a client that saw the newest message missed nothing.
    private @Nullable String newestOwnId;

    synchronized Message append(Message message) {
      long now = nanoClock.getAsLong();
      expire(now);
      if (size == messages.length) {
        if (messages.length < maxEvents) {
          resize(Math.min(maxEvents, Math.max(MIN_CAPACITY, messages.length * 2)));
        } else {
          evictOldest();
        }
      }
      seq++;
      String own = message.id().orElse(null);
      int slot = (head + size) % messages.length;
      messages[slot] = message.compact(own);
      times[slot] = now;
      size++;
      newestOwnId = own;
      return own != null ? message : message.withId(run + "-" + seq);
    }

    synchronized Replay readAfter(String lastEventId, int limit) {
      expire(nanoClock.getAsLong());
      if (isNewest(lastEventId)) {
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
      long oldest = seq - size + 1;
      for (int i = from; i < size; i++) {
        Message m = messages[(head + i) % messages.length];
        String own = m.id().orElse(null);
        // a fresh copy each time: a replay's cached event must not stay in the history
        out.add(m.compact(own != null ? own : run + "-" + (oldest + i)));
      }
      return new Replay(out, complete);
    }

    private boolean isNewest(String id) {
      if (seq == 0) {
        return false;
      }
      return newestOwnId != null ? id.equals(newestOwnId) : assignedSequence(id) == seq;
    }

    /** The sequence an id of this log's form names, or -1 when it does not have that form. */
    private long assignedSequence(String id) {
      int prefix = run.length() + 1;
      if (id.length() > prefix && id.startsWith(run) && id.charAt(run.length()) == '-') {
        return parseSequence(id, prefix);
      }
      return -1;
    }

    /**
     * The position of the message with {@code id} among the retained ones (0 = oldest), or -1. An
     * id this log assigned names its sequence number, so it is found without a scan (the lock is
     * held, and publishers of the topic wait, for as short as possible); own ids are searched.
     */
    private int indexOf(String id) {
      long oldest = seq - size + 1;
      long n = assignedSequence(id);
      if (n >= oldest && n <= seq) {
        int i = (int) (n - oldest);
        Message m = messages[(head + i) % messages.length];
        if (m.id().isEmpty() && id.charAt(run.length() + 1) != '0') { // canonical: no leading 0
          return i;
        }
      }
      for (int i = size - 1; i >= 0; i--) {
        if (id.equals(messages[(head + i) % messages.length].id().orElse(null))) {
          return i;
        }
      }
      return -1;
    }

    private void evictOldest() {
      messages[head] = null;
      head = (head + 1) % messages.length;
      size--;
    }

    private void expire(long now) {
      boolean evicted = false;
      while (size > 0 && now - times[head] > maxAgeNanos) {
        evictOldest();
        evicted = true;
      }
      if (evicted) {
        shrink();
      }
    }

    /** Halves the capacity while at most a quarter of it is used, down to {@value #MIN_CAPACITY}. */
    private void shrink() {
      int capacity = messages.length;
      while (capacity > MIN_CAPACITY && size <= capacity / 4) {
        capacity /= 2;
      }
      if (capacity < messages.length) {
        resize(Math.max(MIN_CAPACITY, capacity));
      }
    }

    /** Moves the retained messages to arrays of {@code capacity} slots, the oldest at 0. */
    private void resize(int capacity) {
      Message[] m = new Message[capacity];
      long[] t = new long[capacity];
      for (int i = 0; i < size; i++) {
        int from = (head + i) % messages.length;
        m[i] = messages[from];
        t[i] = times[from];
      }
      messages = m;
      times = t;
      head = 0;
    }
  }
}
