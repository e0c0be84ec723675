package org.ssekit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A stream of a {@link DefaultHub}: an intrusive multi-producer queue bounded by a counter, a
 * wake-up flag and the resume state used while the history is being read.
 *
 * <p>Every hub delivery to a stream touches this object, so its hot state lives in its own fields
 * (updated through {@link VarHandle}s) rather than in separate atomic objects and a separate queue:
 * fanning one message out to 10,000 streams then reads and writes about two cache lines per stream
 * instead of eight, and an idle stream costs a few hundred bytes less.
 *
 * <p>The queue is a ring of event references that grows by doubling (allocated on the first event,
 * dropped as soon as a burst that grew it past {@value #KEEP_SLOTS} slots has drained, and shrunk
 * to its first size by a heartbeat of an idle stream), so a delivery allocates nothing once the
 * ring has the size the traffic needs. Producers (hub deliveries, direct sends, heartbeats, from
 * any thread) and the transport, the one consumer, take the {@link #lock} token for the few
 * instructions of an insertion or removal; it is never held while calling the hub, the sink or
 * user code. The counts ({@link #size}, {@link #exempt}) are
 * changed under the token only, and read without it by the heartbeat and {@link #queued()}.
 */
final class DefaultEventStream implements EventStream, StreamConnection {

  private static final VarHandle SIZE;
  private static final VarHandle SIGNALLED;
  private static final VarHandle CLOSED;
  private static final VarHandle NOTIFIED;
  private static final VarHandle LOCK;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SIZE = l.findVarHandle(DefaultEventStream.class, "size", int.class);
      SIGNALLED = l.findVarHandle(DefaultEventStream.class, "signalled", int.class);
      CLOSED = l.findVarHandle(DefaultEventStream.class, "closed", int.class);
      NOTIFIED = l.findVarHandle(DefaultEventStream.class, "notified", Object.class);
      LOCK = l.findVarHandle(DefaultEventStream.class, "lock", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final DefaultHub hub;
  final StreamAdapter adapter;
  final Optional<String> routingKey;
  private final String id;
  private final String topic;
  private final StreamRequest request;
  private final EventSink sink;
  private final int capacity;
  private final SlowConsumerPolicy policy;

  /** Slots of the first ring. A power of two, as every ring's length is. */
  private static final int FIRST_SLOTS = 4;
  /** A ring longer than this is dropped when it drains, so one burst does not hold memory. */
  static final int KEEP_SLOTS = 64;
  /** Spins on a held {@link #lock} before yielding the core to its holder. */
  private static final int SPINS = 64;

  /** The queued events from {@code ring[first]} on, wrapping; null until the first event. */
  private Event @Nullable [] ring;
  /** Index of the oldest queued event in {@link #ring}. Under {@link #lock}. */
  private int first;
  /** 1 while a thread inserts into or removes from {@link #ring}. */
  @SuppressWarnings("unused") // through LOCK
  private volatile int lock;

  /**
   * Events queued and not yet polled (live, initial, replayed and heartbeats alike). Written under
   * {@link #lock}; read without it.
   */
  private volatile int size;
  /**
   * Initial and replayed events queued and not yet polled: the queue may hold this many on top of
   * {@link #capacity}. Decremented by every removal while positive, whatever the event removed, so
   * the bound stays right whatever the interleaving of backlog and live events. Under {@link
   * #lock}.
   */
  private int exempt;
  /** 1 while the transport has been woken and has not yet polled the queue empty. */
  private volatile int signalled;
  /** 1 once the hub closed the stream. */
  private volatile int closed;
  /** Set when the transport will not read what is queued: polls return nothing. */
  private volatile boolean discarded;
  /**
   * Orders the listener calls of this stream: null while {@link Hub#open} runs, {@link
   * #CONNECTED} once {@code connected} was told, or the {@link CloseReason} of a close that
   * happened during {@code open} and waits for {@code connected} to be told first.
   */
  @SuppressWarnings("unused") // through NOTIFIED
  private volatile @Nullable Object notified;

  static final Object CONNECTED = new Object();

  /** Set when an event is queued; cleared by each heartbeat tick. */
  volatile boolean active;
  private volatile @Nullable String lastEventId;
  private volatile @Nullable Map<String, Object> attributes;
  /**
   * An event of a sampled message on its way through this stream's queue (compared by identity
   * when polled), and that message's publish time in epoch microseconds. Written by the fan-out
   * before it queues the event, so the queue's own ordering makes them visible to the consumer.
   */
  private volatile @Nullable Event probe;
  private long probeSentAt;
  /** A probe whose event was dropped or never polled gives way after this long. */
  private static final long PROBE_STALE_MICROS = 10_000_000;

  /** Non-null while the stream resumes from the history; owned by {@link Resumption}. */
  volatile Resumption.@Nullable State resume;

  DefaultEventStream(
      DefaultHub hub,
      String id,
      String topic,
      StreamAdapter adapter,
      Optional<String> routingKey,
      StreamRequest request,
      EventSink sink,
      int capacity,
      SlowConsumerPolicy policy) {
    this.hub = hub;
    this.id = id;
    this.topic = topic;
    this.adapter = adapter;
    this.routingKey = routingKey;
    this.request = request;
    this.sink = sink;
    this.capacity = capacity;
    this.policy = policy;
    this.lastEventId = request.lastEventId().orElse(null);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public StreamRequest request() {
    return request;
  }

  @Override
  public Optional<String> userId() {
    return request.principal();
  }

  @Override
  public EventStream stream() {
    return this;
  }

  @Override
  public boolean send(Event event) {
    return enqueue(event);
  }

  // ---- state used by the hub ---------------------------------------------------------------

  /** Marks the stream closed; true for the one caller that closed it. */
  boolean markClosed() {
    return CLOSED.compareAndSet(this, 0, 1);
  }

  /** True once {@link #markClosed()} succeeded. */
  boolean isClosed() {
    return closed != 0;
  }

  /**
   * Called by {@code open} when it has told the listeners of the connection: returns the close
   * reason of a close that happened meanwhile (and waits to be told), or null.
   */
  @Nullable CloseReason connectedNotified() {
    Object pending = NOTIFIED.getAndSet(this, CONNECTED);
    return pending instanceof CloseReason ? (CloseReason) pending : null;
  }

  /** True if the close must wait for {@code open} to tell the connection first. */
  boolean deferCloseNotification(CloseReason reason) {
    return NOTIFIED.compareAndSet(this, null, reason);
  }

  // ---- producing ---------------------------------------------------------------------------

  /** Queues a live event under the slow-consumer policy. */
  boolean enqueue(Event event) {
    if (closed != 0) {
      hub.pushFailed(id, event);
      return false;
    }
    Event oldest = null;
    lock();
    if (size >= capacity + exempt) {
      if (policy != SlowConsumerPolicy.DROP_OLDEST) {
        unlock();
        if (policy == SlowConsumerPolicy.DROP_NEWEST) {
          hub.dropped(this, event);
        } else {
          hub.close(this, CloseReason.SLOW_CONSUMER);
          hub.pushFailed(id, event);
        }
        return false;
      }
      oldest = removeLocked();
    }
    try {
      addLocked(event);
    } finally {
      unlock();
    }
    if (oldest != null && oldest != DefaultHub.HEARTBEAT) {
      hub.dropped(this, oldest); // a heartbeat is no event of the application's
    }
    markActive();
    wake();
    return true;
  }

  /** Queues an initial or replayed event, exempt from the capacity. */
  void enqueueBacklog(Event event) {
    lock();
    try {
      addLocked(event);
      exempt++;
    } finally {
      unlock();
    }
    markActive();
    wake();
  }

  /**
   * Queues a heartbeat unless the queue is full. The hub sends it to streams that had no traffic
   * for a heartbeat period, so an empty ring that a past burst grew is replaced here by one of the
   * first size.
   */
  void heartbeat(Event heartbeat) {
    if (closed == 0 && size < capacity) {
      lock();
      try {
        if (size < capacity) {
          Event[] r = ring;
          if (size == 0 && r != null && r.length > FIRST_SLOTS) {
            ring = null;
          }
          addLocked(heartbeat);
        }
      } finally {
        unlock();
      }
      wake();
    }
  }

  private void lock() {
    if (!LOCK.compareAndSet(this, 0, 1)) {
      contended();
    }
  }

  private void contended() {
    for (int i = 0; ; i++) {
      if (lock == 0 && LOCK.compareAndSet(this, 0, 1)) {
        return;
      }
      if (i < SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the holder may have lost its core; it needs only a few instructions
      }
    }
  }

  private void unlock() {
    LOCK.setRelease(this, 0);
  }

  /** Appends under the lock, growing the ring when it is full. */
  private void addLocked(Event event) {
    Event[] r = ring;
    int n = size;
    if (r == null) {
      r = new Event[FIRST_SLOTS];
      ring = r;
      first = 0;
    } else if (n == r.length) {
      Event[] grown = new Event[n * 2];
      for (int i = 0; i < n; i++) {
        grown[i] = r[(first + i) & (n - 1)];
      }
      r = grown;
      ring = r;
      first = 0;
    }
    r[(first + n) & (r.length - 1)] = event;
    SIZE.setRelease(this, n + 1);
  }

  /** Removes the oldest event under the lock, or returns null if none is queued. */
  private @Nullable Event removeLocked() {
    int n = size;
    Event[] r = ring;
    if (n == 0 || r == null) {
      return null;
    }
    int f = first;
    Event e = r[f];
    r[f] = null;
    if (n == 1 && r.length > KEEP_SLOTS) {
      ring = null; // a burst grew it; an idle stream should not keep it (addLocked starts anew)
    } else {
      first = (f + 1) & (r.length - 1);
    }
    SIZE.setRelease(this, n - 1);
    if (exempt > 0) {
      exempt--;
    }
    return e;
  }

  /** Notes traffic for the heartbeat task; writes the volatile only when it changes. */
  private void markActive() {
    if (!active) {
      active = true;
    }
  }

  private void wake() {
    // a plain read first: while the transport is busy, no CAS per event
    if (signalled == 0 && SIGNALLED.compareAndSet(this, 0, 1)) {
      try {
        sink.wake();
      } catch (RuntimeException e) {
        hub.sinkFailed(this, e);
      }
    }
  }

  // ---- consuming ---------------------------------------------------------------------------

  /** Removes the oldest event, or returns null if none is queued. */
  private @Nullable Event take() {
    lock();
    try {
      return removeLocked();
    } finally {
      unlock();
    }
  }

  /** Marks {@code event}, about to be queued, as a latency probe unless one is pending. */
  void probe(Event event, long sentAt) {
    if (probe == null || sentAt - probeSentAt > PROBE_STALE_MICROS) {
      probeSentAt = sentAt;
      probe = event;
    }
  }

  @Override
  public @Nullable Event poll() {
    if (discarded) {
      return null;
    }
    // Without the lock while nothing seems queued. The second take, after the flag is cleared,
    // takes the lock: a producer whose event it misses then reads the cleared flag and wakes us.
    Event e = size == 0 ? null : take();
    if (e == null) {
      signalled = 0;
      e = take();
      if (e == null) {
        return null;
      }
      signalled = 1;
    }
    Event p = probe;
    if (p == e) {
      probe = null;
      hub.latencySampled(probeSentAt);
    }
    String eventId = e.idOrNull();
    if (eventId != null) {
      lastEventId = eventId;
    }
    return e;
  }

  @Override
  public void close(CloseReason reason) {
    hub.close(this, reason);
  }

  /** Called once by the hub on close: drops the queue if nobody will read it, tells the sink. */
  void closed(CloseReason reason) {
    if (reason == CloseReason.CLIENT_GONE || reason == CloseReason.SLOW_CONSUMER) {
      discarded = true; // nothing polls the queue any more: let its events go
      lock();
      ring = null;
      SIZE.setRelease(this, 0);
      exempt = 0;
      unlock();
    }
    try {
      sink.closed();
    } catch (RuntimeException e) {
      hub.sinkFailed(this, e);
    }
  }

  @Override
  public Optional<String> lastEventId() {
    return Optional.ofNullable(lastEventId);
  }

  @Override
  public int queued() {
    return Math.max(0, size);
  }

  @Override
  public boolean isOpen() {
    return closed == 0;
  }

  @Override
  public Map<String, Object> attributes() {
    Map<String, Object> a = attributes;
    if (a == null) {
      synchronized (this) {
        a = attributes;
        if (a == null) {
          a = new ConcurrentHashMap<>();
          attributes = a;
        }
      }
    }
    return a;
  }

  @Override
  public void close() {
    hub.close(this, CloseReason.CLOSED_BY_SERVER);
  }

  @Override
  public String toString() {
    return "EventStream{id=" + id + ", topic=" + topic + ", open=" + isOpen() + "}";
  }
}
