package org.ssekit.broker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.ssekit.internal.broker.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker: topics live in this JVM, with an optional in-memory history.
 *
 * <p>{@link #publish} appends to the history (assigning the id) and queues the message for
 * delivery, then returns an already completed stage; it never runs a handler on the caller's
 * thread. Each topic delivers on the dispatch executor one message at a time, in publish order,
 * so topics proceed in parallel while each stays ordered. The default executor is a pool of
 * {@code max(2, availableProcessors)} daemon threads named {@code ssekit-dispatch-N}, shut down
 * by {@link #close()}; an injected executor is left running.
 *
 * <p>{@link #subscribeGroup} members of one group take the topic's messages in turn (round robin
 * over the members live when the message is delivered), on the same dispatch task as the plain
 * subscribers, so a group handler must not block for long either. Messages published while a group
 * has no member are not handled by it. Delivery is exactly once within this JVM.
 *
 * <p>Each topic's delivery backlog is bounded ({@link Builder#maxBacklog}, default {@value
 * #DEFAULT_MAX_BACKLOG} messages): when publishers outrun the delivery of a topic, a publish
 * beyond the bound fails at once with a {@link RejectedExecutionException} and is neither kept in
 * the history nor delivered, so memory stays bounded and the publisher learns it must slow down.
 *
 * <p>The broker's own history is bounded per topic (count, bytes, age), across topics by a byte
 * budget that evicts the oldest messages first, and by a number of topics beyond which a publish to
 * a new topic fails with {@link CapacityExceededException} (see {@link Builder}). A topic with no
 * subscriber and nothing waiting for delivery is dropped: topics cost memory only while used.
 */
public final class InMemoryBroker implements Broker {

  private static final Logger log = LoggerFactory.getLogger(InMemoryBroker.class);

  /** Default number of messages kept per topic by {@link #create()}. */
  public static final int DEFAULT_HISTORY_EVENTS = 1_000;

  /** Default age bound of the history kept by {@link #create()}. */
  public static final Duration DEFAULT_HISTORY_AGE = Duration.ofMinutes(15);

  /** Default bound of the topics with history, see {@link Builder#maxTopics}. */
  public static final int DEFAULT_MAX_TOPICS = 100_000;

  /** Default bound of the messages of one topic waiting for delivery. */
  public static final int DEFAULT_MAX_BACKLOG = 10_000;

  private final @Nullable EventLog history;
  private final int maxBacklog;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private InMemoryBroker(@Nullable EventLog history, @Nullable Executor executor, int maxBacklog) {
    this.history = history;
    this.maxBacklog = maxBacklog;
    if (executor == null) {
      AtomicInteger n = new AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              Math.max(2, Runtime.getRuntime().availableProcessors()),
              r -> {
                Thread t = new Thread(r, "ssekit-dispatch-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      this.ownExecutor = pool;
      this.executor = pool;
    } else {
      this.ownExecutor = null;
      this.executor = executor;
    }
  }

  /**
   * A broker with an in-memory history of {@value #DEFAULT_HISTORY_EVENTS} messages per topic,
   * at most 15 minutes old, within the default {@link Builder#historyBudget} and {@link
   * Builder#maxTopics}, and the default dispatch pool.
   */
  public static InMemoryBroker create() {
    return builder().build();
  }

  /** A builder to choose the history and the dispatch executor. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<EventLog> history() {
    return Optional.ofNullable(history);
  }

  @Override
  public CompletionStage<Message> publish(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new BrokerClosedException("InMemoryBroker"));
    }
    Message stored;
    try {
      do {
        stored = topics.computeIfAbsent(topic, Topic::new).publish(message);
      } while (stored == null); // the topic was removed meanwhile (idle): publish to its new one
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.completedFuture(stored);
  }

  @Override
  public Subscription subscribe(String topic, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    if (closed.get()) {
      throw new BrokerClosedException("InMemoryBroker");
    }
    Handler h = new Handler(handler);
    for (;;) {
      Topic t = topics.computeIfAbsent(topic, Topic::new);
      synchronized (t) {
        if (t.removed) {
          continue;
        }
        h.since = t.seq + 1; // like a network broker: only messages published from now on
        t.handlers.add(h);
      }
      return () -> {
        t.handlers.remove(h);
        t.removeIfIdle();
      };
    }
  }

  @Override
  public Subscription subscribeGroup(String topic, String group, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(handler, "handler");
    if (closed.get()) {
      throw new BrokerClosedException("InMemoryBroker");
    }
    Handler h = new Handler(handler);
    for (;;) {
      Topic t = topics.computeIfAbsent(topic, Topic::new);
      Group g;
      synchronized (t) {
        if (t.removed) {
          continue;
        }
        h.since = t.seq + 1;
        g = t.groups.computeIfAbsent(group, k -> new Group());
        g.members.add(h);
      }
      return () -> {
        g.members.remove(h);
        t.removeIfIdle();
      };
    }
  }

  /** The topics this broker holds now: those subscribed or with messages waiting (for tests). */
  int topics() {
    return topics.size();
  }

  /** Up until {@link #close()}: an in-memory broker has no connection to lose. */
  @Override
  public BrokerHealth health() {
    return closed.get() ? BrokerHealth.down("closed") : BrokerHealth.up("in-memory");
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownExecutor != null) {
      ownExecutor.shutdown();
    }
  }

  /** A subscription's handler and the sequence of the first message it may see. */
  private static final class Handler {
    final MessageHandler handler;
    long since; // written under the topic lock before the handler is published to the list

    Handler(MessageHandler handler) {
      this.handler = handler;
    }
  }

  /** The members of one consumer group of a topic and whose turn is next. */
  private static final class Group {
    final CopyOnWriteArrayList<Handler> members = new CopyOnWriteArrayList<>();
    int next; // only touched by the topic's single dispatch task

    /** The member to hand message {@code seq} to, or null when no live member may see it. */
    @Nullable Handler take(long seq) {
      Object[] m = members.toArray();
      for (int i = 0; i < m.length; i++) {
        Handler h = (Handler) m[(next + i) % m.length];
        if (h.since <= seq) {
          next = (next + i + 1) % m.length;
          return h;
        }
      }
      return null;
    }
  }

  /** A message waiting for delivery and its position in the topic. */
  private static final class Queued {
    final Message message;
    final long seq;

    Queued(Message message, long seq) {
      this.message = message;
      this.seq = seq;
    }
  }

  /** One topic: its handlers and its ordered delivery queue, drained by one task at a time. */
  private final class Topic implements Runnable {
    private final String name;
    private final CopyOnWriteArrayList<Handler> handlers = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();
    /** Messages queued and not yet delivered; incremented under the lock, decremented after. */
    private final AtomicInteger backlog = new AtomicInteger();
    private long seq; // guarded by this
    private boolean removed; // guarded by this; a removed topic takes no publish or subscription
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Topic(String name) {
      this.name = name;
    }

    /**
     * Removes this topic from the broker when nothing is waiting for delivery and nobody is
     * subscribed: a topic costs memory only while it is used (its history is the log's).
     */
    void removeIfIdle() {
      if (!handlers.isEmpty() || backlog.get() > 0) {
        return;
      }
      synchronized (this) {
        if (removed || !handlers.isEmpty() || backlog.get() > 0) {
          return;
        }
        for (Group g : groups.values()) {
          if (!g.members.isEmpty()) {
            return;
          }
        }
        removed = true;
        topics.remove(name, this);
      }
    }

    /** Publishes; null if this topic was removed (the caller publishes to the topic's new one). */
    @Nullable Message publish(Message message) {
      Message stored;
      // Append and enqueue under one lock so delivery order equals history order.
      synchronized (this) {
        if (removed) {
          return null;
        }
        if (backlog.get() >= maxBacklog) {
          throw new RejectedExecutionException(
              "topic " + name + " already has " + maxBacklog + " messages waiting for delivery"
                  + " (maxBacklog); publish rejected, nothing stored");
        }
        stored = history == null ? message : history.append(name, message);
        backlog.incrementAndGet();
        queue.add(new Queued(stored, ++seq));
      }
      schedule();
      return stored;
    }

    private void schedule() {
      if (scheduled.compareAndSet(false, true)) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          scheduled.set(false);
          if (!closed.get()) {
            throw e;
          }
        }
      }
    }

    @Override
    public void run() {
      int budget = 256; // yield the thread now and then so one busy topic cannot starve others
      Queued q;
      while (budget-- > 0 && (q = queue.poll()) != null) {
        backlog.decrementAndGet();
        for (Handler h : handlers) {
          if (q.seq < h.since) {
            continue; // published before this subscription existed
          }
          deliver(h, q.message);
        }
        for (Group g : groups.values()) {
          Handler h = g.take(q.seq);
          if (h != null) {
            deliver(h, q.message);
          }
        }
      }
      scheduled.set(false);
      if (!queue.isEmpty() && !closed.get()) {
        schedule();
      } else {
        removeIfIdle();
      }
    }

    private void deliver(Handler h, Message message) {
      try {
        h.handler.onMessage(name, message);
      } catch (RuntimeException e) {
        log.warn("handler of topic {} failed on {}", name, message, e);
      }
    }
  }

  /**
   * Builds an {@link InMemoryBroker}. Not thread-safe.
   *
   * <p>The history is either the broker's own in-memory one, shaped by {@link #history(int, long,
   * Duration)}, {@link #historyBudget} and {@link #maxTopics}, or an injected {@link EventLog}
   * ({@link #history(EventLog)}), or none ({@link #noHistory()}); mixing them fails at once.
   */
  public static final class Builder {
    private @Nullable EventLog history;
    private boolean noHistory;
    private @Nullable String ownBounds; // the first own-history option set, for error messages
    private int maxEvents = DEFAULT_HISTORY_EVENTS;
    private long maxBytes = Long.MAX_VALUE;
    private Duration maxAge = DEFAULT_HISTORY_AGE;
    private long budget = InMemoryEventLog.defaultBudget();
    private int maxTopics = DEFAULT_MAX_TOPICS;
    private @Nullable Executor executor;
    private int maxBacklog = DEFAULT_MAX_BACKLOG;

    private Builder() {}

    /**
     * Keeps history in {@code log} (any {@link EventLog}, in memory or not).
     *
     * @throws IllegalStateException if an option of the broker's own history was set already
     */
    public Builder history(EventLog log) {
      Objects.requireNonNull(log, "log");
      if (ownBounds != null) {
        throw new IllegalStateException(
            ownBounds + " was already set: it shapes the broker's own history, not an injected EventLog");
      }
      this.history = log;
      this.noHistory = false;
      return this;
    }

    /**
     * Bounds the broker's own history per topic by count and age (defaults {@value
     * #DEFAULT_HISTORY_EVENTS} messages, 15 minutes), like {@link EventLog#inMemory(int,
     * Duration)}.
     *
     * @throws IllegalArgumentException if {@code maxEvents} is not positive or {@code maxAge} is
     *     less than 1 ms
     * @throws IllegalStateException if {@link #history(EventLog)} was set already
     */
    public Builder history(int maxEvents, Duration maxAge) {
      Checks.history(maxEvents, maxAge);
      own("history(maxEvents, maxAge)");
      this.maxEvents = maxEvents;
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Bounds the broker's own history per topic by count, bytes and age (default: no byte bound
     * per topic, only the {@link #historyBudget}), evicting the oldest first. A message counts its
     * payload, its own id and metadata characters and 64 bytes of bookkeeping; one larger than
     * {@code maxBytes} is refused with {@link IllegalArgumentException}.
     *
     * @throws IllegalArgumentException if a bound is not positive (naming it)
     * @throws IllegalStateException if {@link #history(EventLog)} was set already
     */
    public Builder history(int maxEvents, long maxBytes, Duration maxAge) {
      Checks.history(maxEvents, maxBytes, maxAge);
      own("history(maxEvents, maxBytes, maxAge)");
      this.maxEvents = maxEvents;
      this.maxBytes = maxBytes;
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Bounds the bytes of the broker's own history across all topics (default: a quarter of the
     * maximum heap, {@link Runtime#maxMemory()}). When it is exceeded the oldest messages of all
     * topics are evicted first, down to 15/16 of the budget; a client resuming from an evicted
     * message gets the history-gap signal. Counted as for {@link #history(int, long, Duration)},
     * plus 160 bytes and the name per kept topic.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws IllegalStateException if {@link #history(EventLog)} was set already
     */
    public Builder historyBudget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("historyBudget must be positive: " + bytes);
      }
      own("historyBudget");
      this.budget = bytes;
      return this;
    }

    /**
     * Bounds the topics the broker's own history keeps (default {@value #DEFAULT_MAX_TOPICS}). A
     * topic is kept while it has history; then a publish to one more topic fails with {@link
     * CapacityExceededException} (topics whose history expired are dropped first). Topics without
     * history and without subscribers cost nothing: the broker drops them.
     *
     * @throws IllegalArgumentException if {@code topics} is not positive
     * @throws IllegalStateException if {@link #history(EventLog)} was set already
     */
    public Builder maxTopics(int topics) {
      if (topics < 1) {
        throw new IllegalArgumentException("maxTopics must be positive: " + topics);
      }
      own("maxTopics");
      this.maxTopics = topics;
      return this;
    }

    private void own(String option) {
      if (history != null) {
        throw new IllegalStateException(
            "history(EventLog) was already set: " + option + " shapes the broker's own history;"
                + " bound the injected log instead");
      }
      if (ownBounds == null) {
        ownBounds = option;
      }
      noHistory = false;
    }

    /** Keeps no history: messages get no ids unless they carry their own, and nothing replays. */
    public Builder noHistory() {
      this.history = null;
      this.ownBounds = null;
      this.noHistory = true;
      return this;
    }

    /** Runs deliveries on {@code executor} instead of an own pool; it is not shut down by close. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Bounds the messages of one topic waiting for delivery (default {@value
     * #DEFAULT_MAX_BACKLOG}); a publish beyond it fails with a {@link
     * RejectedExecutionException}.
     *
     * @throws IllegalArgumentException if {@code messages} is not positive
     */
    public Builder maxBacklog(int messages) {
      if (messages <= 0) {
        throw new IllegalArgumentException("maxBacklog must be positive: " + messages);
      }
      this.maxBacklog = messages;
      return this;
    }

    /** Builds the broker. */
    public InMemoryBroker build() {
      EventLog log =
          noHistory
              ? null
              : history != null
                  ? history
                  : new InMemoryEventLog(
                      new InMemoryEventLog.Bounds(maxEvents, maxBytes, maxAge, budget, maxTopics),
                      System::nanoTime);
      return new InMemoryBroker(log, executor, maxBacklog);
    }
  }
}
