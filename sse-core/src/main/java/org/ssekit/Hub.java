package org.ssekit;

import org.ssekit.broker.Broker;
import org.ssekit.broker.Message;
import org.ssekit.broker.InMemoryBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Owns topics and the streams subscribed to them, and fans messages out to those streams.
 *
 * <p>A hub is built on a {@link Broker} (the in-memory one by default). It subscribes once per
 * topic per instance, when the first stream of the topic opens, and routes each message to the
 * streams whose {@link StreamAdapter} wants it. {@link #publish} goes through the broker, so with a
 * distributed broker every instance's streams receive it; {@link #send}, {@link #sendToUser} and
 * {@link #broadcast} reach this instance's streams directly.
 *
 * <p>Threads and blocking: every method is thread-safe and returns without waiting for any client;
 * nothing writes to a socket on the caller's thread. {@link #open} runs the adapter's {@code
 * initial} and reads the history on the calling thread. Heartbeats for all streams run as one
 * periodic task on one shared scheduler (default: one daemon thread named {@code
 * ssekit-heartbeat}).
 */
public interface Hub extends AutoCloseable {

  /** A hub on a fresh {@link InMemoryBroker} with default settings. */
  static Hub create() {
    return builder().build();
  }

  /** A builder for a hub. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a stream of {@code topic} for {@code request}: runs {@code adapter.initial}, queues the
   * retry hint and the initial events, subscribes the stream, replays the history after the
   * request's last event id (sending {@link StreamAdapter#historyGap} first when the history has a
   * gap), then goes live, with no gap and no duplicate between replay and live.
   *
   * @return the transport's handle; the transport must poll it once after this returns
   * @throws StreamRejectedException if the adapter rejected the request (its status and body), the
   *     adapter failed (500) or the hub is closed or cannot subscribe (503)
   */
  StreamConnection open(String topic, StreamAdapter adapter, StreamRequest request, EventSink sink);

  /**
   * Publishes {@code event} to {@code topic} through the broker. Returns at once.
   *
   * @return a stage completed with the stored message (its {@code id()} is the event id assigned
   *     by the history, if any)
   */
  CompletionStage<Message> publish(String topic, Event event);

  /**
   * Publishes {@code event} to the streams of {@code topic} whose routing key is {@code key} (and
   * to the streams that take every message of the topic).
   */
  CompletionStage<Message> publish(String topic, String key, Event event);

  /** Publishes a broker message as it is. */
  CompletionStage<Message> publish(String topic, Message message);

  /**
   * Queues {@code event} on the stream with id {@code streamId} of this instance.
   *
   * @return false (and tells {@link HubListener#pushFailed}) when there is no such open stream
   */
  boolean send(String streamId, Event event);

  /**
   * Queues {@code event} on every stream of this instance whose user id is {@code userId}.
   *
   * @return the number of streams it was queued on; 0 tells {@link HubListener#pushFailed}
   */
  int sendToUser(String userId, Event event);

  /** Queues {@code event} on every open stream of this instance; returns how many. */
  int broadcast(Event event);

  /** The open stream with this id, if any. */
  Optional<EventStream> stream(String streamId);

  /** A snapshot of the open streams. */
  Collection<EventStream> streams();

  /** The number of open streams. */
  int streamCount();

  /** The number of open streams of {@code topic}. */
  int streamCount(String topic);

  /** The broker this hub publishes to and subscribes from. */
  Broker broker();

  /** The counters this hub keeps (opened, closed, published, delivered, ...); a live view. */
  HubStats stats();

  /**
   * Closes every stream (each transport writes what is queued, then ends its response), stops the
   * heartbeats, and closes what the hub created itself (its default broker and scheduler).
   * Injected brokers and schedulers are left open. Idempotent.
   */
  @Override
  void close();

  /**
   * Builds a {@link Hub}. Every setter fails fast on an invalid value. Not thread-safe.
   */
  final class Builder {
    @Nullable Broker broker;
    InMemoryBroker.@Nullable Builder ownBroker; // options of the hub's own broker, if any was set
    private @Nullable String ownBrokerOption;
    @Nullable ScheduledExecutorService scheduler;
    Duration heartbeat = Duration.ofSeconds(15);
    @Nullable Duration retry;
    int queueCapacity = 1024;
    int replayLimit = 10_000;
    SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.CLOSE;
    int latencySampling = 64;
    final List<HubListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * The broker to publish to and subscribe from, and whose history resumes clients. Default: a
     * new {@link InMemoryBroker#create()}, closed with the hub. An injected broker is not closed.
     */
    public Builder broker(Broker broker) {
      Objects.requireNonNull(broker, "broker");
      if (ownBrokerOption != null) {
        throw new IllegalStateException(
            ownBrokerOption + " was already set: it shapes the hub's own broker, not an injected one");
      }
      this.broker = broker;
      return this;
    }

    /**
     * Bounds the history of the hub's own broker per topic by count and age; see {@link
     * InMemoryBroker.Builder#history(int, Duration)}.
     *
     * @throws IllegalStateException if {@link #broker} was set already
     */
    public Builder history(int maxEvents, Duration maxAge) {
      own("history(maxEvents, maxAge)").history(maxEvents, maxAge);
      return this;
    }

    /**
     * Bounds the history of the hub's own broker per topic by count, bytes and age; see {@link
     * InMemoryBroker.Builder#history(int, long, Duration)}.
     *
     * @throws IllegalStateException if {@link #broker} was set already
     */
    public Builder history(int maxEvents, long maxBytes, Duration maxAge) {
      own("history(maxEvents, maxBytes, maxAge)").history(maxEvents, maxBytes, maxAge);
      return this;
    }

    /**
     * Bounds the bytes of the hub's own broker's history across topics, oldest evicted first; see
     * {@link InMemoryBroker.Builder#historyBudget}.
     *
     * @throws IllegalStateException if {@link #broker} was set already
     */
    public Builder historyBudget(long bytes) {
      own("historyBudget").historyBudget(bytes);
      return this;
    }

    /**
     * Bounds the topics with history of the hub's own broker; a publish to one more fails with
     * {@link org.ssekit.broker.CapacityExceededException}; see {@link
     * InMemoryBroker.Builder#maxTopics}.
     *
     * @throws IllegalStateException if {@link #broker} was set already
     */
    public Builder maxTopics(int topics) {
      own("maxTopics").maxTopics(topics);
      return this;
    }

    private InMemoryBroker.Builder own(String option) {
      if (broker != null) {
        throw new IllegalStateException(
            "broker(Broker) was already set: " + option + " shapes the hub's own broker;"
                + " configure the injected broker instead");
      }
      if (ownBrokerOption == null) {
        ownBrokerOption = option;
      }
      if (ownBroker == null) {
        ownBroker = InMemoryBroker.builder();
      }
      return ownBroker;
    }

    /**
     * The scheduler that runs the heartbeat task. Default: one daemon thread {@code
     * ssekit-heartbeat}, shut down with the hub. An injected scheduler is not shut down.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The period of keep-alive comments on idle streams (default 15 s); {@link Duration#ZERO}
     * turns them off. A stream that received an event during a period gets no heartbeat.
     */
    public Builder heartbeat(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.isNegative()) {
        throw new IllegalArgumentException("heartbeat period must not be negative: " + period);
      }
      this.heartbeat = period;
      return this;
    }

    /** A {@code retry:} hint sent first on every stream (default: none). */
    public Builder retry(Duration retry) {
      Objects.requireNonNull(retry, "retry");
      if (retry.isNegative()) {
        throw new IllegalArgumentException("retry must not be negative: " + retry);
      }
      this.retry = retry;
      return this;
    }

    /**
     * How many live events a stream may hold before its slow-consumer policy applies (default
     * 1024). Initial and replayed events do not count against it.
     */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be positive: " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * The most messages replayed to one reconnecting client (default 10,000); beyond it the
     * client gets the history-gap signal and the newest messages.
     */
    public Builder replayLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("replayLimit must not be negative: " + limit);
      }
      this.replayLimit = limit;
      return this;
    }

    /** What a stream does when its queue is full (default {@link SlowConsumerPolicy#CLOSE}). */
    public Builder slowConsumerPolicy(SlowConsumerPolicy policy) {
      this.slowConsumerPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Measures the delivery latency of one publish in {@code oneIn} (default 64; 0 turns it off),
     * for {@link HubStats#latencySamples()}: a sampled message carries its publish time in the
     * metadata {@code ssekit-sent-at} (epoch microseconds) through the broker. The other publishes
     * cost one random draw.
     */
    public Builder latencySampling(int oneIn) {
      if (oneIn < 0) {
        throw new IllegalArgumentException("latencySampling must not be negative: " + oneIn);
      }
      this.latencySampling = oneIn;
      return this;
    }

    /** Adds a listener. */
    public Builder listener(HubListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds and starts the hub (its heartbeat task). */
    public Hub build() {
      return new DefaultHub(this);
    }
  }
}
