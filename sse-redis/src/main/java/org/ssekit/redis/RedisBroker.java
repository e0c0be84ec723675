package org.ssekit.redis;

import org.ssekit.broker.BrokerHealth;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * A {@link Broker} on Redis (6.2 or newer): each topic is a Redis Stream
 * that is both the history and the live channel, so every server instance sharing the Redis
 * server sees every message, in the stream's order, and a client may resume on any instance.
 *
 * <p><b>Storage.</b> Topic {@code t} is the stream {@code <prefix>s:<t>} (default prefix {@code
 * ssekit:}). {@link #publish} runs one script that appends an entry ({@code XADD}, capped to about
 * {@link Builder#history maxEvents} entries), drops entries older than its {@code maxAge} and
 * lets the key expire after that long without publishes. The entry id ({@code 1700000000000-0})
 * is the message id and the SSE event id, unless the message brought its own id. Each broker also
 * keeps a small wake-up stream {@code <prefix>w:<uuid>} that expires on its own.
 *
 * <p><b>Delivery.</b> Each broker runs one reader loop with a connection of its own that reads all
 * subscribed streams with one blocking {@code XREAD} (no consumer group: every instance reads
 * everything) and calls the handlers on that loop's thread, one message at a time, in stream
 * order; handlers must not block. {@link #subscribe} reads the stream's newest id and returns: the
 * subscription then gets every entry after that id, none before.
 *
 * <p><b>Outages.</b> When the reader's connection fails it logs one WARN, reconnects with capped
 * exponential backoff ({@link Builder#reconnectBackoff}) and reads on from the last entry each
 * stream delivered, so messages appended meanwhile arrive in order and none twice; recovery is
 * logged at INFO. Publishing uses Lettuce's own reconnection; a publish that gets no answer within
 * {@link Builder#timeout} fails (it may still have been appended, like any at-least-once send).
 *
 * <p><b>Threads and blocking.</b> {@link #publish} never blocks: it completes on a Lettuce I/O
 * thread, so do not block in stages depending on it. {@link #subscribe}, {@link EventLog#append}
 * and {@link EventLog#readAfter} block the caller for one round trip (at most {@link
 * Builder#timeout}). The reader loop runs on a daemon thread {@code ssekit-redis-reader-N}, or on
 * the {@link Builder#threadFactory} given. A broker created from a URL has its own Lettuce {@link
 * ClientResources} (I/O and computation threads, released by {@link #close}); to share them, pass a
 * {@link RedisClient} to {@link #builder(RedisClient)}. All methods are thread-safe.
 *
 * <p>Redis Cluster is not supported (the reader's {@code XREAD} spans keys of many slots).
 */
public final class RedisBroker implements Broker {

  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Duration BLOCK = Duration.ofSeconds(1);
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** Default cap on the number of entries kept per topic. */
  public static final int DEFAULT_HISTORY_LENGTH = 1_000;

  /** Default age bound of the history. */
  public static final Duration DEFAULT_HISTORY_AGE = Duration.ofMinutes(15);

  /** Default largest payload accepted by {@link #publish}, in bytes (1 MiB). */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  private final @Nullable RedisClient ownClient;
  private final @Nullable RedisClient ownReaderClient;
  private final @Nullable ClientResources ownResources;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisEventLog eventLog;
  private final StreamReader reader;
  private final String wakeKey;
  private final RedisClient readerClient;
  private final Duration timeout;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final Duration claimAfter;
  private final long historyAgeMillis;
  private final ThreadFactory threadFactory;
  private final OutageLog outage;
  private final Set<GroupReader> groups = ConcurrentHashMap.newKeySet();
  private final ClosedGuard closed = new ClosedGuard("RedisBroker");

  private RedisBroker(Builder b) {
    RedisClient commandClient;
    RedisClient readerClient;
    if (b.client != null) {
      ownClient = null;
      ownReaderClient = null;
      ownResources = null;
      commandClient = b.client;
      readerClient = b.client;
    } else {
      RedisURI uri = RedisURI.create(Objects.requireNonNull(b.url));
      ClientResources resources =
          ClientResources.builder()
              .reconnectDelay(Delay.exponential(b.backoffMin, b.backoffMax, 2, TimeUnit.MILLISECONDS))
              .build();
      ownResources = resources;
      commandClient = RedisClient.create(resources, uri);
      // While disconnected, commands fail at once instead of waiting in a buffer that is sent on
      // reconnect: a publish that failed was then certainly not stored (see publish).
      commandClient.setOptions(
          ClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(b.timeout))
              .build());
      // The reader reconnects by itself: without Lettuce's reconnection a lost connection fails
      // its pending XREAD at once instead of after a timeout.
      readerClient = RedisClient.create(resources, uri);
      readerClient.setOptions(
          ClientOptions.builder()
              .autoReconnect(false)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .timeoutOptions(TimeoutOptions.enabled(BLOCK.plus(b.timeout)))
              .build());
      ownClient = commandClient;
      ownReaderClient = readerClient;
    }
    try {
      connection = commandClient.connect(CODEC);
    } catch (RuntimeException e) {
      shutdownClients();
      throw e;
    }
    this.readerClient = readerClient;
    this.timeout = b.timeout;
    this.backoffMin = b.backoffMin;
    this.backoffMax = b.backoffMax;
    this.claimAfter = b.claimAfter;
    this.historyAgeMillis = b.maxAge.toMillis();
    this.threadFactory = b.threadFactory;
    String prefix = b.keyPrefix;
    this.outage = new OutageLog(log, "Redis", "RedisBroker " + prefix + " #" + THREADS.incrementAndGet());
    eventLog =
        new RedisEventLog(
            connection,
            prefix + "s:",
            prefix + "n:",
            b.maxEvents,
            b.maxAge.toMillis(),
            b.maxPayloadBytes,
            b.timeout);
    wakeKey = prefix + "w:" + UUID.randomUUID();
    reader =
        new StreamReader(
            readerClient,
            CODEC,
            connection.async(),
            wakeKey,
            BLOCK,
            b.timeout,
            new Backoff(b.backoffMin, b.backoffMax),
            outage);
    try {
      Threads.newThread(threadFactory, reader, "ssekit-redis-reader-" + THREADS.incrementAndGet()).start();
    } catch (RuntimeException e) {
      connection.close();
      shutdownClients();
      throw e;
    }
  }

  /**
   * A broker on the Redis server at {@code url} ({@code redis://[user:password@]host[:port][/db]},
   * {@code rediss://…} for TLS, or any other Lettuce {@link RedisURI} form) with default options.
   *
   * @throws io.lettuce.core.RedisConnectionException if the server cannot be reached
   */
  public static RedisBroker create(String url) {
    return builder(url).build();
  }

  /** A builder for a broker on the Redis server at {@code url}; see {@link #create(String)}. */
  public static Builder builder(String url) {
    Objects.requireNonNull(url, "url");
    RedisURI.create(url); // fail fast on a malformed URL
    return new Builder(url, null);
  }

  /**
   * A builder for a broker on connections of {@code client}, which the caller configured and
   * keeps owning (it is not shut down by {@link #close}). The broker opens two connections: one
   * for commands and one for its blocking reads. With the client's auto-reconnect on (Lettuce's
   * default), a lost read connection is noticed after at most a second plus {@link
   * Builder#timeout}; {@link Builder#reconnectBackoff} then applies to the reader only.
   */
  public static Builder builder(RedisClient client) {
    return new Builder(null, Objects.requireNonNull(client, "client"));
  }

  @Override
  public Optional<EventLog> history() {
    return Optional.of(eventLog);
  }

  /**
   * Appends {@code message} to the topic's stream, which assigns its id and delivers it to every
   * subscribed instance. Never blocks; the stage completes on a Lettuce I/O thread, fails with
   * {@link IllegalArgumentException} if the payload exceeds {@link Builder#maxPayloadBytes} or the
   * metadata has more than 1000 entries, or with the Redis error or a timeout.
   */
  @Override
  public CompletionStage<Message> publish(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (closed.isClosed()) {
      return closed.failed();
    }
    return eventLog.appendAsync(topic, message);
  }

  /**
   * Subscribes {@code handler} to {@code topic}: reads the stream's newest id (one round trip,
   * blocking the caller at most {@link Builder#timeout}) and returns; every entry after it is then
   * delivered on the reader thread, in order, including entries appended during an outage.
   *
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  @Override
  public Subscription subscribe(String topic, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    closed.check();
    RedisEventLog.Position since = eventLog.lastPosition(topic);
    return reader.join(topic, eventLog.key(topic), handler, since);
  }

  /**
   * Subscribes {@code handler} to {@code topic} as one member of the consumer group {@code group}
   * (a Redis consumer group on the topic's stream): among all members of the group, on every
   * instance with the same key prefix, each message is handled by one. Use it for work that must
   * run once per message (count a view, send a mail), and {@link #subscribe} for what every
   * instance must see (its SSE clients).
   *
   * <p>The group is created at the stream's end if it does not exist, so it handles every message
   * appended after this returns (and, when it existed, what it had not handled yet). Delivery is
   * at least once: a message is acknowledged after the handler returns (or throws, which is
   * logged); one read by a member that died before acknowledging it is claimed by another member
   * once it was pending for {@link Builder#groupClaimTimeout}. Each member runs on a daemon thread
   * {@code ssekit-redis-group-N} with a connection of its own; the handler may block (it delays
   * only this member). Blocks the caller for a few round trips.
   *
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  @Override
  public Subscription subscribeGroup(String topic, String group, MessageHandler handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(handler, "handler");
    closed.check();
    GroupReader g =
        new GroupReader(
            readerClient,
            connection.async(),
            topic,
            eventLog.key(topic),
            group,
            handler,
            BLOCK,
            timeout,
            claimAfter,
            new Backoff(backoffMin, backoffMax),
            outage,
            historyAgeMillis);
    g.start();
    groups.add(g);
    try {
      Threads.newThread(threadFactory, g, "ssekit-redis-group-" + THREADS.incrementAndGet()).start();
    } catch (RuntimeException e) {
      groups.remove(g);
      g.close();
      throw e;
    }
    return () -> {
      groups.remove(g);
      g.close();
    };
  }

  /**
   * {@inheritDoc}
   *
   * <p>Down from the moment the reader, a group member or the command connection finds the
   * connection lost until all of them have it back (the same span as the WARN and INFO lines).
   */
  @Override
  public BrokerHealth health() {
    if (!closed.isClosed() && !outage.isDown() && !connection.isOpen()) {
      return BrokerHealth.down("Redis command connection lost, reconnecting");
    }
    return outage.health(closed.isClosed(), "Redis " + wakeKey.substring(0, wakeKey.indexOf("w:")) + "*");
  }

  /**
   * Stops the reader and the group members (waiting up to about two seconds for them to leave
   * their groups), closes the connections and, when it created them, the Lettuce client.
   */
  @Override
  public void close() {
    if (!closed.close()) {
      return;
    }
    reader.close();
    for (GroupReader g : groups) {
      g.close();
    }
    for (GroupReader g : groups) {
      g.awaitClosed(BLOCK.plus(Duration.ofSeconds(1)));
    }
    try {
      RedisEventLog.await(connection.async().del(wakeKey), Duration.ofSeconds(1));
    } catch (RuntimeException e) {
      log.debug("could not delete wake-up key {}; it expires by itself", wakeKey, e);
    }
    connection.close();
    shutdownClients();
  }

  private void shutdownClients() {
    if (ownReaderClient != null) {
      ownReaderClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (ownClient != null) {
      ownClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (ownResources != null) {
      ownResources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** How many messages this broker's reader found trimmed before it could deliver them. */
  long missedMessages() {
    return reader.missed();
  }

  @Override
  public String toString() {
    return "RedisBroker{wake=" + wakeKey + "}";
  }

  /** Builds a {@link RedisBroker}. Not thread-safe. */
  public static final class Builder {
    private final @Nullable String url;
    private final @Nullable RedisClient client;
    private String keyPrefix = "ssekit:";
    private int maxEvents = DEFAULT_HISTORY_LENGTH;
    private Duration maxAge = DEFAULT_HISTORY_AGE;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private Duration backoffMin = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(10);
    private Duration claimAfter = Duration.ofSeconds(30);
    private ThreadFactory threadFactory = Threads.defaultFactory();

    private Builder(@Nullable String url, @Nullable RedisClient client) {
      this.url = url;
      this.client = client;
    }

    /**
     * The prefix of every key this broker uses; default {@code ssekit:}. Instances that share
     * topics must use the same prefix; separate applications on one server should not.
     */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * Keeps about {@code maxEvents} messages per topic (Redis trims whole nodes, so slightly more
     * may stay), none older than {@code maxAge} (by the Redis server's clock, checked on each
     * publish); a topic's stream expires after {@code maxAge} without publishes. Default {@value
     * RedisBroker#DEFAULT_HISTORY_LENGTH} and 15 minutes.
     */
    public Builder history(int maxEvents, Duration maxAge) {
      Checks.history(maxEvents, maxAge);
      this.maxEvents = maxEvents;
      this.maxAge = maxAge;
      return this;
    }

    /**
     * The largest payload {@link RedisBroker#publish} accepts, in bytes; default 1 MiB, at most
     * 512 MiB (Redis' own limit for one value).
     */
    public Builder maxPayloadBytes(int bytes) {
      if (bytes < 0 || bytes > 512 * 1024 * 1024) {
        throw new IllegalArgumentException("maxPayloadBytes must be in [0, 512 MiB]: " + bytes);
      }
      this.maxPayloadBytes = bytes;
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
     * How long a message read by a member of a {@link RedisBroker#subscribeGroup consumer group}
     * may stay unacknowledged before another member takes it over; default 30 s. Longer than the
     * slowest handler should take.
     */
    public Builder groupClaimTimeout(Duration timeout) {
      this.claimAfter = Checks.positive(timeout, "groupClaimTimeout");
      return this;
    }

    /**
     * How long a command may go unanswered before it fails; default 10 s. A publish fails at the
     * latest this long after the call: with {@link org.ssekit.broker.PublishUnconfirmedException}
     * when Redis did not answer in time (it may have stored the message), at once with the Redis
     * error when the connection is known to be down (nothing was sent). {@link
     * RedisBroker#subscribe} and the history's methods wait at most this long.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /**
     * Makes the broker's threads: the reader loop (one, for the broker's life) and one per
     * {@linkplain RedisBroker#subscribeGroup consumer group member}. The default makes daemon
     * threads named {@code ssekit-redis-reader-N} and {@code ssekit-redis-group-N}; threads from
     * another factory keep their names unless those are JDK defaults ({@code Thread-N}).
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Connects and starts the reader loop.
     *
     * @throws io.lettuce.core.RedisConnectionException if the server cannot be reached
     */
    public RedisBroker build() {
      return new RedisBroker(this);
    }
  }
}
