package org.ssekit.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.DuplicateIdException;
import org.ssekit.broker.Message;
import org.ssekit.broker.PublishUnconfirmedException;
import org.ssekit.internal.broker.Checks;

/**
 * The history of a {@link RedisBroker}: one Redis Stream per topic, on the broker's command
 * connection (Lettuce multiplexes it; no call holds it). {@link #appendAsync} never blocks; {@link
 * #append}, {@link #readAfter} and {@link #lastId} block the caller for at most the configured
 * timeout.
 */
final class RedisEventLog implements EventLog {

  private static final int SCAN_PAGE = 200;

  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisAsyncCommands<String, byte[]> async;
  private final String topicPrefix;
  private final String counterPrefix;
  private final String idIndexPrefix;
  private final long maxLength;
  private final long maxAgeMillis;
  private final int maxPayloadBytes;
  private final Duration timeout;

  RedisEventLog(
      StatefulRedisConnection<String, byte[]> connection,
      String topicPrefix,
      String counterPrefix,
      long maxLength,
      long maxAgeMillis,
      int maxPayloadBytes,
      Duration timeout) {
    this.connection = connection;
    this.async = connection.async();
    this.topicPrefix = topicPrefix;
    this.counterPrefix = counterPrefix;
    this.idIndexPrefix = counterPrefix.substring(0, counterPrefix.length() - 2) + "d:";
    this.maxLength = maxLength;
    this.maxAgeMillis = maxAgeMillis;
    this.maxPayloadBytes = maxPayloadBytes;
    this.timeout = timeout;
  }

  /** The stream key of {@code topic}. */
  String key(String topic) {
    return topicPrefix + topic;
  }

  StatefulRedisConnection<String, byte[]> connection() {
    return connection;
  }

  /**
   * Appends {@code message} without blocking; the stage completes on a Lettuce I/O thread with the
   * stored message, or fails with an {@link IllegalArgumentException} when the payload exceeds
   * the limit or the metadata has more than {@value Entries#MAX_METADATA_ENTRIES} entries, or
   * with the Redis error.
   */
  CompletionStage<Message> appendAsync(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (message.payloadLength() > maxPayloadBytes) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "message payload of "
                  + message.payloadLength()
                  + " bytes exceeds the Redis broker's limit of "
                  + maxPayloadBytes
                  + " bytes (RedisBroker.Builder.maxPayloadBytes)"));
    }
    if (message.metadata().size() > Entries.MAX_METADATA_ENTRIES) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "message metadata has "
                  + message.metadata().size()
                  + " entries; the Redis broker accepts at most "
                  + Entries.MAX_METADATA_ENTRIES));
    }
    Optional<String> own = message.id();
    if (own.isPresent() && StreamId.parse(own.get()) != null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "message id " + own.get() + " has the form of the ids Redis assigns (<milliseconds>-<sequence>);"
                  + " it could stand for another message of the history: give the message another id, or none"));
    }
    byte[][] args = Entries.appendArgs(message, maxLength, maxAgeMillis);
    CompletableFuture<byte[]> f;
    try {
      f =
          async.<byte[]>eval(
                  Entries.APPEND_SCRIPT,
                  ScriptOutputType.VALUE,
                  new String[] {key(topic), counterPrefix + topic, idIndexPrefix + topic},
                  args)
              .toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // rejected at once: not sent
    }
    CompletableFuture<Message> stored = new CompletableFuture<>();
    f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (id, err) -> {
              if (err != null) {
                stored.completeExceptionally(publishFailure(topic, message, err));
              } else {
                stored.complete(
                    own.isPresent() ? message : message.withId(new String(id, StandardCharsets.US_ASCII)));
              }
            });
    return stored;
  }

  /**
   * What a failed append means: refused (a duplicate id, or rejected while the connection is down:
   * nothing was sent) or unknown (no answer in time, or the connection broke after sending).
   */
  private Throwable publishFailure(String topic, Message message, Throwable err) {
    Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    String text = String.valueOf(e.getMessage());
    if (e instanceof RedisCommandExecutionException && text.contains(Entries.DUPLICATE_ID)) {
      return new DuplicateIdException(topic, message.id().orElse(""));
    }
    if (e instanceof RedisCommandExecutionException || e instanceof IllegalArgumentException) {
      return e; // Redis refused the command: nothing was stored
    }
    if (e instanceof RedisException && text.startsWith("Currently not connected")) {
      return new RedisException("Redis is unreachable (reconnecting); the message was not published", e);
    }
    if (e instanceof TimeoutException || e instanceof RedisCommandTimeoutException) {
      return new PublishUnconfirmedException(
          "Redis did not answer within " + timeout + "; the message may have been stored", e);
    }
    return new PublishUnconfirmedException(
        "the connection to Redis failed before it answered (" + e + "); the message may have been stored", e);
  }

  @Override
  public Message append(String topic, Message message) {
    return await(appendAsync(topic, message).toCompletableFuture());
  }

  /** The newest entry of {@code topic}: its id and number, or zero ones when it has none. */
  Position lastPosition(String topic) {
    List<StreamMessage<String, byte[]>> newest =
        await(async.xrevrange(key(topic), Range.unbounded(), Limit.from(1)));
    return newest.isEmpty()
        ? new Position(StreamId.ZERO, 0)
        : new Position(StreamId.of(newest.get(0).getId()), Entries.number(newest.get(0)));
  }

  /** Where a topic's stream ends: the newest entry id and its number (0: unknown). */
  record Position(StreamId id, long number) {}

  @Override
  public Replay readAfter(String topic, String lastEventId, int limit) {
    Checks.readAfter(topic, lastEventId, limit);
    String key = key(topic);
    StreamId at = StreamId.parse(lastEventId);
    if (at != null) {
      // The entry itself and up to limit + 1 after it: found, and whether more than limit follow.
      List<StreamMessage<String, byte[]>> l =
          await(
              async.xrange(
                  key,
                  Range.from(Range.Boundary.including(at.toString()), Range.Boundary.unbounded()),
                  Limit.from(limit + 2L)));
      if (!l.isEmpty() && l.get(0).getId().equals(at.toString()) && !Entries.hasOwnId(l.get(0))) {
        return following(key, l.subList(1, l.size()), limit);
      }
    }
    StreamId own = findOwnId(key, lastEventId);
    if (own != null) {
      List<StreamMessage<String, byte[]>> l =
          await(
              async.xrange(
                  key,
                  Range.from(Range.Boundary.excluding(own.toString()), Range.Boundary.unbounded()),
                  Limit.from(limit + 1L)));
      return following(key, l, limit);
    }
    return new Replay(newest(key, limit), false);
  }

  private Replay following(String key, List<StreamMessage<String, byte[]>> after, int limit) {
    if (after.size() <= limit) {
      return new Replay(Entries.decodeAll(after), true);
    }
    return new Replay(newest(key, limit), false);
  }

  private List<Message> newest(String key, int limit) {
    if (limit == 0) {
      return List.of();
    }
    List<StreamMessage<String, byte[]>> l =
        new ArrayList<>(await(async.xrevrange(key, Range.unbounded(), Limit.from(limit))));
    Collections.reverse(l);
    return Entries.decodeAll(l);
  }

  /** The entry id of the message whose own id is {@code id}, scanning newest first. */
  private @Nullable StreamId findOwnId(String key, String id) {
    byte[] wanted = id.getBytes(StandardCharsets.UTF_8);
    Range.Boundary<String> upper = Range.Boundary.unbounded();
    while (true) {
      List<StreamMessage<String, byte[]>> page =
          await(async.xrevrange(key, Range.from(Range.Boundary.unbounded(), upper), Limit.from(SCAN_PAGE)));
      for (StreamMessage<String, byte[]> e : page) {
        byte[] own = e.getBody().get(Entries.OWN_ID);
        if (own != null && java.util.Arrays.equals(own, wanted)) {
          return StreamId.of(e.getId());
        }
      }
      if (page.size() < SCAN_PAGE) {
        return null;
      }
      upper = Range.Boundary.excluding(page.get(page.size() - 1).getId());
    }
  }

  /** Waits for {@code f} at most the timeout; Redis failures surface as {@link RedisException}. */
  <T> T await(Future<T> f) {
    return await(f, timeout);
  }

  static <T> T await(Future<T> f, Duration timeout) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new RedisCommandInterruptedException(e);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new RedisCommandTimeoutException("Redis did not answer within " + timeout);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new RedisException(c);
    }
  }
}
