package org.ssekit.postgres;

import org.ssekit.broker.BrokerHealth;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
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
 * A {@link Broker} on PostgreSQL: a table is the shared history, {@code LISTEN}/{@code NOTIFY}
 * the live fan-out. Every instance of an application builds its own {@code PostgresBroker} on the
 * same database and table prefix; each gets every message of the topics it subscribes to.
 *
 * <p><b>Storage.</b> For table prefix {@code p} (default {@value #DEFAULT_PREFIX}) messages are
 * rows of {@code <p>events (id bigserial, topic text, payload bytea, metadata text, created_at
 * timestamptz)}, indexed on {@code (topic, id)}; the table is created if missing. The row id is
 * the message id (a decimal number, a valid SSE id, increasing in log order). Rows older than
 * the history's {@code maxAge} or beyond the newest {@code maxEvents} of a topic ({@link Builder#history}) are deleted every
 * prune interval.
 *
 * <p><b>Publishing.</b> {@link #publish} validates, queues and returns at once; one writer thread
 * ({@code ssekit-pg-writer-N}) inserts queued messages in batches, one transaction per batch,
 * taking a per-topic advisory lock so the ids of a topic commit in order, and sends a {@code
 * NOTIFY} with the id (and the message itself when it fits the 8000-byte NOTIFY limit) in the same
 * transaction. The stage completes on the writer thread with the stored message and its id; do not
 * block in actions attached to it. While the database is unreachable, messages wait in the queue
 * for the operation timeout, then the stage fails; a batch whose commit was cut off fails with the
 * connection error (it may or may not be stored; it is never retried, so never duplicated).
 *
 * <p><b>Subscribing.</b> One listener thread ({@code ssekit-pg-listener-N}) owns a dedicated
 * connection that {@code LISTEN}s; {@link #subscribe} blocks until the subscription's start (the
 * topic's newest id) is fixed on that connection, at most the operation timeout. Handlers run on
 * the listener thread, one message at a time, in log order; they must not block and must not call
 * {@link #subscribe}. After a lost connection the listener reconnects with capped exponential
 * backoff, then reads every subscription's rows after its last delivered id, so what was appended
 * meanwhile arrives in order before newer messages, once. One WARN is logged per outage and one
 * INFO on recovery.
 *
 * <p><b>Consumer groups.</b> {@link #subscribeGroup} runs work once per message across
 * instances (each message goes to one member of the group), on a thread per member.
 *
 * <p><b>History.</b> {@link #history()} reads the table on the caller's thread through a small
 * pool of connections (at most {@code readConnections}, opened on demand).
 *
 * <p>Limits: a payload over {@code maxPayloadBytes} (default 1 MiB) or a topic over {@value
 * #MAX_TOPIC_BYTES} UTF-8 bytes or containing NUL fails the returned stage with an {@link
 * IllegalArgumentException}. Thread-safe.
 */
public final class PostgresBroker implements Broker {

  private static final Logger log = LoggerFactory.getLogger(PostgresBroker.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final AtomicInteger GROUP_THREADS = new AtomicInteger();

  /** The default table prefix: the table is {@code ssekit_events}. */
  public static final String DEFAULT_PREFIX = "ssekit_";

  /** The longest topic accepted, in UTF-8 bytes. */
  public static final int MAX_TOPIC_BYTES = 1024;

  /** The default largest payload accepted, in bytes (1 MiB). */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  private final Schema schema;
  private final Writer writer;
  private final Listener listener;
  private final ConnectionPool pool;
  private final PostgresEventLog history;
  private final Thread writerThread;
  private final Thread listenerThread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final ClosedGuard closed = new ClosedGuard("PostgresBroker");
  private final OutageLog outage;
  private final int maxPayloadBytes;
  private final long timeoutNanos;
  private final String wakeChannel;
  private final ConnectionFactory factory;
  private final ThreadFactory threadFactory;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final Set<GroupMember> members = ConcurrentHashMap.newKeySet();

  private PostgresBroker(Builder b) {
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.timeoutNanos = b.timeout.toNanos();
    ConnectionFactory factory = b.factory;
    this.factory = factory;
    this.threadFactory = b.threadFactory;
    this.backoffMin = b.backoffMin;
    this.backoffMax = b.backoffMax;
    ConnectionFactory writerFactory = b.synchronousCommit ? factory : () -> asyncCommit(factory.open());
    int n = INSTANCES.incrementAndGet();
    this.pool = new ConnectionPool(factory, b.readConnections, b.timeout);
    Schema resolved;
    try (Connection c = factory.open()) {
      resolved = new Schema(b.prefix, currentSchema(c));
      resolved.create(c);
    } catch (SQLException e) {
      pool.close();
      throw new IllegalStateException(
          "cannot create table " + b.prefix + "events in PostgreSQL: " + e.getMessage(), e);
    }
    this.schema = resolved;
    OutageLog outage = new OutageLog(log, "PostgreSQL", "PostgresBroker " + schema.table + "#" + n);
    this.outage = outage;
    this.wakeChannel = b.prefix + "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    this.history = new PostgresEventLog(this, schema, pool);
    this.writer =
        new Writer(
            schema, writerFactory, outage, new Backoff(b.backoffMin, b.backoffMax), b.queueCapacity, closing,
            b.maxEvents, b.maxAge, b.pruneInterval);
    this.listener =
        new Listener(
            schema, wakeChannel, factory, outage, new Backoff(b.backoffMin, b.backoffMax), closing, b.timeout,
            this::wake);
    ThreadFactory threads = b.threadFactory;
    this.writerThread = thread(threads, writer, "ssekit-pg-writer-" + n);
    this.listenerThread = thread(threads, listener, "ssekit-pg-listener-" + n);
    listenerThread.start();
    try {
      listener.started().get(b.timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot LISTEN on PostgreSQL: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while connecting to PostgreSQL", e);
    }
    writerThread.start();
  }

  private static String currentSchema(Connection c) throws SQLException {
    try (java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT current_schema()")) {
      String name = rs.next() ? rs.getString(1) : null;
      if (name == null) {
        throw new SQLException("no current schema: the search_path names no existing schema");
      }
      return name;
    }
  }

  private static Connection asyncCommit(Connection c) throws SQLException {
    try (java.sql.Statement st = c.createStatement()) {
      c.setAutoCommit(true); // the SET must not ride in a transaction that may roll back
      st.execute("SET synchronous_commit TO off");
    } catch (SQLException e) {
      ConnectionPool.closeQuietly(c);
      throw e;
    }
    return c;
  }

  private static Thread thread(ThreadFactory threads, Runnable r, String name) {
    return Threads.newThread(threads, r, name);
  }

  /**
   * A broker with default options on the database at {@code url}: {@code postgresql://user:password@host:port/db}
   * ({@code postgres://} too) or {@code jdbc:postgresql://host:port/db?user=...}. Connects and
   * creates the table before returning.
   *
   * @throws IllegalStateException if the database cannot be reached
   */
  public static PostgresBroker create(String url) {
    return builder(url).build();
  }

  /** A builder for a broker on the database at {@code url} (see {@link #create(String)}). */
  public static Builder builder(String url) {
    Objects.requireNonNull(url, "url");
    Properties props = new Properties();
    String jdbc = jdbcUrl(url, props);
    props.putIfAbsent("ApplicationName", "ssekit");
    props.putIfAbsent("tcpKeepAlive", "true");
    props.putIfAbsent("connectTimeout", "5");
    return new Builder(() -> DriverManager.getConnection(jdbc, props));
  }

  /**
   * A builder for a broker taking connections from {@code dataSource}, e.g. an existing pool. The
   * broker holds one connection for listening and one for writing for its whole life, plus up to
   * {@code readConnections} for history reads; connections must be pgjdbc ones (or unwrap to
   * {@link org.postgresql.PGConnection}).
   */
  public static Builder builder(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    return new Builder(dataSource::getConnection);
  }

  /** Turns a {@code postgresql://} URL into a JDBC one, moving user and password to {@code props}. */
  static String jdbcUrl(String url, Properties props) {
    if (url.startsWith("jdbc:postgresql:")) {
      return url;
    }
    String rest;
    if (url.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else if (url.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else {
      throw new IllegalArgumentException(
          "not a PostgreSQL URL (postgresql://, postgres:// or jdbc:postgresql://): " + url);
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "/" : rest.substring(slash);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      authority = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      if (!user.isEmpty()) {
        props.setProperty("user", URLDecoder.decode(user, StandardCharsets.UTF_8));
      }
      if (colon >= 0) {
        props.setProperty("password", URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
      }
    }
    return "jdbc:postgresql://" + authority + path;
  }

  /** The table holding this broker's messages. */
  public String table() {
    return schema.table;
  }

  /** The history: this broker's table. */
  @Override
  public Optional<EventLog> history() {
    return Optional.of(history);
  }

  /**
   * Queues {@code message} for {@code topic} and returns at once (never blocks on the network).
   * The stage completes on the writer thread with the message as stored, once the row and its
   * NOTIFY are committed: its id assigned by the table (the row id), or the id the message brought,
   * which must be unique among the topic's retained messages and must not be a decimal number
   * (the form of row ids).
   * Messages published from one thread are stored and delivered in that order.
   *
   * @return the stored message; failed with {@link org.ssekit.broker.DuplicateIdException} when a
   *     retained message of the topic has the id the message brings, {@link IllegalArgumentException}
   *     for a payload or topic over the limits or a decimal own id, {@link
   *     org.ssekit.broker.BrokerClosedException} when closed, {@link IllegalStateException} when the
   *     queue is full,
   *     {@link TimeoutException} when the database stayed unreachable, or the {@link SQLException}
   */
  @Override
  public CompletionStage<Message> publish(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (closed.isClosed()) {
      return closed.failed();
    }
    if (message.payloadLength() > maxPayloadBytes) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "payload of " + message.payloadLength() + " bytes exceeds the PostgreSQL broker's maxPayloadBytes limit of "
                  + maxPayloadBytes + " bytes"));
    }
    try {
      checkTopic(topic);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    Optional<String> own = message.id();
    if (own.isPresent() && isRowId(own.get())) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "message id " + own.get() + " has the form of the ids PostgreSQL assigns (a decimal number); it"
                  + " could stand for another message of the history: give the message another id, or none"));
    }
    String meta = MetadataCodec.encode(message.metadata());
    String tail = own.isPresent() ? Notice.head(topic) : Notice.tail(topic, message.payload(), meta);
    Writer.Pending p = new Writer.Pending(topic, message, meta, tail, System.nanoTime() + timeoutNanos);
    if (!writer.offer(p)) {
      return CompletableFuture.failedFuture(new IllegalStateException("publish queue of " + schema.table + " is full"));
    }
    if (closed.isClosed()) {
      p.future.completeExceptionally(closed.exception());
    }
    return p.future;
  }

  /** Whether {@code id} has the form of a row id: ASCII digits only. */
  static boolean isRowId(String id) {
    if (id.isEmpty()) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static void checkTopic(String topic) {
    if (topic.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("topic must not contain NUL (PostgreSQL text cannot hold it)");
    }
    if (Notice.utf8Length(topic) > MAX_TOPIC_BYTES) {
      throw new IllegalArgumentException("topic exceeds " + MAX_TOPIC_BYTES + " UTF-8 bytes");
    }
  }

  /**
   * Subscribes {@code handler} to {@code topic}; blocks until the subscription is live on the
   * listening connection (at most the operation timeout).
   *
   * @throws IllegalStateException if the database does not answer in time, the broker is closed,
   *     or this is called from a message handler
   */
  @Override
  public Subscription subscribe(String topic, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    closed.check();
    checkTopic(topic);
    return listener.subscribe(topic, handler);
  }

  /**
   * Subscribes {@code handler} to {@code topic} as one member of the consumer group {@code group}:
   * among all members of the group, on every instance with the same table prefix, each message is
   * handled by one. Use it for work that must run once per message (count a view, send a mail), and
   * {@link #subscribe} for what every instance must see (its SSE clients).
   *
   * <p>The group's position is a row of {@code <prefix>groups}, created at the topic's newest
   * message if it does not exist, so the group handles every message appended after this returns
   * (and, when it existed, what it had not handled yet). A member handles up to 100 messages at a
   * time while holding that row locked, then moves it and commits; a member whose process dies
   * loses the lock with its connection, and another goes on from the last commit. Delivery is at
   * least once (a batch whose commit failed is handled again), in log order, one member at a time.
   * A group that falls behind by more than the history bounds skips what was pruned. Each member
   * runs on a thread of its own ({@code ssekit-pg-group-N}, from the thread factory) with a
   * connection of its own; the handler may block (it delays only this group). Blocks the caller for
   * one query and one {@link #subscribe}.
   *
   * @throws IllegalStateException if the database cannot be reached or the broker is closed
   */
  @Override
  public Subscription subscribeGroup(String topic, String group, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(handler, "handler");
    closed.check();
    checkTopic(topic);
    if (group.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("group must not contain NUL");
    }
    try {
      pool.run(
          c -> {
            GroupMember.create(c, schema, topic, group);
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create consumer group " + group + " of " + topic + ": " + e, e);
    }
    GroupMember m =
        new GroupMember(
            schema, factory, topic, group, handler, new Backoff(backoffMin, backoffMax), outage, closing);
    Subscription wake = listener.subscribe(topic, (t, msg) -> m.signal());
    members.add(m);
    m.start(wake, thread(threadFactory, m, "ssekit-pg-group-" + GROUP_THREADS.incrementAndGet()));
    return () -> {
      members.remove(m);
      m.close();
    };
  }

  /** Wakes the listener at once (it would see new commands within 100 ms anyway). */
  private void wake() {
    try {
      pool.runIfFree( // never wait for a connection: the listener polls its commands anyway
          c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, '')")) {
              st.setString(1, wakeChannel);
              st.execute();
            }
            return null;
          });
    } catch (SQLException e) {
      log.debug("cannot wake the listener of {}", schema.table, e);
    }
  }

  /** The listener's private wake-up channel; for tests. */
  String wakeChannel() {
    return wakeChannel;
  }

  /** Prunes now on the writer thread; for tests. */
  CompletableFuture<Void> pruneNow() {
    return writer.pruneNow();
  }

  @Override
  public BrokerHealth health() {
    return outage.health(closed.isClosed(), "PostgreSQL, table " + schema.table);
  }

  /**
   * Stops both threads (waiting up to a few seconds for them), fails queued publishes with {@link
   * org.ssekit.broker.BrokerClosedException} and closes every connection. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.close()) {
      return;
    }
    closing.countDown();
    for (GroupMember m : members) {
      m.close();
    }
    writer.stop();
    join(listenerThread);
    join(writerThread);
    pool.close();
  }

  private static void join(@Nullable Thread t) {
    if (t == null || !t.isAlive() || t == Thread.currentThread()) {
      return;
    }
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Builds a {@link PostgresBroker}. Not thread-safe. */
  public static final class Builder {
    private final ConnectionFactory factory;
    private String prefix = DEFAULT_PREFIX;
    private int maxEvents = 1_000;
    private Duration maxAge = Duration.ofMinutes(15);
    private Duration pruneInterval = Duration.ofSeconds(30);
    private Duration backoffMin = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(10);
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int readConnections = 4;
    private int queueCapacity = 100_000;
    private boolean synchronousCommit = true;
    private ThreadFactory threadFactory = Threads.defaultFactory();

    private Builder(ConnectionFactory factory) {
      this.factory = factory;
    }

    /**
     * The prefix of the table and channel names (a lower-case SQL identifier, at most 40
     * characters; default {@value PostgresBroker#DEFAULT_PREFIX}). Instances that share messages
     * use the same prefix in the same database schema. May include no schema: the tables go to the
     * connection's current schema (pgjdbc's {@code currentSchema} URL parameter), and the channel
     * name includes a hash of the schema-qualified table name.
     */
    public Builder tablePrefix(String prefix) {
      new Schema(Objects.requireNonNull(prefix, "prefix"));
      this.prefix = prefix;
      return this;
    }

    /**
     * Keeps at most {@code maxEvents} messages per topic, none older than {@code maxAge} (default
     * 1,000 and 15 minutes); the table is pruned to these bounds every prune interval.
     */
    public Builder history(int maxEvents, Duration maxAge) {
      Checks.history(maxEvents, maxAge);
      this.maxEvents = maxEvents;
      this.maxAge = maxAge;
      return this;
    }

    /** How often the writer thread prunes the table (default 30 seconds). */
    public Builder pruneInterval(Duration interval) {
      this.pruneInterval = Checks.positive(interval, "pruneInterval");
      return this;
    }

    /**
     * The reconnect backoff after a lost connection: starts at {@code initial}, doubles per failed
     * attempt up to {@code max}, with up to 20% jitter below each step; default 100 ms to 5 s.
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      Checks.backoff(initial, max);
      this.backoffMin = initial;
      this.backoffMax = max;
      return this;
    }

    /**
     * How long {@link #subscribe} and connecting wait for the database, and how long a publish
     * may wait in the queue while it is unreachable (default 10 seconds).
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /** The largest payload accepted, in bytes (default 1 MiB, at most 256 MiB). */
    public Builder maxPayloadBytes(int max) {
      if (max < 1 || max > (256 << 20)) {
        throw new IllegalArgumentException("maxPayloadBytes must be in 1..268435456: " + max);
      }
      this.maxPayloadBytes = max;
      return this;
    }

    /** At most this many connections for history reads (default 4). */
    public Builder readConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("readConnections must be positive: " + n);
      }
      this.readConnections = n;
      return this;
    }

    /**
     * With {@code false}, the writer's connection runs with {@code synchronous_commit = off}: a
     * commit no longer waits for the WAL flush, which cuts publish latency to a fraction where
     * fsync is slow, at the price that a crash of the database server (not of this process) may
     * lose the last few hundred milliseconds of messages that were already delivered live.
     * Default {@code true}: the server's own setting.
     */
    public Builder synchronousCommit(boolean synchronous) {
      this.synchronousCommit = synchronous;
      return this;
    }

    /** At most this many publishes waiting for the writer (default 100,000); more fail at once. */
    public Builder publishQueueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("publishQueueCapacity must be positive: " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * Makes the broker's threads: a writer, a listener and one per {@linkplain
     * PostgresBroker#subscribeGroup consumer group member}. The default makes daemon threads named
     * {@code ssekit-pg-writer-N}, {@code ssekit-pg-listener-N} and {@code ssekit-pg-group-N};
     * threads from another factory keep their names unless those are JDK defaults ({@code
     * Thread-N}).
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Connects, creates the table if missing, starts listening and returns the broker.
     *
     * @throws IllegalStateException if the database cannot be reached
     */
    public PostgresBroker build() {
      return new PostgresBroker(this);
    }
  }
}
