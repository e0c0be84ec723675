package org.ssekit.nats;

import io.nats.client.Dispatcher;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;
import org.ssekit.internal.broker.LogCursor;

/**
 * One subscription of one topic on this instance: a core NATS subscription to the topic's live
 * subject (where the stream republishes each stored message with its sequence and the previous
 * sequence of the same subject), drained one run at a time on the executor.
 *
 * <p>Runs are serialised: a message is delivered inline on the NATS dispatcher thread when nothing
 * else is queued or running, otherwise by a run on the executor. Each run delivers in sequence
 * order and tracks the cursor, the sequence of the last message handed to the handler. A republished message whose previous sequence is newer than
 * the cursor reveals a gap (a message dropped while disconnected or as a slow consumer): the
 * run first reads the stream after the cursor and delivers what it finds. After a reconnect
 * the broker asks every topic to {@link #catchUp()} the same way. Messages at or below the cursor are duplicates and are dropped, so the handler sees each message once, in log order.
 * Failed reads are retried with capped backoff.
 */
final class LiveTopic implements Subscriber.Subscription, Runnable {

  private static final Logger log = LoggerFactory.getLogger(LiveTopic.class);
  private static final int BUDGET = 256;

  private final NatsBroker broker;
  private final NatsLog history;
  private final String topic;
  private final Subscriber.MessageHandler handler;
  private final Executor executor;
  private final ConcurrentLinkedQueue<io.nats.client.Message> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean ready;
  private volatile boolean closed;
  private volatile boolean catchUp;
  private volatile boolean retryPending;
  private volatile io.nats.client.@Nullable Subscription subscription;
  private final Dispatcher dispatcher;
  // Read and written only by runs, which are serialised by 'scheduled' (its CAS orders them).
  private LogCursor cursor = new LogCursor(0);
  private int failures;
  private boolean warned;

  LiveTopic(
      NatsBroker broker,
      NatsLog history,
      String topic,
      Subscriber.MessageHandler handler,
      Executor executor,
      Dispatcher dispatcher) {
    this.broker = broker;
    this.history = history;
    this.topic = topic;
    this.handler = handler;
    this.executor = executor;
    this.dispatcher = dispatcher;
  }

  String topic() {
    return topic;
  }

  /**
   * Subscribes to the live subject, then asks the stream for the topic's newest sequence, the
   * starting point: older messages are not delivered, every later one is. The server handles one
   * connection's protocol in order, so when that answer arrives it has the subscription (no
   * separate flush, whose pings would compete with the client's own). Blocks for one round trip.
   */
  void start() {
    io.nats.client.Subscription s =
        dispatcher.subscribe(history.subjects().live(topic), this::onNatsMessage);
    subscription = s;
    try {
      cursor = new LogCursor(history.lastSequence(topic));
    } catch (RuntimeException e) {
      dispatcher.unsubscribe(s);
      throw e;
    }
    ready = true;
    schedule();
  }

  /**
   * Called on the NATS dispatcher thread, one message at a time. When nothing is queued or running
   * and the message follows the last delivered one, it is delivered right here (the common case:
   * no thread hand-off); otherwise it is queued for a run on the executor, which reads the stream
   * when needed.
   */
  private void onNatsMessage(io.nats.client.Message m) {
    if (ready && !closed && !catchUp && !retryPending && inbox.isEmpty() && scheduled.compareAndSet(false, true)) {
      boolean handOff = false;
      try {
        Headers h = m.getHeaders();
        long seq = header(h, Codec.SEQUENCE);
        LogCursor.Step step = cursor.live(seq, header(h, Codec.LAST_SEQUENCE), true);
        if (catchUp || !inbox.isEmpty() || step == LogCursor.Step.CATCH_UP) {
          inbox.add(m);
          handOff = true;
        } else if (step == LogCursor.Step.DELIVER) {
          deliver(seq, history.codec().decode(seq, h, m.getData()));
        }
      } finally {
        if (handOff) {
          try {
            executor.execute(this);
          } catch (RejectedExecutionException e) {
            scheduled.set(false);
          }
        } else {
          scheduled.set(false);
          if (!closed && (!inbox.isEmpty() || catchUp)) {
            schedule();
          }
        }
      }
      return;
    }
    inbox.add(m);
    schedule();
  }

  /**
   * After a reconnect, once the client re-sent its subscriptions: read what the stream stored
   * meanwhile before anything newer.
   */
  void catchUp() {
    catchUp = true;
    retryPending = false; // the connection is back: do not wait out a backoff from the outage
    schedule();
  }

  private void schedule() {
    if (!ready || closed || retryPending) {
      return;
    }
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        if (!closed && !broker.isClosed()) {
          log.error("executor rejected delivery for topic {}", topic, e);
        }
      }
    }
  }

  @Override
  public void run() {
    try {
      if (catchUp) {
        catchUp = false;
        if (!readStream()) {
          catchUp = true;
          return;
        }
      }
      int budget = BUDGET;
      io.nats.client.Message m;
      while (!closed && budget-- > 0 && (m = inbox.peek()) != null) {
        Headers h = m.getHeaders();
        long seq = header(h, Codec.SEQUENCE);
        if (cursor.live(seq, header(h, Codec.LAST_SEQUENCE), true) == LogCursor.Step.CATCH_UP
            && !readStream()) {
          return; // keep m queued; retried after a backoff
        }
        inbox.poll();
        if (cursor.live(seq, header(h, Codec.LAST_SEQUENCE), true) != LogCursor.Step.SKIP) {
          deliver(seq, history.codec().decode(seq, h, m.getData()));
        }
      }
    } finally {
      scheduled.set(false);
      if (!closed && (!inbox.isEmpty() || catchUp)) {
        schedule();
      }
    }
  }

  /**
   * Reads and delivers what the stream holds after the cursor; false if that failed. When the
   * message at the cursor was trimmed meanwhile and newer ones follow, the handler hears of the
   * gap ({@link Subscriber.MessageHandler#onGap}) before the first of them.
   */
  private boolean readStream() {
    try {
      long from = cursor.position();
      boolean retained = from == 0 || history.holds(topic, from);
      boolean[] first = {true};
      // Requests follow the (re-sent) subscription on the connection, so nothing stored after
      // this read started can be missed by the live subscription.
      history.read(
          topic,
          from + 1,
          (seq, m) -> {
            if (first[0] && seq > cursor.position()) {
              first[0] = false;
              if (cursor.isGap(retained, true)) {
                gap(from);
              }
            }
            deliver(seq, m);
          });
      if (warned) {
        log.info("reading topic {} from JetStream works again", topic);
      }
      failures = 0;
      warned = false;
      return true;
    } catch (RuntimeException e) {
      failures++;
      if (failures == 1 && !broker.inOutage()) {
        warned = true; // outside a connection outage (which the broker reports once): say it here
        log.warn(
            "cannot read topic {} from JetStream after sequence {}; retrying with backoff",
            topic, cursor.position(), e);
      } else {
        log.debug("reading topic {} from JetStream failed (attempt {})", topic, failures, e);
      }
      Duration delay = broker.backoff(failures);
      retryPending = true;
      CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
          .execute(
              () -> {
                retryPending = false;
                schedule();
              });
      return false;
    }
  }

  private void gap(long from) {
    log.warn(
        "messages of topic {} after sequence {} were trimmed from JetStream before this instance could"
            + " deliver them (it lagged or was disconnected beyond the history's bounds); its streams"
            + " missed them",
        topic, from);
    try {
      handler.onGap(topic);
    } catch (RuntimeException e) {
      log.warn("handler of topic {} failed on a gap", topic, e);
    }
  }

  private void deliver(long seq, Message message) {
    if (closed || !cursor.advance(seq)) {
      return;
    }
    try {
      handler.onMessage(topic, message);
    } catch (RuntimeException e) {
      log.warn("handler of topic {} failed on {}", topic, message, e);
    }
  }

  private static long header(@Nullable Headers h, String name) {
    String v = h == null ? null : h.getFirst(name);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    broker.remove(this);
    io.nats.client.Subscription s = subscription;
    if (s != null) {
      try {
        dispatcher.unsubscribe(s);
      } catch (RuntimeException e) {
        log.debug("unsubscribing topic {} failed", topic, e);
      }
    }
    inbox.clear();
  }
}
