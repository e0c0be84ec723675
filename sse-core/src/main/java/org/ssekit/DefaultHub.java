package org.ssekit;

import org.ssekit.broker.Broker;
import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
  private final SlowConsumerPolicy policy;
  private final Listeners listeners;
  private final int latencySampling;
  private final Counters counters = new Counters();
  private final TopicIndex topics;
  private final @Nullable Resumption resumption;

  private final ConcurrentHashMap<String, DefaultEventStream> streams = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<DefaultEventStream>> byUser = new ConcurrentHashMap<>();
  private final AtomicLong streamIds = new AtomicLong();
  private final String idPrefix = Long.toString(System.nanoTime() & 0xFFFFFF, 36) + "-";
  private final AtomicBoolean closed = new AtomicBoolean();

  DefaultHub(Hub.Builder b) {
    this.ownsBroker = b.broker == null;
    this.broker =
        b.broker != null ? b.broker : b.ownBroker != null ? b.ownBroker.build() : InMemoryBroker.create();
    this.history = broker.history().orElse(null);
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : defaultScheduler();
    this.retryEvent = b.retry == null ? null : Event.builder().retry(b.retry).build();
    this.queueCapacity = b.queueCapacity;
    this.policy = b.slowConsumerPolicy;
    this.listeners = new Listeners(b.listeners);
    this.latencySampling = b.latencySampling;
    this.topics = new TopicIndex(broker, this);
    this.resumption = history == null ? null : new Resumption(this, history, b.replayLimit);
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
    Resumption resume = lastId == null ? null : resumption;
    if (resume != null) {
      Resumption.begin(s);
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
      topics.join(s);
    } catch (RuntimeException e) {
      log.error("cannot subscribe to topic {}", topic, e);
      close(s, CloseReason.ERROR);
      unregister(s);
      throw new StreamRejectedException(InitialResponse.reject(503, "cannot subscribe to the topic"));
    }
    if (resume != null) {
      resume.replay(s, Objects.requireNonNull(lastId));
    }
    if (closed.get()) {
      close(s, CloseReason.HUB_CLOSED); // lost a race with close(): do not leak the stream
    }
    if (s.isClosed()) {
      unregister(s); // closed while registering (a failing sink or adapter): free it for sure
    }
    counters.opened.increment();
    listeners.connected(s);
    CloseReason pending = s.connectedNotified();
    if (pending != null) {
      notifyClosed(s, pending); // closed during open: tell it after connected
    }
    return s;
  }

  // ---- delivery -------------------------------------------------------------------------------

  /** The metadata that carries a sampled message's publish time, in epoch microseconds. */
  static final String SENT_AT = "ssekit-sent-at";
  /** Of a sampled message's deliveries, the first and every 1024th are measured. */
  private static final int PROBE_MASK = 1023;

  /**
   * A live message for {@code s}, from the topic index on the broker's delivery thread; returns 1
   * if it queued an event. {@code index} is the number of deliveries of this message so far: of a
   * sampled message ({@code sentAt != 0}), the first and every 1024th delivery carry a probe.
   */
  int deliver(DefaultEventStream s, Message message, long sentAt, int index) {
    if (s.isClosed() || (s.resume != null && !Resumption.admit(s, message))) {
      return 0; // a snapshot may still hold a stream that has just closed: skip it quietly
    }
    Event e;
    try {
      e = s.adapter.next(s.request(), message);
    } catch (RuntimeException ex) {
      fail(s, "next", ex);
      return 0;
    }
    if (e == null) {
      return 0;
    }
    if (sentAt != 0 && (index & PROBE_MASK) == 0) {
      s.probe(e, sentAt);
    }
    return s.enqueue(e) ? 1 : 0;
  }

  /** Adds {@code n} live deliveries of one message to the counters. */
  void delivered(int n) {
    if (n > 0) {
      counters.delivered.add(n);
    }
  }

  /** Counts one message replayed from the history. */
  void replayed() {
    counters.replayed.increment();
  }

  /** The publish time a sampled message carries (epoch microseconds), or 0. */
  static long sentAt(Message message) {
    Map<String, String> meta = message.metadata();
    if (meta.isEmpty()) {
      return 0;
    }
    String v = meta.get(SENT_AT);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0; // not ours to judge: the message is delivered, only not measured
    }
  }

  /** Epoch microseconds, the clock of delivery latencies (shared by instances, unlike nanoTime). */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** A stream's transport took a probed event off the queue: one latency sample. */
  void latencySampled(long sentAtMicros) {
    long micros = nowMicros() - sentAtMicros;
    counters.latencySamples.increment();
    counters.latencyTotalNanos.add(Math.max(0, micros) * 1_000);
  }

  /** Maps {@code m} through the stream's adapter and queues it; false if that closed the stream. */
  boolean deliverTo(DefaultEventStream s, Message m, boolean backlog) {
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

  void fail(DefaultEventStream s, String callback, RuntimeException e) {
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
    Message m = message;
    if (latencySampling > 0
        && ThreadLocalRandom.current().nextInt(latencySampling) == 0
        && !m.metadata().containsKey(SENT_AT)) {
      m = m.withMetadata(SENT_AT, Long.toString(nowMicros()));
    }
    try {
      CompletionStage<Message> stage = broker.publish(topic, m);
      if (!(stage instanceof CompletableFuture<?> f && f.isCompletedExceptionally())) {
        counters.published.increment(); // a stage failed already is a refusal at once, as a throw
      }
      return stage;
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
    boolean queued = s.enqueue(event);
    if (queued) {
      counters.delivered.increment();
    }
    return queued;
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
    delivered(n);
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
    delivered(n);
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
    return topics.count(topic);
  }

  @Override
  public Broker broker() {
    return broker;
  }

  @Override
  public HubStats stats() {
    return counters;
  }

  /** The hub's counters: striped, so that the threads that count never contend on one word. */
  private static final class Counters implements HubStats {
    final LongAdder opened = new LongAdder();
    final LongAdder[] closed = new LongAdder[CloseReason.values().length];
    final LongAdder published = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder latencySamples = new LongAdder();
    final LongAdder latencyTotalNanos = new LongAdder();

    Counters() {
      for (int i = 0; i < closed.length; i++) {
        closed[i] = new LongAdder();
      }
    }

    @Override
    public long streamsOpened() {
      return opened.sum();
    }

    @Override
    public long streamsClosed(CloseReason reason) {
      return closed[reason.ordinal()].sum();
    }

    @Override
    public long published() {
      return published.sum();
    }

    @Override
    public long delivered() {
      return delivered.sum();
    }

    @Override
    public long dropped() {
      return dropped.sum();
    }

    @Override
    public long replayed() {
      return replayed.sum();
    }

    @Override
    public long latencySamples() {
      return latencySamples.sum();
    }

    @Override
    public long latencyTotalNanos() {
      return latencyTotalNanos.sum();
    }

    @Override
    public String toString() {
      return "HubStats{opened=" + opened.sum() + ", published=" + published.sum() + ", delivered="
          + delivered.sum() + ", dropped=" + dropped.sum() + ", replayed=" + replayed.sum() + "}";
    }
  }

  // ---- closing --------------------------------------------------------------------------------

  /** The one path every close takes: frees the stream, tells the sink, then the listeners. */
  void close(DefaultEventStream s, CloseReason reason) {
    if (!s.markClosed()) {
      return;
    }
    unregister(s);
    counters.closed[reason.ordinal()].increment();
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
    topics.leave(s);
  }

  private void notifyClosed(DefaultEventStream s, CloseReason reason) {
    listeners.closed(s, reason);
  }

  void dropped(DefaultEventStream s, Event e) {
    counters.dropped.increment();
    listeners.dropped(s, e);
  }

  void pushFailed(String target, Event e) {
    listeners.pushFailed(target, e);
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
