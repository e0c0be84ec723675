package org.ssekit.nats;

import io.nats.client.Connection;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Republish;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.DuplicateIdException;
import org.ssekit.broker.Message;
import org.ssekit.broker.PublishUnconfirmedException;
import org.ssekit.internal.broker.Checks;

/**
 * The history on one JetStream stream. Each topic is one subject of the stream ({@link Subjects}),
 * bounded per subject by count and by age; the stream republishes every stored message to the
 * topic's live subject with its sequence, which is how {@link NatsBroker} fans out.
 *
 * <p>Thread-safe. {@link #append} and {@link #readAfter} block on the network (at most about the
 * configured timeout per round trip); {@link #appendAsync} does not.
 */
final class NatsLog implements EventLog {

  private static final Logger log = LoggerFactory.getLogger(NatsLog.class);

  /** JetStream API error code: no message found. */
  private static final int NO_MESSAGE = 10037;
  /** JetStream API error code: stream name already in use with a different configuration. */
  private static final int STREAM_NAME_IN_USE = 10058;
  /** Messages fetched per pull when reading a range. */
  private static final int BATCH = 500;
  /** JetStream's de-duplication header. */
  private static final String DEDUPE = "Nats-Msg-Id";

  private final Connection connection;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final StreamContext stream;
  private final String streamName;
  private final Subjects subjects;
  private final Codec codec;
  private final Duration timeout;

  private NatsLog(
      Connection connection,
      JetStream js,
      JetStreamManagement jsm,
      StreamContext stream,
      String streamName,
      Subjects subjects,
      Codec codec,
      Duration timeout) {
    this.connection = connection;
    this.js = js;
    this.jsm = jsm;
    this.stream = stream;
    this.streamName = streamName;
    this.subjects = subjects;
    this.codec = codec;
    this.timeout = timeout;
  }

  /**
   * Creates the stream, or brings an existing one of the same name to this configuration, and
   * returns the log on it. Blocks on the network.
   */
  static NatsLog open(
      Connection connection,
      String streamName,
      String subjectPrefix,
      int maxEventsPerTopic,
      Duration maxAge,
      StorageType storage,
      Duration timeout) {
    Subjects subjects = new Subjects(subjectPrefix);
    // Own ids travel as Nats-Msg-Id too: the server refuses a second message with one of them for
    // as long as the history can hold the first.
    Duration dupWindow = maxAge;
    StreamConfiguration config =
        StreamConfiguration.builder()
            .name(streamName)
            .subjects(subjects.logWildcard())
            .retentionPolicy(RetentionPolicy.Limits)
            .discardPolicy(DiscardPolicy.Old)
            .maxMessagesPerSubject(maxEventsPerTopic)
            .maxAge(maxAge)
            .duplicateWindow(dupWindow)
            .storageType(storage)
            .allowDirect(true)
            .republish(
                Republish.builder()
                    .source(subjects.republishSource())
                    .destination(subjects.republishDestination())
                    .build())
            .build();
    if (!connection.getServerInfo().isJetStreamAvailable()) {
      throw new IllegalStateException(
          "the NATS server at "
              + connection.getConnectedUrl()
              + " has JetStream disabled; start it with -js (or a jetstream block in its config)");
    }
    try {
      JetStreamOptions jso = JetStreamOptions.builder().requestTimeout(timeout).build();
      JetStreamManagement jsm = connection.jetStreamManagement(jso);
      StreamInfo info;
      try {
        info = jsm.addStream(config);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
          throw e;
        }
        log.info("updating JetStream stream {} to this configuration: {}", streamName, config.toJson());
        info = jsm.updateStream(config);
      }
      String epoch = Long.toString(info.getCreateTime().toInstant().toEpochMilli(), 36);
      StreamContext ctx = connection.getStreamContext(streamName, jso);
      return new NatsLog(
          connection, connection.jetStream(jso), jsm, ctx, streamName, subjects, new Codec(epoch), timeout);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException(
          "cannot create or update JetStream stream " + streamName + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create or update JetStream stream " + streamName, e);
    }
  }

  StreamContext stream() {
    return stream;
  }

  Subjects subjects() {
    return subjects;
  }

  Codec codec() {
    return codec;
  }

  /**
   * Checks {@code message} against the server's max_payload (body plus headers).
   *
   * @throws IllegalArgumentException naming the limit when it is too large
   */
  @Nullable Headers checkSize(String topic, Message message) {
    Headers h = Codec.headers(message);
    if (h != null && message.id().isPresent()) {
      String own = message.id().get();
      if (codec.sequence(own) > 0) {
        throw new IllegalArgumentException(
            "message id " + own + " has the form of the ids this stream assigns (" + codec.epoch()
                + "-<sequence>); it could stand for another message of the history: give the message"
                + " another id, or none");
      }
      h.put(DEDUPE, subjects.log(topic) + ":" + Codec.escape(own));
    }
    long max = connection.getServerInfo().getMaxPayload();
    long size = (long) message.payloadLength() + (h == null ? 0 : h.serializedLength());
    if (max > 0 && size > max) {
      throw new IllegalArgumentException(
          "message of "
              + size
              + " bytes (payload "
              + message.payloadLength()
              + " + metadata headers) exceeds the NATS server's max_payload of "
              + max
              + " bytes");
    }
    return h;
  }

  /**
   * Appends without blocking: the stage completes (on a NATS client thread) with the stored
   * message once the stream acknowledged it, or exceptionally.
   */
  CompletableFuture<Message> appendAsync(String topic, Message message) {
    Headers h;
    CompletableFuture<PublishAck> ack;
    try {
      h = checkSize(topic, message);
      ack = js.publishAsync(subjects.log(topic), h, message.payload());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("NATS did not take the message (" + e + "); it was not published", e));
    }
    CompletableFuture<Message> out = new CompletableFuture<>();
    ack.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (a, err) -> {
              if (err == null) {
                try {
                  out.complete(stored(topic, message, a));
                } catch (RuntimeException e) {
                  out.completeExceptionally(e);
                }
              } else {
                out.completeExceptionally(publishFailure(err));
              }
            });
    return out;
  }

  /**
   * What a publish without an acknowledgement means: refused by JetStream (not stored), or
   * unknown (no answer in time: the client may have sent it, then or after a reconnect).
   */
  private Throwable publishFailure(Throwable err) {
    Throwable e = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
    if (e instanceof JetStreamApiException) {
      return new IllegalStateException(
          "JetStream refused the message: " + e.getMessage() + "; it was not published", e);
    }
    if (e instanceof java.util.concurrent.TimeoutException) {
      return new PublishUnconfirmedException(
          "NATS did not acknowledge the message within " + timeout + " (connection "
              + connection.getStatus().name().toLowerCase(java.util.Locale.ROOT)
              + "); it may still be stored and delivered", e);
    }
    return new PublishUnconfirmedException(
        "NATS did not acknowledge the message (" + e + "); it may still be stored and delivered", e);
  }

  private Message stored(String topic, Message message, PublishAck ack) {
    if (ack.isDuplicate()) {
      throw new DuplicateIdException(topic, message.id().orElse(""));
    }
    return message.id().isPresent() ? message : message.withId(codec.id(ack.getSeqno()));
  }

  @Override
  public Message append(String topic, Message message) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    Headers h = checkSize(topic, message);
    try {
      PublishAck ack = js.publish(subjects.log(topic), h, message.payload());
      return stored(topic, message, ack);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to JetStream stream " + streamName, e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("JetStream refused the append to " + streamName + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Replay readAfter(String topic, String lastEventId, int limit) {
    Checks.readAfter(topic, lastEventId, limit);
    long seq = codec.sequence(lastEventId);
    if (seq > 0 && isPlainMessageOf(topic, seq)) {
      Tail tail = new Tail(limit);
      read(topic, seq + 1, tail::add);
      return new Replay(List.copyOf(tail.messages), tail.dropped == 0);
    }
    // Not one of our plain ids: a message's own id, an expired one, or one from another stream.
    // Scan what the topic retains (bounded per topic by the history limits).
    Tail[] tail = {new Tail(limit)};
    boolean[] found = {false};
    read(
        topic,
        1,
        (s, m) -> {
          if (lastEventId.equals(m.id().orElse(null))) {
            found[0] = true;
            tail[0] = new Tail(limit); // only what follows the (last) message with that id
          } else {
            tail[0].add(s, m);
          }
        });
    return new Replay(List.copyOf(tail[0].messages), found[0] && tail[0].dropped == 0);
  }

  /** Whether the stream holds a message at {@code seq} on {@code topic}'s subject without own id. */
  private boolean isPlainMessageOf(String topic, long seq) {
    MessageInfo mi = messageAt(seq);
    return mi != null && subjects.log(topic).equals(mi.getSubject()) && !Codec.hasOwnId(mi.getHeaders());
  }

  /** Whether the stream still holds the message at {@code seq} of {@code topic}. Blocks. */
  boolean holds(String topic, long seq) {
    MessageInfo mi = messageAt(seq);
    return mi != null && subjects.log(topic).equals(mi.getSubject());
  }

  private @Nullable MessageInfo messageAt(long seq) {
    try {
      return jsm.getMessage(streamName, seq);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return null;
      }
      throw new IllegalStateException("cannot read JetStream stream " + streamName + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JetStream stream " + streamName, e);
    }
  }

  /**
   * The sequence of the newest message the stream holds for {@code topic}, 0 when none. Blocks for
   * one round trip.
   */
  long lastSequence(String topic) {
    try {
      return jsm.getLastMessage(streamName, subjects.log(topic)).getSeq();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return 0;
      }
      throw new IllegalStateException("cannot read JetStream stream " + streamName + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JetStream stream " + streamName, e);
    }
  }

  /** Receives one stored message and its stream sequence. */
  @FunctionalInterface
  interface Reader {
    void accept(long seq, Message message);
  }

  /**
   * Hands every message the stream holds for {@code topic} from sequence {@code from} on to
   * {@code reader}, oldest first, through a short-lived ordered consumer; returns when it has read
   * all that was there. Blocks on the network.
   */
  void read(String topic, long from, Reader reader) {
    try {
      OrderedConsumerContext consumer =
          stream.createOrderedConsumer(
              new OrderedConsumerConfiguration()
                  .filterSubject(subjects.log(topic))
                  .deliverPolicy(DeliverPolicy.ByStartSequence)
                  .startSequence(Math.max(1, from)));
      while (true) {
        int n = 0;
        try (FetchConsumer fetch =
            consumer.fetch(FetchConsumeOptions.builder().maxMessages(BATCH).noWait().build())) {
          io.nats.client.Message m;
          while ((m = fetch.nextMessage()) != null) {
            n++;
            long seq = m.metaData().streamSequence();
            reader.accept(seq, codec.decode(seq, m.getHeaders(), m.getData()));
          }
        }
        if (n < BATCH) {
          return;
        }
      }
    } catch (JetStreamApiException | JetStreamStatusCheckedException e) {
      throw new IllegalStateException("cannot read JetStream stream " + streamName + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("interrupted reading " + streamName));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JetStream stream " + streamName, e);
    } catch (Exception e) {
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      throw new IllegalStateException("cannot read JetStream stream " + streamName, e);
    }
  }

  /** Keeps the newest {@code limit} messages handed to it and counts the ones it dropped. */
  private static final class Tail {
    final int limit;
    final ArrayDeque<Message> messages = new ArrayDeque<>();
    int dropped;

    Tail(int limit) {
      this.limit = limit;
    }

    void add(long seq, Message m) {
      messages.addLast(m);
      if (messages.size() > limit) {
        messages.removeFirst();
        dropped++;
      }
    }
  }
}
