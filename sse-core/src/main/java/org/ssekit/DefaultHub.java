package org.ssekit;

import org.ssekit.broker.Broker;
import org.ssekit.broker.Subscriber;
import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Hub} implementation. */
final class DefaultHub implements Hub {

  private static final Logger log = LoggerFactory.getLogger(DefaultHub.class);
  static final Event HEARTBEAT = Event.comment("");

  private final Broker broker;
  private final boolean ownsBroker;
  private final @Nullable EventLog history;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final @Nullable ScheduledFuture<?> heartbeatTask;
  private final @Nullable Event retryEvent;
  private final int queueCapacity;
  private final int replayLimit;
  private final SlowConsumerPolicy policy;
  private final List<HubListener> listeners;

  private final ConcurrentHashMap<String, DefaultEventStream> streams = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<DefaultEventStream>> byUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
  private final AtomicLong streamIds = new AtomicLong();
  private final String idPrefix = Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";
  private final AtomicBoolean closed = new AtomicBoolean();

  DefaultHub(Hub.Builder b) {
    this.ownsBroker = b.broker == null;
    this.broker = b.broker != null ? b.broker : InMemoryBroker.create();
    this.history = broker.history().orElse(null);
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : defaultScheduler();
    this.retryEvent = b.retry == null ? null : Event.builder().retry(b.retry).build();
    this.queueCapacity = b.queueCapacity;
    this.replayLimit = b.replayLimit;
    this.policy = b.slowConsumerPolicy;
    this.listeners = List.copyOf(b.listeners);
    Duration hb = b.heartbeat;
    if (hb.isZero()) {
      heartbeatTask = null;
    } else {
      long nanos = hb.toNanos();
      heartbeatTask =
          scheduler.scheduleAtFixedRate(this::heartbeat, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private static ScheduledExecutorService defaultScheduler() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "ssekit-heartbeat");
          t.setDaemon(true);
          return t;
        });
  }

  // ---- opening -------------------------------------------------------------------------------

  @Override
  public StreamConnection open(
      String topic, StreamAdapter adapter, StreamRequest request, EventSink sink) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(sink, "sink");
    if (closed.get()) {
      throw new StreamRejectedException(InitialResponse.reject(503, "the hub is closed"));
    }
    InitialResponse initial;
    Optional<String> key;
    try {
      initial = Objects.requireNonNull(adapter.initial(request), "initial response");
      if (!initial.accepted()) {
        throw new StreamRejectedException(initial);
      }
      key = Objects.requireNonNull(adapter.routingKey(request), "routing key");
    } catch (StreamRejectedException e) {
      throw e;
    } catch (RuntimeException e) {
      log.error("stream adapter {} failed to open {} for {}", adapter, topic, request, e);
      throw new StreamRejectedException(InitialResponse.reject(500, "stream adapter failed"));
    }
    String id = idPrefix + Long.toString(streamIds.incrementAndGet(), 36);
    DefaultEventStream s =
        new DefaultEventStream(this, id, topic, adapter, key, request, sink, queueCapacity, policy);
    String lastId = request.lastEventId().orElse(null);
    boolean replay = lastId != null && history != null;
    if (replay) {
      s.beginReplay();
    }
    if (retryEvent != null) {
      s.enqueueBacklog(retryEvent);
    }
    for (Event e : initial.events()) {
      s.enqueueBacklog(e);
    }
    streams.put(id, s);
    s.userId().ifPresent(u -> byUser.computeIfAbsent(u, x -> ConcurrentHashMap.newKeySet()).add(s));
    try {
      join(s);
    } catch (RuntimeException e) {
      log.error("cannot subscribe to topic {}", topic, e);
      close(s, CloseReason.ERROR);
      unregister(s);
      throw new StreamRejectedException(InitialResponse.reject(503, "cannot subscribe to the topic"));
    }
    if (replay) {
      replay(s, lastId);
    }
    if (closed.get()) {
      close(s, CloseReason.HUB_CLOSED); // lost a race with close(): do not leak the stream
    }
    if (s.isClosed()) {
      unregister(s); // closed while registering (a failing sink or adapter): free it for sure
    }
    for (HubListener l : listeners) {
      try {
        l.connected(s);
      } catch (RuntimeException e) {
        log.warn("hub listener {} failed on connected", l, e);
      }
    }
    CloseReason pending = s.connectedNotified();
    if (pending != null) {
      notifyClosed(s, pending); // closed during open: tell it after connected
    }
    return s;
  }

  private void replay(DefaultEventStream s, String lastId) {
    EventLog.Replay r;
    try {
      r = Objects.requireNonNull(history).readAfter(s.topic(), lastId, replayLimit);
    } catch (RuntimeException e) {
      log.warn("cannot read history of {} after {}; telling the client it has a gap", s.topic(), lastId, e);
      r = new EventLog.Replay(List.of(), false);
    }
    if (!r.complete()) {
      try {
        Event gap = s.adapter.historyGap(s.request(), lastId);
        if (gap != null) {
          s.enqueueBacklog(gap);
        }
      } catch (RuntimeException e) {
        s.resume = null;
        fail(s, "historyGap", e);
        return;
      }
    }
    Set<String> replayed = new HashSet<>();
    replayed.add(lastId); // the client has it: never deliver it again
    for (Message m : r.messages()) {
      m.id().ifPresent(replayed::add);
      if (!deliverTo(s, m, true)) {
        s.resume = null;
        return;
      }
    }
    synchronized (s) {
      DefaultEventStream.Resume state = Objects.requireNonNull(s.resume);
      List<Message> buffered = Objects.requireNonNull(state.buffer);
      state.buffer = null;
      // The buffer follows history order. It may start with messages the client already has: up
      // to its last event id when live delivery lags behind the client (a message in flight
      // while the stream joined, or another instance ahead of this one), then messages already
      // replayed, when live delivery lags behind the history read. Skip all of those; from the
      // first message that is neither on, everything is new.
      int from = 0;
      for (int i = buffered.size() - 1; i >= 0; i--) {
        if (lastId.equals(buffered.get(i).id().orElse(null))) {
          from = i + 1;
          break;
        }
      }
      boolean skipping = true;
      for (Message m : buffered.subList(from, buffered.size())) {
        if (skipping) {
          String mid = m.id().orElse(null);
          if (mid != null && replayed.contains(mid)) {
            continue; // already replayed: no duplicate
          }
          skipping = false;
        }
        if (!deliverTo(s, m, true)) {
          s.resume = null;
          return;
        }
      }
      if (skipping) {
        state.replayed = replayed;
      } else {
        s.resume = null;
      }
    }
  }

  /**
   * Whether a live message may go to a stream that is resuming: buffers it while the history is
   * read, then skips the already replayed messages that live delivery still brings.
   */
  private static boolean admitWhileResuming(DefaultEventStream s, Message m) {
    synchronized (s) {
      DefaultEventStream.Resume state = s.resume;
      if (state == null) {
        return true;
      }
      if (state.buffer != null) {
        state.buffer.add(m);
        return false;
      }
      String mid = m.id().orElse(null);
      if (mid != null && state.replayed.contains(mid)) {
        return false;
      }
      s.resume = null; // the first message that was not replayed: live from here on
      return true;
    }
  }

  // ---- topics and fan-out ---------------------------------------------------------------------

  /** One topic of this hub: its broker subscription and its streams, grouped by adapter. */
  private static final class Topic {
    final String name;
    final ConcurrentHashMap<StreamAdapter, Group> groups = new ConcurrentHashMap<>();
    Subscriber.@Nullable Subscription subscription; // guarded by this
    int count; // guarded by this
    boolean removed; // guarded by this

    Topic(String name) {
      this.name = name;
    }
  }

  /**
   * The streams of one topic that share an adapter: those taking all messages, and by key.
   * Concurrent sets, not copy-on-write lists: opening or closing one of n streams of a topic must
   * cost O(1), not a copy of n references (which made closing 10,000 streams quadratic).
   */
  private static final class Group {
    private static final DefaultEventStream[] NONE = new DefaultEventStream[0];

    final StreamAdapter adapter;
    final Set<DefaultEventStream> all = ConcurrentHashMap.newKeySet();
    final ConcurrentHashMap<String, Set<DefaultEventStream>> byKey = new ConcurrentHashMap<>();
    /**
     * {@link #all} as an array for deliveries, rebuilt by the first delivery after a change:
     * walking an array is cheaper than walking a concurrent set, and a burst of opens or closes
     * costs one rebuild, not one copy per change.
     */
    private volatile DefaultEventStream[] snapshot = NONE;
    /** Set (under the topic's lock) when {@link #all} changed since the snapshot was taken. */
    volatile boolean changed;

    Group(StreamAdapter adapter) {
      this.adapter = adapter;
    }

    /** The streams taking all messages, as of the last change before this call. */
    DefaultEventStream[] all(Topic t) {
      if (changed) {
        synchronized (t) {
          if (changed) {
            changed = false; // before reading the set: a change during the copy marks it again
            snapshot = all.toArray(NONE);
          }
        }
      }
      return snapshot;
    }

    boolean isEmpty() {
      return all.isEmpty() && byKey.isEmpty();
    }
  }

  private void join(DefaultEventStream s) {
    while (true) {
      Topic t = topics.computeIfAbsent(s.topic(), Topic::new);
      synchronized (t) {
        if (t.removed) {
          continue;
        }
        if (t.subscription == null) {
          String name = t.name;
          Topic subscribed = t;
          // bound to this Topic instance: a subscription still closing after its topic emptied
          // must not deliver to the streams of a newer instance of the same topic (duplicates)
          t.subscription = broker.subscribe(name, new TopicHandler(subscribed));
        }
        Group g = t.groups.computeIfAbsent(s.adapter, Group::new);
        if (s.routingKey.isPresent()) {
          g.byKey.computeIfAbsent(s.routingKey.get(), k -> ConcurrentHashMap.newKeySet()).add(s);
        } else {
          g.all.add(s);
          g.changed = true;
        }
        t.count++;
        return;
      }
    }
  }

  private void leave(DefaultEventStream s) {
    Topic t = topics.get(s.topic());
    if (t == null) {
      return;
    }
    Subscriber.Subscription sub = null;
    synchronized (t) {
      Group g = t.groups.get(s.adapter);
      if (g == null) {
        return;
      }
      boolean removed;
      if (s.routingKey.isPresent()) {
        String k = s.routingKey.get();
        Set<DefaultEventStream> list = g.byKey.get(k);
        removed = list != null && list.remove(s);
        if (list != null && list.isEmpty()) {
          g.byKey.remove(k);
        }
      } else {
        removed = g.all.remove(s);
        g.changed |= removed;
      }
      if (!removed) {
        return;
      }
      if (g.isEmpty()) {
        t.groups.remove(s.adapter);
      }
      if (--t.count == 0) {
        t.removed = true;
        topics.remove(t.name, t);
        sub = t.subscription;
        t.subscription = null;
      }
    }
    if (sub != null) {
      try {
        sub.close();
      } catch (RuntimeException e) {
        log.warn("closing the subscription of topic {} failed", t.name, e);
      }
    }
  }

  /** The broker's deliveries to one {@link Topic} instance. */
  private final class TopicHandler implements Subscriber.MessageHandler {
    private final Topic topic;

    TopicHandler(Topic topic) {
      this.topic = topic;
    }

    @Override
    public void onMessage(String name, Message message) {
      DefaultHub.this.onMessage(topic, message);
    }

    @Override
    public void onGap(String name) {
      DefaultHub.this.onGap(topic);
    }
  }

  /**
   * The broker skipped messages of {@code t}: its streams can never get them live, so close them
   * all; each client reconnects with its last event id and the replay tells it of the gap.
   */
  private void onGap(Topic t) {
    List<DefaultEventStream> victims = new ArrayList<>();
    for (Group g : t.groups.values()) {
      victims.addAll(g.all);
      for (Set<DefaultEventStream> list : g.byKey.values()) {
        victims.addAll(list);
      }
    }
    log.warn(
        "broker skipped messages of topic {}; closing its {} stream(s) so they resume",
        t.name,
        victims.size());
    for (DefaultEventStream s : victims) {
      close(s, CloseReason.HISTORY_GAP);
    }
  }

  /** The broker's delivery of one message: route it to the streams that want it. */
  private void onMessage(Topic t, Message message) {
    for (Group g : t.groups.values()) {
      for (DefaultEventStream s : g.all(t)) {
        deliver(s, message);
      }
      if (g.byKey.isEmpty()) {
        continue;
      }
      Optional<String> key;
      try {
        key = g.adapter.routingKey(message);
      } catch (RuntimeException e) {
        log.warn("stream adapter {} failed to route {}; skipping it", g.adapter, message, e);
        continue;
      }
      if (key.isEmpty()) {
        for (Set<DefaultEventStream> list : g.byKey.values()) {
          deliver(list, message);
        }
      } else {
        Set<DefaultEventStream> list = g.byKey.get(key.get());
        if (list != null) {
          deliver(list, message);
        }
      }
    }
  }

  private void deliver(Set<DefaultEventStream> list, Message message) {
    for (DefaultEventStream s : list) {
      deliver(s, message);
    }
  }

  private void deliver(DefaultEventStream s, Message message) {
    if (s.isClosed() || (s.resume != null && !admitWhileResuming(s, message))) {
      return; // a snapshot may still hold a stream that has just closed: skip it quietly
    }
    deliverTo(s, message, false);
  }

  /** Maps {@code m} through the stream's adapter and queues it; false if that closed the stream. */
  private boolean deliverTo(DefaultEventStream s, Message m, boolean backlog) {
    Event e;
    try {
      if (backlog && s.routingKey.isPresent()) {
        Optional<String> key = s.adapter.routingKey(m);
        if (key.isPresent() && !key.equals(s.routingKey)) {
          return true; // history holds the whole topic: replay only what this stream routes to
        }
      }
      e = s.adapter.next(s.request(), m);
    } catch (RuntimeException ex) {
      fail(s, "next", ex);
      return false;
    }
    if (e != null) {
      if (backlog) {
        s.enqueueBacklog(e);
      } else {
        s.enqueue(e);
      }
    }
    return s.isOpen();
  }

  private void fail(DefaultEventStream s, String callback, RuntimeException e) {
    log.error("stream adapter {}.{} failed on stream {}; closing it", s.adapter, callback, s.id(), e);
    close(s, CloseReason.ERROR);
  }

  // ---- heartbeats -----------------------------------------------------------------------------

  private void heartbeat() {
    try {
      for (DefaultEventStream s : streams.values()) {
        if (s.active) {
          s.active = false;
        } else {
          s.heartbeat(HEARTBEAT);
        }
      }
    } catch (RuntimeException e) {
      log.error("heartbeat task failed", e); // never let the periodic task die
    }
  }

  // ---- publishing and direct sends ------------------------------------------------------------

  @Override
  public CompletionStage<Message> publish(String topic, Event event) {
    Objects.requireNonNull(event, "event");
    return publish(topic, Message.fromEvent(event));
  }

  @Override
  public CompletionStage<Message> publish(String topic, String key, Event event) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(event, "event");
    return publish(topic, Message.fromEvent(event).withMetadata(Message.KEY, key));
  }

  @Override
  public CompletionStage<Message> publish(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the hub is closed"));
    }
    try {
      return broker.publish(topic, message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean send(String streamId, Event event) {
    Objects.requireNonNull(event, "event");
    DefaultEventStream s = streams.get(streamId);
    if (s == null) {
      pushFailed(streamId, event);
      return false;
    }
    return s.enqueue(event);
  }

  @Override
  public int sendToUser(String userId, Event event) {
    Objects.requireNonNull(event, "event");
    Set<DefaultEventStream> set = byUser.get(userId);
    int n = 0;
    if (set != null) {
      for (DefaultEventStream s : set) {
        if (s.enqueue(event)) {
          n++;
        }
      }
    }
    if (n == 0) {
      pushFailed(userId, event);
    }
    return n;
  }

  @Override
  public int broadcast(Event event) {
    Objects.requireNonNull(event, "event");
    int n = 0;
    for (DefaultEventStream s : streams.values()) {
      if (s.enqueue(event)) {
        n++;
      }
    }
    return n;
  }

  // ---- queries --------------------------------------------------------------------------------

  @Override
  public Optional<EventStream> stream(String streamId) {
    return Optional.ofNullable(streams.get(streamId));
  }

  @Override
  public Collection<EventStream> streams() {
    return List.copyOf(streams.values());
  }

  @Override
  public int streamCount() {
    return streams.size();
  }

  @Override
  public int streamCount(String topic) {
    Topic t = topics.get(topic);
    if (t == null) {
      return 0;
    }
    synchronized (t) {
      return t.count;
    }
  }

  @Override
  public Broker broker() {
    return broker;
  }

  // ---- closing --------------------------------------------------------------------------------

  /** The one path every close takes: frees the stream, tells the sink, then the listeners. */
  void close(DefaultEventStream s, CloseReason reason) {
    if (!s.markClosed()) {
      return;
    }
    unregister(s);
    s.closed(reason);
    if (s.deferCloseNotification(reason)) {
      return; // open() has not told the listeners of the connection yet; it tells both, in order
    }
    notifyClosed(s, reason);
  }

  /** Removes {@code s} from every index of the hub. Idempotent. */
  private void unregister(DefaultEventStream s) {
    streams.remove(s.id(), s);
    s.userId()
        .ifPresent(
            u ->
                byUser.computeIfPresent(
                    u,
                    (k, set) -> {
                      set.remove(s);
                      return set.isEmpty() ? null : set;
                    }));
    leave(s);
  }

  private void notifyClosed(DefaultEventStream s, CloseReason reason) {
    for (HubListener l : listeners) {
      try {
        l.closed(s, reason);
      } catch (RuntimeException e) {
        log.warn("hub listener {} failed on closed", l, e);
      }
    }
  }

  void dropped(DefaultEventStream s, Event e) {
    for (HubListener l : listeners) {
      try {
        l.dropped(s, e);
      } catch (RuntimeException ex) {
        log.warn("hub listener {} failed on dropped", l, ex);
      }
    }
  }

  void pushFailed(String target, Event e) {
    for (HubListener l : listeners) {
      try {
        l.pushFailed(target, e);
      } catch (RuntimeException ex) {
        log.warn("hub listener {} failed on pushFailed", l, ex);
      }
    }
  }

  void sinkFailed(DefaultEventStream s, RuntimeException e) {
    log.error("event sink of stream {} threw; closing it", s.id(), e);
    close(s, CloseReason.ERROR);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (heartbeatTask != null) {
      heartbeatTask.cancel(false);
    }
    for (DefaultEventStream s : streams.values()) {
      close(s, CloseReason.HUB_CLOSED);
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    if (ownsBroker) {
      broker.close();
    }
  }

  @Override
  public String toString() {
    return "Hub{streams=" + streams.size() + ", topics=" + topics.size() + "}";
  }
}
