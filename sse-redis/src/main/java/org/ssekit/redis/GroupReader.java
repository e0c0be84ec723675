package org.ssekit.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.internal.broker.Backoff;
import org.ssekit.internal.broker.OutageLog;

/**
 * One member of a Redis consumer group on one topic's stream ({@link RedisBroker#subscribeGroup}):
 * a loop on a thread and connection of its own that reads new entries with {@code XREADGROUP},
 * hands each to the handler and acknowledges it, and now and then claims entries another member
 * read but never acknowledged (it died) once they are idle for the claim timeout. Reconnects with
 * capped backoff like {@link StreamReader}, logging one WARN per outage.
 */
final class GroupReader implements Runnable, Subscriber.Subscription {

  private static final Logger log = LoggerFactory.getLogger(GroupReader.class);
  private static final int BATCH = 100;

  private final RedisClient client;
  private final RedisAsyncCommands<String, byte[]> commands; // to unblock the loop on close
  private final String topic;
  private final String key;
  private final String group;
  private final Consumer<String> consumer;
  private final XReadArgs.StreamOffset<String>[] newEntries;
  private final Subscriber.MessageHandler handler;
  private final Duration block;
  private final Duration timeout;
  private final Duration claimAfter;
  private final Backoff backoff;
  private final OutageLog outage;
  private final String component;
  private final long keyTtlMillis;
  private final Object signal = new Object();
  private final AtomicReference<@Nullable StatefulRedisConnection<String, byte[]>> connection =
      new AtomicReference<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile long clientId = -1;

  // Owned by the loop thread.
  private long lastClaim = System.nanoTime();

  GroupReader(
      RedisClient client,
      RedisAsyncCommands<String, byte[]> commands,
      String topic,
      String key,
      String group,
      Subscriber.MessageHandler handler,
      Duration block,
      Duration timeout,
      Duration claimAfter,
      Backoff backoff,
      OutageLog outage,
      long keyTtlMillis) {
    this.client = client;
    this.commands = commands;
    this.topic = topic;
    this.key = key;
    this.group = group;
    this.consumer = Consumer.from(group, UUID.randomUUID().toString());
    this.newEntries = StreamReader.offsets(1);
    this.newEntries[0] = XReadArgs.StreamOffset.lastConsumed(key);
    this.handler = handler;
    this.block = block;
    this.timeout = timeout;
    this.claimAfter = claimAfter;
    this.backoff = backoff;
    this.outage = outage;
    this.component = "group " + group + " of topic " + topic + " (" + consumer.getName() + ")";
    this.keyTtlMillis = keyTtlMillis;
  }

  /**
   * Connects and makes sure the group exists (created at the stream's end), so that every entry
   * appended after this returns is handled by some member. Called by the subscribing thread.
   */
  void start() {
    StatefulRedisConnection<String, byte[]> c = client.connect(RedisBroker.CODEC);
    try {
      ensureGroup(c);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    connection.set(c);
  }

  private void ensureGroup(StatefulRedisConnection<String, byte[]> c) {
    RedisAsyncCommands<String, byte[]> a = c.async();
    try {
      RedisEventLog.await(
          a.xgroupCreate(XReadArgs.StreamOffset.latest(key), group, XGroupCreateArgs.Builder.mkstream()),
          timeout);
      // A stream made for the group expires like one made by a publish, unless one comes.
      if (RedisEventLog.await(a.pttl(key), timeout) == -1) {
        a.pexpire(key, keyTtlMillis);
      }
    } catch (RedisBusyException e) {
      // the group exists: join it where it is
    }
    RedisEventLog.await(a.xgroupCreateconsumer(key, consumer), timeout);
    clientId = RedisEventLog.await(a.clientId(), timeout);
  }

  /**
   * Stops the loop; it finishes (and acknowledges) the batch in hand, leaves the group and
   * disconnects within about a second, on its own thread.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (signal) {
      signal.notifyAll();
    }
    long id = clientId;
    if (id >= 0) {
      commands.clientUnblock(id, UnblockType.TIMEOUT); // a blocked XREADGROUP returns at once
    }
  }

  /** Waits at most {@code max} for the loop to have left the group after {@link #close}. */
  void awaitClosed(Duration max) {
    try {
      done.await(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    try {
      loop();
    } finally {
      leave();
      outage.forget(component);
      done.countDown();
    }
  }

  private void loop() {
    while (!closed) {
      try {
        StatefulRedisConnection<String, byte[]> c = connection.get();
        if (c == null) {
          c = client.connect(RedisBroker.CODEC);
          connection.set(c);
          ensureGroup(c); // the key may have expired or been dropped, taking the group along
        }
        if (System.nanoTime() - lastClaim >= claimAfter.toNanos() / 2) {
          claim(c);
          lastClaim = System.nanoTime();
        }
        List<StreamMessage<String, byte[]>> entries =
            RedisEventLog.await(
                c.async()
                    .xreadgroup(
                        consumer,
                        XReadArgs.Builder.block(block).count(BATCH),
                        newEntries),
                block.plus(timeout));
        handle(c, entries);
        recovered();
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        failed(e);
      }
    }
  }

  private void claim(StatefulRedisConnection<String, byte[]> c) {
    String start = "0-0";
    do {
      ClaimedMessages<String, byte[]> claimed =
          RedisEventLog.await(
              c.async()
                  .xautoclaim(
                      key,
                      new XAutoClaimArgs<String>()
                          .consumer(consumer)
                          .minIdleTime(claimAfter)
                          .startId(start)
                          .count(BATCH)),
              timeout);
      handle(c, claimed.getMessages());
      start = claimed.getId();
    } while (!closed && !"0-0".equals(start));
  }

  private void handle(StatefulRedisConnection<String, byte[]> c, List<StreamMessage<String, byte[]>> entries) {
    for (StreamMessage<String, byte[]> e : entries) {
      Message m = null;
      try {
        m = e.getBody() == null || e.getBody().isEmpty() ? null : Entries.decode(e);
      } catch (IllegalArgumentException ex) {
        log.warn("skipping entry {} of stream {}: {}", e.getId(), key, ex.getMessage());
      }
      if (m != null) {
        try {
          handler.onMessage(topic, m);
        } catch (RuntimeException ex) {
          log.warn("group {} handler of topic {} failed on {}", group, topic, m, ex);
        }
      }
      RedisEventLog.await(c.async().xack(key, group, e.getId()), timeout);
    }
  }

  private void recovered() {
    backoff.reset();
    outage.recovered(component);
  }

  private void failed(RuntimeException e) {
    outage.lost(component, e);
    StatefulRedisConnection<String, byte[]> c = connection.getAndSet(null);
    if (c != null && c.isOpen()) {
      c.closeAsync();
    }
    if (!backoff.await(signal, () -> closed)) {
      closed = true;
    }
  }

  /** Removes this member from the group (everything it read is acknowledged) and disconnects. */
  private void leave() {
    StatefulRedisConnection<String, byte[]> c = connection.getAndSet(null);
    if (c == null) {
      return;
    }
    try {
      // Only an empty-handed member leaves: deleting a consumer drops its pending entries.
      if (RedisEventLog.await(c.async().xpending(key, consumer, Range.unbounded(), Limit.from(1)), timeout)
          .isEmpty()) {
        RedisEventLog.await(c.async().xgroupDelconsumer(key, consumer), timeout);
      }
    } catch (RuntimeException e) {
      log.debug("could not remove consumer {} from group {}", consumer.getName(), group, e);
    }
    c.closeAsync();
  }
}
