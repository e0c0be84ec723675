package org.ssekit.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.ssekit.internal.broker.Checks;

/**
 * {@link EventLog#inMemory}: one ring buffer per topic, bounded per topic by count, bytes and
 * age, and across topics by a byte budget and a number of topics. Each topic's ring is guarded by
 * its own monitor; nothing blocks on I/O.
 *
 * <p>Ids: an id the log assigns is {@code <run>-<sequence>}; a message's own id is kept as it is,
 * except that one of that form is refused ({@link IllegalArgumentException}: it could stand for
 * another message) and one the topic's history has already is refused ({@link
 * DuplicateIdException}).
 *
 * <p>Bytes are an estimate of the heap an entry retains: its payload, its own id (plus {@value
 * #OWN_ID_OVERHEAD} bytes of index) and metadata characters, plus {@value #ENTRY_OVERHEAD} bytes
 * of bookkeeping (a topic counts {@value
 * #TOPIC_OVERHEAD} bytes plus its name against the budget while it is kept).
 *
 * <p>The budget evicts the oldest entries across all topics (by append time) once it is exceeded,
 * down to 15/16 of it, so an eviction pass runs once per budget/16 bytes appended, not per append;
 * a topic whose last entry is evicted is dropped. The topic bound refuses: a new topic when {@code
 * maxTopics} topics are kept fails with {@link CapacityExceededException} (topics whose history
 * has expired are dropped first). Sequences never restart within a run: a topic dropped and
 * published again continues above every sequence a dropped topic had, so an id held by a client
 * never comes to stand for another message.
 */
final class InMemoryEventLog implements EventLog {

  /** Bookkeeping bytes counted per entry: the message object, its slot and its time. */
  static final int ENTRY_OVERHEAD = 64;

  /** Bookkeeping bytes counted per kept topic (plus its name's length). */
  static final int TOPIC_OVERHEAD = 160;

  /** Bookkeeping bytes counted per entry with an own id, for its index entry. */
  static final int OWN_ID_OVERHEAD = 48;

  /** Default for {@code maxTopics}. */
  static final int DEFAULT_MAX_TOPICS = InMemoryBroker.DEFAULT_MAX_TOPICS;

  /** How often, at most, a publish to a new topic at the topic bound looks for expired topics. */
  private static final long SWEEP_INTERVAL_NANOS = 100_000_000L;

  /**
   * Default for the budget: a quarter of the maximum heap ({@link Runtime#maxMemory()}), read when
   * the log is created.
   */
  static long defaultBudget() {
    long max = Runtime.getRuntime().maxMemory();
    return max == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, max / 4);
  }

  /** The bounds of one log; checked on construction. */
  record Bounds(int maxEvents, long maxBytes, Duration maxAge, long budget, int maxTopics) {
    Bounds {
      Checks.history(maxEvents, maxBytes, maxAge);
      if (budget < 1) {
        throw new IllegalArgumentException("historyBudget must be positive: " + budget);
      }
      if (maxTopics < 1) {
        throw new IllegalArgumentException("maxTopics must be positive: " + maxTopics);
      }
    }

    static Bounds of(int maxEvents, long maxBytes, Duration maxAge) {
      return new Bounds(maxEvents, maxBytes, maxAge, defaultBudget(), DEFAULT_MAX_TOPICS);
    }
  }

  private final int maxEvents;
  private final long maxBytes;
  private final long maxAgeNanos;
  private final long budget;
  private final long lowWater;
  private final int maxTopics;
  private final LongSupplier nanoClock;
  private final String run;
  private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();
  private final AtomicLong used = new AtomicLong(); // bytes counted against the budget
  private final AtomicInteger topicCount = new AtomicInteger();
  private final AtomicLong droppedSeq = new AtomicLong(); // the highest sequence of a dropped topic
  private final ReentrantLock evicting = new ReentrantLock();
  private volatile long lastSweep;

  InMemoryEventLog(int maxEvents, Duration maxAge, LongSupplier nanoClock) {
    this(Bounds.of(maxEvents, Long.MAX_VALUE, maxAge), nanoClock);
  }

  InMemoryEventLog(Bounds bounds, LongSupplier nanoClock) {
    this.maxEvents = bounds.maxEvents();
    this.maxBytes = bounds.maxBytes();
    this.maxAgeNanos = Checks.nanos(bounds.maxAge());
    this.budget = bounds.budget();
    this.lowWater = budget - budget / 16;
    this.maxTopics = bounds.maxTopics();
    this.nanoClock = nanoClock;
    this.lastSweep = nanoClock.getAsLong() - SWEEP_INTERVAL_NANOS;
    // Unique per log instance: the start time plus 40 random bits, so two logs created in the same
    // millisecond (two servers, or two hubs in one JVM) still tell each other's ids apart.
    this.run =
        Long.toString(System.currentTimeMillis(), 36)
            + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40) | (1L << 40), 36).substring(1);
  }

  /** The bytes an entry counts against the per-topic bound and the budget. */
  static long weight(Message m) {
    long w = ENTRY_OVERHEAD + m.payloadLength();
    String id = m.id().orElse(null);
    if (id != null) {
      w += OWN_ID_OVERHEAD + id.length();
    }
    for (Map.Entry<String, String> e : m.metadata().entrySet()) {
      w += e.getKey().length() + e.getValue().length();
    }
    return w;
  }

  private static long topicWeight(String topic) {
    return TOPIC_OVERHEAD + topic.length();
  }

  @Override
  public Message append(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    String own = message.id().orElse(null);
    if (own != null && assignedSequence(own) >= 0) {
      throw Checks.aliasingId(own, run + "-<sequence>");
    }
    long w = weight(message);
    if (w > maxBytes) {
      throw new IllegalArgumentException(
          "a message of " + w + " bytes (payload, id, metadata and " + ENTRY_OVERHEAD
              + " bytes of bookkeeping) is more than history maxBytes (" + maxBytes
              + ") of a topic: it could never be kept; make it smaller or raise the bound");
    }
    if (w + topicWeight(topic) > budget) {
      throw new IllegalArgumentException(
          "a message of " + w + " bytes (payload, id, metadata and " + ENTRY_OVERHEAD
              + " bytes of bookkeeping) is more than historyBudget (" + budget
              + "): it could never be kept; make it smaller or raise the budget");
    }
    Message stored;
    for (;;) {
      Ring ring = rings.get(topic);
      if (ring == null) {
        ring = create(topic);
      }
      stored = ring.append(message, w);
      if (stored != null) {
        break;
      }
      // the ring was dropped meanwhile: take (or make) the topic's new one
    }
    evictOverBudget();
    return stored;
  }

  @Override
  public Replay readAfter(String topic, String lastEventId, int limit) {
    Checks.readAfter(topic, lastEventId, limit);
    for (;;) {
      Ring ring = rings.get(topic);
      if (ring == null) {
        return new Replay(List.of(), false);
      }
      Replay r = ring.readAfter(lastEventId, limit);
      if (r != null) {
        return r;
      }
    }
  }

  /** The bytes counted against the budget now (for tests). */
  long used() {
    return used.get();
  }

  /** The number of topics kept now (for tests). */
  int topics() {
    return topicCount.get();
  }

  private Ring create(String topic) {
    if (topicCount.get() >= maxTopics) {
      sweep();
    }
    return rings.computeIfAbsent(
        topic,
        t -> {
          if (topicCount.incrementAndGet() > maxTopics) {
            topicCount.decrementAndGet();
            throw new CapacityExceededException(
                "history maxTopics", maxTopics, "topic " + t + " would be one more topic with history");
          }
          used.addAndGet(topicWeight(t));
          return new Ring(t, droppedSeq.get(), nanoClock.getAsLong());
        });
  }

  /** Drops the topics whose history expired; at most once per {@link #SWEEP_INTERVAL_NANOS}. */
  private void sweep() {
    long now = nanoClock.getAsLong();
    long last = lastSweep;
    if (now - last < SWEEP_INTERVAL_NANOS || !evicting.tryLock()) {
      return;
    }
    try {
      lastSweep = now;
      for (Ring r : rings.values()) {
        r.dropIfExpired(now);
      }
    } finally {
      evicting.unlock();
    }
    evictOverBudget(); // an appender may have found the lock taken by this sweep
  }

  /**
   * Evicts the oldest entries across topics until the budget's low-water mark. One thread evicts at
   * a time; others go on appending (the budget may be exceeded by what they append meanwhile). An
   * appender adds its bytes before it tries the lock, and the evictor looks again after releasing
   * it, so no excess is left unevicted once the appenders return.
   */
  private void evictOverBudget() {
    boolean progress = true;
    while (progress && used.get() > budget && evicting.tryLock()) {
      try {
        progress = evictPass();
      } finally {
        evicting.unlock();
      }
    }
  }

  /** One pass over a snapshot of the rings, oldest entry first; whether it evicted anything. */
  private boolean evictPass() {
    PriorityQueue<Candidate> oldest = new PriorityQueue<>();
    for (Ring r : rings.values()) {
      oldest.add(new Candidate(r.oldestTime(), r));
    }
    boolean evicted = false;
    Candidate c;
    while (used.get() > lowWater && (c = oldest.poll()) != null) {
      evicted = true;
      if (c.ring.evictOldestOrDrop()) {
        oldest.add(new Candidate(c.ring.oldestTime(), c.ring));
      }
    }
    return evicted;
  }

  /** A ring and the time of its oldest entry, when the eviction pass looked. */
  private record Candidate(long time, Ring ring) implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      return Long.compare(time - o.time, 0); // nanoTime order is by difference
    }
  }

  /**
   * The sequence an id of this log's form ({@code <run>-<digits>}) names, or -1 when it does not
   * have that form. Publishers' ids of that form are refused, so such an id always names the
   * message the log gave it to.
   */
  private long assignedSequence(String id) {
    int prefix = run.length() + 1;
    if (id.length() > prefix && id.startsWith(run) && id.charAt(run.length()) == '-') {
      return parseSequence(id, prefix);
    }
    return -1;
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

    private final String topic;
    private final long firstSeq; // the sequence before this ring's first message
    private Message[] messages = new Message[0];
    private long[] times = new long[0];
    private long seq; // sequence of the newest message; the oldest retained is seq - size + 1
    private int head; // index of the oldest retained message
    private int size;
    private long bytes; // the weight of the retained messages
    private long lastTime; // when the newest message came (or the ring was made)
    private boolean dropped; // removed from the log: appends and reads go to the topic's next ring
    // The newest message's own id, or null when the log assigned it (run-seq) or none came yet.
    // Kept after expiry: a client that saw the newest message missed nothing.
    private @Nullable String newestOwnId;
    // The sequence of each retained message that brought its own id; made on the first one.
    private @Nullable HashMap<String, Long> ownIds;

    Ring(String topic, long firstSeq, long now) {
      this.topic = topic;
      this.firstSeq = firstSeq;
      this.seq = firstSeq;
      this.lastTime = now;
    }

    /** Appends; null if this ring was dropped (the caller takes the topic's new ring). */
    synchronized @Nullable Message append(Message message, long w) {
      if (dropped) {
        return null;
      }
      long now = nanoClock.getAsLong();
      expire(now);
      String own = message.id().orElse(null);
      if (own != null && ownIds != null && ownIds.containsKey(own)) {
        throw new DuplicateIdException(topic, own);
      }
      while (size > 0 && bytes + w > maxBytes) {
        evictOldest();
      }
      if (size == messages.length) {
        if (messages.length < maxEvents) {
          resize(Math.min(maxEvents, Math.max(MIN_CAPACITY, messages.length * 2)));
        } else {
          evictOldest();
        }
      }
      seq++;
      if (own != null) {
        if (ownIds == null) {
          ownIds = new HashMap<>();
        }
        ownIds.put(own, seq);
      }
      int slot = (head + size) % messages.length;
      messages[slot] = message.compact(own);
      times[slot] = now;
      size++;
      bytes += w;
      used.addAndGet(w);
      lastTime = now;
      newestOwnId = own;
      return own != null ? message : message.withId(run + "-" + seq);
    }

    /** Reads; null if this ring was dropped (the caller reads the topic's new ring, if any). */
    synchronized @Nullable Replay readAfter(String lastEventId, int limit) {
      if (dropped) {
        return null;
      }
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

    synchronized long oldestTime() {
      return size > 0 ? times[head] : lastTime;
    }

    /**
     * Evicts the oldest entry, and drops the ring when none is left. Whether the ring is still
     * kept.
     */
    synchronized boolean evictOldestOrDrop() {
      if (dropped) {
        return false;
      }
      if (size > 0) {
        evictOldest();
      }
      if (size == 0) {
        drop();
        return false;
      }
      shrink();
      return true;
    }

    synchronized void dropIfExpired(long now) {
      if (!dropped) {
        expire(now);
        if (size == 0) {
          drop();
        }
      }
    }

    /** Removes this ring from the log (held: its monitor). */
    private void drop() {
      dropped = true;
      droppedSeq.accumulateAndGet(seq, Math::max); // before removal: the next ring starts above
      // counted out before it leaves the map, so a publish re-creating the topic at the bound is
      // not refused for the ring on its way out
      topicCount.decrementAndGet();
      used.addAndGet(-topicWeight(topic));
      rings.remove(topic, this);
    }

    private boolean isNewest(String id) {
      if (seq == firstSeq) {
        return false; // nothing appended yet
      }
      return newestOwnId != null ? id.equals(newestOwnId) : assignedSequence(id) == seq;
    }

    /**
     * The position of the message with {@code id} among the retained ones (0 = oldest), or -1,
     * without a scan (the lock is held, and publishers of the topic wait, for as short as
     * possible): an id this log assigned names its sequence number, an own id is in the index.
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
        return -1;
      }
      Long own = ownIds == null ? null : ownIds.get(id);
      return own == null ? -1 : (int) (own - oldest);
    }

    private void evictOldest() {
      Message m = messages[head];
      long w = weight(m);
      String own = m.id().orElse(null);
      if (own != null && ownIds != null) {
        ownIds.remove(own);
        if (ownIds.isEmpty()) {
          ownIds = null;
        }
      }
      messages[head] = null;
      head = (head + 1) % messages.length;
      size--;
      bytes -= w;
      used.addAndGet(-w);
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
