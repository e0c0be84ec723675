package org.ssekit.nats;

import org.ssekit.broker.BrokerHealth;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Broker;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.Message;
import org.ssekit.internal.broker.Backoff;
import org.ssekit.internal.broker.Checks;
import org.ssekit.internal.broker.ClosedGuard;
import org.ssekit.internal.broker.OutageLog;
import org.ssekit.internal.broker.Threads;

/**
 * A {@link Broker} on NATS JetStream: every instance of an application that shares one NATS
 * server (or cluster) and one stream sees every message, and any instance can resume a client
 * from any id.
 *
 * <p><b>Where things live.</b> All topics share one JetStream stream (default {@value
 * #DEFAULT_STREAM}). A topic is the subject {@code <prefix>.log.<token>} of that stream, where the
 * prefix defaults to {@value #DEFAULT_SUBJECT_PREFIX} and the token is the topic name with every
 * character other than ASCII letters, digits and {@code -} escaped as {@code _XX}. The stream keeps
 * at most the configured number of messages per topic, none older than the configured age, and
 * republishes each stored message, with its sequence, to {@code <prefix>.live.<token>}.
 *
 * <p><b>Publishing.</b> {@link #publish} is a JetStream publish: the stream appends the message and
 * assigns its sequence, which gives the id {@code <epoch>-<sequence>} (the epoch is the stream's
 * creation time in base 36, so ids of a re-created stream never match old ones). A message that
 * brings its own id keeps it. The call never blocks on the network; the stage completes on the
 * broker's executor when the server acknowledged the message, or exceptionally after the
 * timeout. Messages larger than the server's {@code max_payload} (body plus metadata headers) are
 * refused with an {@link IllegalArgumentException} naming the limit. A failed stage means the
 * append was not confirmed; after a timeout it may still have happened.
 *
 * <p><b>Receiving.</b> Each {@link #subscribe} is a core NATS subscription of this instance to the
 * topic's live subject (never a shared consumer), so every instance gets every message. Delivery
 * is one message at a time per subscription, in sequence order: on the broker's NATS dispatcher
 * thread when the message directly follows the last one (the common case), on the executor when
 * the subscription has to read the stream first. A gap in the
 * republished sequences (a message lost while disconnected) is filled by reading the stream first,
 * and after a reconnect every subscription reads what the stream stored during the outage before
 * anything newer: nothing is lost and nothing is delivered twice. {@code subscribe} blocks for one
 * round trip until the subscription is live.
 *
 * <p><b>Once-per-message work.</b> {@link #subscribeGroup} makes this instance one member of a
 * group (a JetStream durable consumer) among which each message is handled once.
 *
 * <p><b>Outages.</b> A connection this broker opened from a URL reconnects forever with capped
 * exponential backoff. One WARN is logged when the connection is lost and one INFO when it is
 * back. A connection passed in by the application keeps its own reconnect options (use {@code
 * maxReconnects(-1)}); the broker only listens to its events.
 *
 * <p><b>Threads.</b> Thread-safe. Handlers run on the one NATS dispatcher thread of this broker or
 * on the executor, so they must not block (the hub's handler only enqueues). Publish stages
 * complete on the executor: by default
 * {@code max(2, availableProcessors)} daemon threads named {@code ssekit-nats-N}, shut down by
 * {@link #close()}; an injected executor is left running. The NATS client adds its own threads.
 * {@link #history()}'s methods block on the network.
 */
public final class NatsBroker implements Broker {

  private static final Logger log = LoggerFactory.getLogger(NatsBroker.class);

  /** Default JetStream stream name. */
  public static final String DEFAULT_STREAM = "SSEKIT";

  /** Default subject prefix. */
  public static final String DEFAULT_SUBJECT_PREFIX = "ssekit";

  /** Default number of messages the stream keeps per topic. */
  public static final int DEFAULT_HISTORY_EVENTS = 1_000;

  /** Default age bound of the history: 15 minutes. */
  public static final Duration DEFAULT_HISTORY_AGE = Duration.ofMinutes(15);

  private final Connection connection;
  private final boolean ownsConnection;
  private final NatsLog history;
  private final Dispatcher dispatcher;
  private final Executor executor;
  private final @Nullable ExecutorService ownExecutor;
  private static final String CONNECTION = "connection";

  private final Backoff backoff;
  private final Duration groupClaimTimeout;
  private final Set<LiveTopic> topics = ConcurrentHashMap.newKeySet();
  private final Set<GroupMember> groups = ConcurrentHashMap.newKeySet();
  private final ClosedGuard closed = new ClosedGuard("NatsBroker");
  private final OutageLog outage;
  private final ConnectionListener listener = this::onConnectionEvent;

  private NatsBroker(Builder b) {
    this.backoff = new Backoff(b.backoffInitial, b.backoffMax);
    this.groupClaimTimeout = b.groupClaimTimeout;
    this.outage = new OutageLog(log, "NATS", "NatsBroker " + b.stream);
    if (b.executor == null) {
      ThreadFactory threads = b.threadFactory;
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      ExecutorService pool =
          Executors.newFixedThreadPool(
              Math.max(2, Runtime.getRuntime().availableProcessors()),
              r -> Threads.newThread(threads, r, "ssekit-nats-" + n.incrementAndGet()));
      this.ownExecutor = pool;
      this.executor = pool;
    } else {
      this.ownExecutor = null;
      this.executor = b.executor;
    }
    Connection c = b.connection;
    this.ownsConnection = c == null;
    try {
      if (c == null) {
        c = open(Objects.requireNonNull(b.url));
      } else {
        c.addConnectionListener(listener);
      }
      this.connection = c;
      this.history =
          NatsLog.open(c, b.stream, b.prefix, b.maxEvents, b.maxAge, StorageType.File, b.timeout);
      this.dispatcher = c.createDispatcher();
    } catch (RuntimeException e) {
      shutdown(c);
      throw e;
    }
  }

  private Connection open(String url) {
    Options options =
        Options.builder()
            .server(url)
            .connectionName("ssekit")
            .maxReconnects(-1)
            .reconnectDelayHandler(attempt -> backoff.delay((int) Math.min(Integer.MAX_VALUE, attempt)))
            .connectionListener(listener)
            .errorListener(new QuietErrors())
            .build();
    try {
      return Nats.connect(options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to NATS at " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted connecting to " + url));
    }
  }

  private void shutdown(@Nullable Connection c) {
    if (c != null) {
      if (ownsConnection) {
        try {
          c.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        c.removeConnectionListener(listener);
      }
    }
    if (ownExecutor != null) {
      ownExecutor.shutdown();
    }
  }

  /**
   * A broker with default options on the NATS server at {@code url} ({@code nats://host:port},
   * several separated by commas). Connects and creates or updates the stream before returning.
   *
   * @throws UncheckedIOException when the server cannot be reached
   * @throws IllegalStateException when JetStream is disabled or refuses the stream configuration
   */
  public static NatsBroker create(String url) {
    return builder(url).build();
  }

  /**
   * A builder for a broker on the NATS server at {@code url} (see {@link #create(String)}); the
   * broker owns the connection it opens and closes it.
   */
  public static Builder builder(String url) {
    return new Builder(Objects.requireNonNull(url, "url"), null);
  }

  /**
   * A builder for a broker on an open connection of the application, which stays open after
   * {@link NatsBroker#close()}. Give it {@code maxReconnects(-1)} so it survives outages.
   */
  public static Builder builder(Connection connection) {
    return new Builder(null, Objects.requireNonNull(connection, "connection"));
  }

  @Override
  public Optional<EventLog> history() {
    return Optional.of(history);
  }

  @Override
  public CompletionStage<Message> publish(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (closed.isClosed()) {
      return closed.failed();
    }
    Connection.Status status = connection.getStatus();
    if (status != Connection.Status.CONNECTED) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "the NATS connection is " + status.name().toLowerCase(java.util.Locale.ROOT)
                  + "; the message was not published"));
    }
    return history.appendAsync(topic, message).thenApplyAsync(Function.identity(), executor);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Blocks for one round trip to the server; throws {@link UncheckedIOException} or {@link
   * IllegalStateException} when the server does not answer within the timeout.
   */
  @Override
  public Subscription subscribe(String topic, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    closed.check();
    LiveTopic t = new LiveTopic(this, history, topic, handler, executor, dispatcher);
    topics.add(t);
    try {
      t.start();
    } catch (RuntimeException e) {
      topics.remove(t);
      throw e;
    }
    return t;
  }

  /**
   * Subscribes {@code handler} to {@code topic} as one member of the consumer group {@code group}:
   * among all members of the group, on every instance using the same stream, each message is
   * handled by one. Use it for work that must run once per message (count a view, send a mail),
   * and {@link #subscribe} for what every instance must see (its SSE clients).
   *
   * <p>The group is a JetStream durable pull consumer named {@code <group>__<topic>} (both escaped
   * like topic tokens) on the topic's subject. It is created at the stream's end if it does not
   * exist, so it handles every message stored after this returns (and, when it existed, what it
   * had not handled yet). Delivery is at least once: a message is acknowledged after the handler
   * returns (or throws, which is logged); one that a member took but never acknowledged (its
   * instance died) is redelivered to a member after {@link Builder#groupClaimTimeout}. Each member
   * has a NATS dispatcher (one thread) of its own, so its handler may block; it delays only this
   * member. The client keeps pulling across reconnects. Blocks the caller for a few round trips.
   *
   * @throws IllegalStateException or {@link UncheckedIOException} when JetStream refuses or does
   *     not answer
   */
  @Override
  public Subscription subscribeGroup(String topic, String group, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(handler, "handler");
    closed.check();
    GroupMember m = GroupMember.join(this, history, topic, group, handler, groupClaimTimeout);
    groups.add(m);
    if (closed.isClosed()) {
      m.close();
      throw closed.exception();
    }
    return m;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Down from the connection's {@code DISCONNECTED} event until its {@code RECONNECTED} (the
   * span between the WARN and INFO lines), and whenever the client reports it not connected.
   */
  @Override
  public BrokerHealth health() {
    Connection.Status status = connection.getStatus();
    if (!closed.isClosed() && !outage.isDown() && status != Connection.Status.CONNECTED) {
      return BrokerHealth.down("NATS connection " + status.name().toLowerCase(java.util.Locale.ROOT));
    }
    return outage.health(closed.isClosed(), "NATS " + connection.getConnectedUrl());
  }

  @Override
  public void close() {
    if (!closed.close()) {
      return;
    }
    for (LiveTopic t : List.copyOf(topics)) {
      t.close();
    }
    for (GroupMember g : List.copyOf(groups)) {
      g.close();
    }
    try {
      connection.closeDispatcher(dispatcher);
    } catch (RuntimeException e) {
      log.debug("closing the NATS dispatcher failed", e);
    }
    shutdown(connection);
  }

  // ---- package-private hooks for LiveTopic -----------------------------------------------------

  boolean isClosed() {
    return closed.isClosed();
  }

  boolean inOutage() {
    return outage.isDown();
  }

  void remove(LiveTopic t) {
    topics.remove(t);
  }

  void remove(GroupMember g) {
    groups.remove(g);
  }

  Connection connection() {
    return connection;
  }

  /** The wait before retry number {@code attempt} (from 1) of a stream read. */
  Duration backoff(int attempt) {
    return backoff.delay(attempt);
  }

  private void onConnectionEvent(Connection c, ConnectionListener.Events event) {
    if (closed.isClosed()) {
      return;
    }
    switch (event) {
      case DISCONNECTED:
        String why = c.getLastError();
        outage.lost(CONNECTION, new IOException(why == null || why.isEmpty() ? "disconnected" : why));
        break;
      case RECONNECTED:
        if (outage.recovered(CONNECTION) != null) {
          log.debug("catching up {} subscriptions from JetStream", topics.size());
        }
        break;
      case RESUBSCRIBED: // after RECONNECTED, once the client re-sent every subscription
        topics.forEach(LiveTopic::catchUp);
        break;
      default:
        break;
    }
  }

  /** Errors of a connection this broker owns go to SLF4J instead of the client's default log. */
  private static final class QuietErrors implements ErrorListener {
    @Override
    public void errorOccurred(Connection conn, String error) {
      log.debug("NATS error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      log.debug("NATS connection exception", exp);
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
      log.warn("NATS slow consumer: live messages were dropped; gaps are filled from JetStream");
    }
  }

  /** Builds a {@link NatsBroker}. Not thread-safe. */
  public static final class Builder {
    private final @Nullable String url;
    private final @Nullable Connection connection;
    private String stream = DEFAULT_STREAM;
    private String prefix = DEFAULT_SUBJECT_PREFIX;
    private int maxEvents = DEFAULT_HISTORY_EVENTS;
    private Duration maxAge = DEFAULT_HISTORY_AGE;
    private Duration backoffInitial = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(5);
    private Duration groupClaimTimeout = Duration.ofSeconds(30);
    private @Nullable Executor executor;
    private ThreadFactory threadFactory = Threads.defaultFactory();

    private Builder(@Nullable String url, @Nullable Connection connection) {
      this.url = url;
      this.connection = connection;
    }

    /** The JetStream stream name (letters, digits, {@code -}, {@code _}); default {@value #DEFAULT_STREAM}. */
    public Builder streamName(String streamName) {
      this.stream = Subjects.checkStream(streamName);
      return this;
    }

    /**
     * The subject prefix (dot-separated tokens of letters, digits, {@code -}, {@code _}); default
     * {@value #DEFAULT_SUBJECT_PREFIX}. Two brokers with different stream names need different
     * prefixes, since a subject belongs to one stream.
     */
    public Builder subjectPrefix(String subjectPrefix) {
      this.prefix = Subjects.checkPrefix(subjectPrefix);
      return this;
    }

    /**
     * Keeps at most {@code maxEvents} messages per topic, none older than {@code maxAge}; default
     * {@value #DEFAULT_HISTORY_EVENTS} and 15 minutes. Applied to the stream on build.
     */
    public Builder history(int maxEvents, Duration maxAge) {
      Checks.history(maxEvents, maxAge);
      this.maxEvents = maxEvents;
      this.maxAge = maxAge;
      return this;
    }

    /**
     * The reconnect (and stream re-read) backoff: starts at {@code initial}, doubles per attempt
     * up to {@code max}, with up to 20% jitter below each step; default 100 ms to 5 s. Reconnects
     * apply to a connection built from a URL.
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      Checks.backoff(initial, max);
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /**
     * How long a publish or a history read waits for the server; default 5 s. A publish that gets
     * no acknowledgement in time fails with {@link org.ssekit.broker.PublishUnconfirmedException}
     * (it may still be stored); one made while the connection is down fails at once (not sent).
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /**
     * How long a message taken by a {@linkplain NatsBroker#subscribeGroup group} member may stay
     * unacknowledged before JetStream redelivers it to a member (the consumer's ack wait); default
     * 30 s. Longer than the slowest handler, or messages are handled twice.
     */
    public Builder groupClaimTimeout(Duration timeout) {
      this.groupClaimTimeout = Checks.positive(timeout, "groupClaimTimeout");
      return this;
    }

    /** Runs deliveries and publish stages on {@code executor}; it is not shut down by close. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Makes the threads of the broker's own executor (used unless {@link #executor} is set):
     * {@code max(2, availableProcessors)} of them. The default makes daemon threads named {@code
     * ssekit-nats-N}; threads from another factory keep their names unless those are JDK defaults
     * ({@code Thread-N}). The NATS client's own threads are not affected.
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Connects (when built from a URL), creates or updates the stream, and returns the broker.
     * Blocks on the network.
     *
     * @throws UncheckedIOException when the server cannot be reached
     * @throws IllegalStateException when JetStream refuses the stream configuration
     */
    public NatsBroker build() {
      return new NatsBroker(this);
    }
  }
}
