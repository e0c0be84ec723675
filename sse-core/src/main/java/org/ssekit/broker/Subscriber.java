package org.ssekit.broker;

import org.ssekit.Hub;

/**
 * The receiving half of the broker SPI. Each {@link #subscribe} call makes an independent
 * subscription of this instance (never a shared consumer group): every subscriber of a topic sees
 * every message. {@link #subscribeGroup} is the other shape, for work that must run once per
 * message however many instances run.
 *
 * <p>Implementations must be thread-safe. Messages of one topic are delivered to one handler one
 * at a time, in the broker's order; the handler must not block for long (the {@link Hub}'s
 * handler only enqueues).
 */
public interface Subscriber {

  /**
   * Subscribes {@code handler} to {@code topic} until the returned subscription is closed.
   *
   * <p>Returns only once the subscription is live: every message published after this method
   * returns is delivered, in log order, and none published before it was called is (the hub
   * relies on this to join a history replay to live delivery without gap or duplicate). After a
   * broker outage, an implementation with a history delivers what was appended meanwhile, in
   * order, before newer messages.
   */
  Subscription subscribe(String topic, MessageHandler handler);

  /**
   * Subscribes {@code handler} to {@code topic} as one member of the consumer group {@code
   * group}: among all members of the group, on this instance and on every other instance sharing
   * the broker, each message of the topic is handled by exactly one member (competing consumers).
   * Use it for work that must happen once per message (count a view, send a mail); use {@link
   * #subscribe} for what every instance must see (its SSE clients). Plain subscriptions of the
   * topic are unaffected: they still receive every message.
   *
   * <p>Returns once this member is live: messages published after it returns are handled by some
   * member of the group. Which messages published earlier a group still handles depends on the
   * broker (a distributed broker's group remembers its position; the in-memory group exists only
   * while it has members). Delivery is at least once on the distributed brokers: a message whose
   * handler did not finish (the instance died, the connection dropped before the acknowledgement)
   * is handed to another member after the broker's claim timeout, so handlers should be idempotent
   * or tolerate a rare duplicate. Order across members is not guaranteed; each member gets its
   * messages one at a time. Threads and blocking are the implementation's (see its javadoc).
   *
   * <p>All brokers of ssekit ({@link InMemoryBroker}, {@code RedisBroker}, {@code NatsBroker},
   * {@code PostgresBroker}) implement it. The default, for other implementations of this SPI
   * (written before groups existed, or test doubles), throws {@link
   * UnsupportedOperationException}.
   *
   * @param topic the topic whose messages are shared out
   * @param group the group's name; members with the same topic and group share the work
   * @param handler this member's handler
   * @return the membership; closing it leaves the group (the other members carry on)
   * @throws IllegalStateException if the broker is closed
   * @throws UnsupportedOperationException if this broker has no consumer groups
   */
  default Subscription subscribeGroup(String topic, String group, MessageHandler handler) {
    throw new UnsupportedOperationException(getClass().getName() + " has no consumer groups");
  }

  /** Receives messages of one subscription. */
  @FunctionalInterface
  interface MessageHandler {
    /** One message of {@code topic}. Must not throw; exceptions are logged and skipped. */
    void onMessage(String topic, Message message);

    /**
     * The subscription skipped messages of {@code topic} it could not deliver (for example, they
     * were trimmed from the broker's history before this instance read them, during an outage
     * longer than the history bounds). Called on the delivery thread, in order with {@link
     * #onMessage}: before the first message after the gap. Must not throw; exceptions are logged.
     * The default does nothing.
     */
    default void onGap(String topic) {}
  }

  /** A live subscription; closing it stops delivery. */
  interface Subscription extends AutoCloseable {
    /** Stops delivery; idempotent. */
    @Override
    void close();
  }
}
