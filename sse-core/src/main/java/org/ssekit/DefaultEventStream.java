package org.ssekit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A stream of a {@link DefaultHub}: an unbounded lock-free queue bounded by a counter, a wake-up
 * flag and the resume state used while the history is being read.
 */
final class DefaultEventStream implements EventStream, StreamConnection {

  final DefaultHub hub;
  final StreamAdapter adapter;
  final Optional<String> routingKey;
  private final String id;
  private final String topic;
  private final StreamRequest request;
  private final EventSink sink;
  private final int capacity;
  private final SlowConsumerPolicy policy;

  private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
  /** Events queued and not yet polled (live, initial, replayed and heartbeats alike). */
  private final AtomicInteger size = new AtomicInteger();
  /**
   * Initial and replayed events queued and not yet polled: the queue may hold this many on top of
   * {@link #capacity}. Decremented by every poll while positive, whatever the event polled, so the
   * bound stays right whatever the interleaving of backlog and live events.
   */
  private final AtomicInteger exempt = new AtomicInteger();
  /** True while the transport has been woken and has not yet polled the queue empty. */
  private final AtomicBoolean signalled = new AtomicBoolean();
  final AtomicBoolean closed = new AtomicBoolean();
  /**
   * Orders the listener calls of this stream: null while {@link Hub#open} runs, {@link
   * #CONNECTED} once {@code connected} was told, or the {@link CloseReason} of a close that
   * happened during {@code open} and waits for {@code connected} to be told first.
   */
  final AtomicReference<@Nullable Object> notified = new AtomicReference<>();

  static final Object CONNECTED = new Object();

  /** Set when an event is queued; cleared by each heartbeat tick. */
  volatile boolean active;
  private volatile @Nullable String lastEventId;
  private volatile @Nullable Map<String, Object> attributes;
  /** Non-null while the stream resumes from the history; see {@link DefaultHub}. */
  volatile @Nullable Resume resume;

  /** The state of a stream that resumes from the history. Guarded by the stream's monitor. */
  static final class Resume {
    /** Live messages that arrived while the history was read; null once it has been read. */
    @Nullable List<Message> buffer = new ArrayList<>();
    /**
     * The ids replayed from the history. Live delivery may still be behind the history read, so
     * live messages with these ids are skipped, until the first one that was not replayed.
     */
    Set<String> replayed = Set.of();
  }

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

  /** Queues a live event under the slow-consumer policy. */
  boolean enqueue(Event event) {
    if (closed.get()) {
      hub.pushFailed(id, event);
      return false;
    }
    if (size.incrementAndGet() > capacity + exempt.get()) {
      switch (policy) {
        case DROP_OLDEST:
          Event oldest = queue.poll();
          if (oldest != null) {
            taken();
            if (oldest != DefaultHub.HEARTBEAT) {
              hub.dropped(this, oldest); // a heartbeat is no event of the application's
            }
          }
          break;
        case DROP_NEWEST:
          size.decrementAndGet();
          hub.dropped(this, event);
          return false;
        case CLOSE:
        default:
          size.decrementAndGet();
          hub.close(this, CloseReason.SLOW_CONSUMER);
          hub.pushFailed(id, event);
          return false;
      }
    }
    queue.add(event);
    markActive();
    wake();
    return true;
  }

  /** Queues an initial or replayed event, exempt from the capacity. */
  void enqueueBacklog(Event event) {
    exempt.incrementAndGet();
    size.incrementAndGet();
    queue.add(event);
    markActive();
    wake();
  }

  /** Queues a heartbeat unless the queue is full. */
  void heartbeat(Event heartbeat) {
    if (!closed.get() && size.get() < capacity) {
      size.incrementAndGet();
      queue.add(heartbeat);
      wake();
    }
  }

  /** Accounts for one event taken off the queue. */
  private void taken() {
    size.decrementAndGet();
    if (exempt.get() > 0) {
      exempt.getAndUpdate(DefaultEventStream::decrementIfPositive);
    }
  }

  private static int decrementIfPositive(int n) {
    return n > 0 ? n - 1 : 0;
  }

  /** Notes traffic for the heartbeat task; writes the volatile only when it changes. */
  private void markActive() {
    if (!active) {
      active = true;
    }
  }

  private void wake() {
    // a plain read first: while the transport is busy, no CAS per event
    if (!signalled.get() && signalled.compareAndSet(false, true)) {
      try {
        sink.wake();
      } catch (RuntimeException e) {
        hub.sinkFailed(this, e);
      }
    }
  }

  @Override
  public @Nullable Event poll() {
    Event e = queue.poll();
    if (e == null) {
      signalled.set(false);
      e = queue.poll(); // an event queued before the flag was cleared would otherwise wait
      if (e == null) {
        return null;
      }
      signalled.set(true);
    }
    taken();
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

  /** Called once by the hub on close: frees the queue if nobody will read it, tells the sink. */
  void closed(CloseReason reason) {
    if (reason == CloseReason.CLIENT_GONE || reason == CloseReason.SLOW_CONSUMER) {
      queue.clear();
      size.set(0);
      exempt.set(0);
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
    return Math.max(0, size.get());
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
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

  /** Starts buffering live messages while the history is read. */
  void beginReplay() {
    resume = new Resume();
  }

  @Override
  public String toString() {
    return "EventStream{id=" + id + ", topic=" + topic + ", open=" + isOpen() + "}";
  }
}
