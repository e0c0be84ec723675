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
 * <p>The queue is a linked list with a consumed sentinel at {@link #head}. Producers (hub
 * deliveries, direct sends, heartbeats, from any thread) append with one atomic swap of {@link
 * #tail} and then link the previous tail to the new node. The transport is the only consumer,
 * except under {@link SlowConsumerPolicy#DROP_OLDEST}, where a producer also takes the oldest
 * event; then both take the {@link #polling} token for the few instructions of a removal.
 */
final class DefaultEventStream implements EventStream, StreamConnection {

  private static final VarHandle SIZE;
  private static final VarHandle EXEMPT;
  private static final VarHandle SIGNALLED;
  private static final VarHandle CLOSED;
  private static final VarHandle NOTIFIED;
  private static final VarHandle TAIL;
  private static final VarHandle POLLING;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SIZE = l.findVarHandle(DefaultEventStream.class, "size", int.class);
      EXEMPT = l.findVarHandle(DefaultEventStream.class, "exempt", int.class);
      SIGNALLED = l.findVarHandle(DefaultEventStream.class, "signalled", int.class);
      CLOSED = l.findVarHandle(DefaultEventStream.class, "closed", int.class);
      NOTIFIED = l.findVarHandle(DefaultEventStream.class, "notified", Object.class);
      TAIL = l.findVarHandle(DefaultEventStream.class, "tail", Node.class);
      POLLING = l.findVarHandle(DefaultEventStream.class, "polling", int.class);
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

  /** One queued event. {@code event} is cleared when the node becomes the consumed sentinel. */
  private static final class Node {
    @Nullable Event event;
    volatile @Nullable Node next;

    Node(@Nullable Event event) {
      this.event = event;
    }
  }

  /** The consumed sentinel; its {@code next} is the oldest queued event. Consumer-owned. */
  private Node head;
  /** The newest node; producers swap it. */
  private volatile Node tail;
  /** 1 while a removal runs under {@link SlowConsumerPolicy#DROP_OLDEST}. */
  @SuppressWarnings("unused") // through POLLING
  private volatile int polling;

  /** Events queued and not yet polled (live, initial, replayed and heartbeats alike). */
  private volatile int size;
  /**
   * Initial and replayed events queued and not yet polled: the queue may hold this many on top of
   * {@link #capacity}. Decremented by every poll while positive, whatever the event polled, so the
   * bound stays right whatever the interleaving of backlog and live events.
   */
  private volatile int exempt;
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
    Node sentinel = new Node(null);
    this.head = sentinel;
    this.tail = sentinel;
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
    if ((int) SIZE.getAndAdd(this, 1) >= capacity + exempt) {
      switch (policy) {
        case DROP_OLDEST:
          Event oldest = take();
          if (oldest != null) {
            taken();
            if (oldest != DefaultHub.HEARTBEAT) {
              hub.dropped(this, oldest); // a heartbeat is no event of the application's
            }
          }
          break;
        case DROP_NEWEST:
          SIZE.getAndAdd(this, -1);
          hub.dropped(this, event);
          return false;
        case CLOSE:
        default:
          SIZE.getAndAdd(this, -1);
          hub.close(this, CloseReason.SLOW_CONSUMER);
          hub.pushFailed(id, event);
          return false;
      }
    }
    append(event);
    markActive();
    wake();
    return true;
  }

  /** Queues an initial or replayed event, exempt from the capacity. */
  void enqueueBacklog(Event event) {
    EXEMPT.getAndAdd(this, 1);
    SIZE.getAndAdd(this, 1);
    append(event);
    markActive();
    wake();
  }

  /** Queues a heartbeat unless the queue is full. */
  void heartbeat(Event heartbeat) {
    if (closed == 0 && size < capacity) {
      SIZE.getAndAdd(this, 1);
      append(heartbeat);
      wake();
    }
  }

  private void append(Event event) {
    Node n = new Node(event);
    Node prev = (Node) TAIL.getAndSet(this, n);
    // Between the swap and this link the queue looks empty from head; the consumer then re-arms
    // the wake-up, and wake() below (after the link) sees it re-armed and wakes it again.
    prev.next = n;
  }

  /** Accounts for one event taken off the queue. */
  private void taken() {
    SIZE.getAndAdd(this, -1);
    int e;
    while ((e = exempt) > 0 && !EXEMPT.compareAndSet(this, e, e - 1)) {
      Thread.onSpinWait();
    }
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

  /** Removes the oldest event; the consumer's, or a producer's under DROP_OLDEST. */
  private @Nullable Event take() {
    if (policy != SlowConsumerPolicy.DROP_OLDEST) {
      return unlink();
    }
    while (!POLLING.compareAndSet(this, 0, 1)) {
      Thread.onSpinWait(); // held for a few instructions, never while writing
    }
    try {
      return unlink();
    } finally {
      POLLING.setRelease(this, 0);
    }
  }

  private @Nullable Event unlink() {
    Node h = head;
    Node n = h.next;
    if (n == null) {
      return null;
    }
    Event e = n.event;
    n.event = null; // n is the new sentinel: do not keep the event alive
    head = n;
    return e;
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
    Event e = take();
    if (e == null) {
      signalled = 0;
      e = take(); // an event queued before the flag was cleared would otherwise wait
      if (e == null) {
        return null;
      }
      signalled = 1;
    }
    taken();
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
      discarded = true; // the nodes go with the stream; nothing polls them any more
      size = 0;
      exempt = 0;
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
