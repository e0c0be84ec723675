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
import org.jspecify.annotations.Nullable;

/**
 * A stream of a {@link DefaultHub}: an unbounded lock-free queue whose live part is bounded by a
 * counter, a wake-up flag and the replay buffer used while the history is being read.
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
  /** Live events queued, counted against {@link #capacity}. */
  private final AtomicInteger size = new AtomicInteger();
  /** Initial and replayed events queued, exempt from the capacity. */
  private final AtomicInteger backlog = new AtomicInteger();
  /** True while the transport has been woken and has not yet polled the queue empty. */
  private final AtomicBoolean signalled = new AtomicBoolean();
  final AtomicBoolean closed = new AtomicBoolean();
  /** Set when an event is queued; cleared by each heartbeat tick. */
  volatile boolean active;
  private volatile @Nullable String lastEventId;
  private volatile @Nullable Map<String, Object> attributes;
  /** Live messages that arrived while the history was read; null once read. Guarded by this. */
  @Nullable List<Message> replayBuffer;
  /**
   * Ids replayed from the history; live messages with these ids are duplicates. Dropped at the
   * first live message not in it: live delivery follows log order, so all later ones are newer.
   * Guarded by this.
   */
  @Nullable Set<String> replayedIds;
  /** True while {@link #replayBuffer} or {@link #replayedIds} is set: live delivery must check. */
  volatile boolean catchingUp;

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
    if (size.incrementAndGet() > capacity) {
      switch (policy) {
        case DROP_OLDEST:
          Event oldest = queue.poll();
          if (oldest != null) {
            size.decrementAndGet();
            hub.dropped(this, oldest);
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
    active = true;
    wake();
    return true;
  }

  /** Queues an initial or replayed event, exempt from the capacity. */
  void enqueueBacklog(Event event) {
    backlog.incrementAndGet();
    queue.add(event);
    active = true;
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

  private void wake() {
    if (signalled.compareAndSet(false, true)) {
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
    if (backlog.get() > 0 && backlog.getAndDecrement() > 0) {
      // attributed to the initial/replay backlog, which is queued first
    } else {
      size.decrementAndGet();
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

  /** Called once by the hub on close: frees the queue if nobody will read it, tells the sink. */
  void closed(CloseReason reason) {
    if (reason == CloseReason.CLIENT_GONE || reason == CloseReason.SLOW_CONSUMER) {
      queue.clear();
      size.set(0);
      backlog.set(0);
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
    return Math.max(0, size.get()) + Math.max(0, backlog.get());
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
  synchronized void beginReplay() {
    replayBuffer = new ArrayList<>();
    catchingUp = true;
  }

  /**
   * Decides, under this stream's lock, what happens to a live message while catching up: true
   * means deliver it now; false means it was buffered or is a duplicate of a replayed message.
   */
  synchronized boolean admitLive(Message m) {
    if (replayBuffer != null) {
      replayBuffer.add(m);
      return false;
    }
    return admitAfterReplay(m);
  }

  /** The duplicate filter after the replay; caller holds this stream's lock. */
  boolean admitAfterReplay(Message m) {
    Set<String> ids = replayedIds;
    if (ids == null) {
      return true;
    }
    String mid = m.id().orElse(null);
    if (mid != null && ids.contains(mid)) {
      return false;
    }
    replayedIds = null;
    catchingUp = false;
    return true;
  }

  @Override
  public String toString() {
    return "EventStream{id=" + id + ", topic=" + topic + ", open=" + isOpen() + "}";
  }
}
