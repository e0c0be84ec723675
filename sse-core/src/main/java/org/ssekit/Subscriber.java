package org.ssekit;

/**
 * The receiving half of the broker SPI. Each call makes an independent subscription of this
 * instance (never a shared consumer group): every subscriber of a topic sees every message.
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

  /** Receives messages of one subscription. */
  @FunctionalInterface
  interface MessageHandler {
    /** One message of {@code topic}. Must not throw; exceptions are logged and skipped. */
    void onMessage(String topic, Message message);
  }

  /** A live subscription; closing it stops delivery. */
  interface Subscription extends AutoCloseable {
    /** Stops delivery; idempotent. */
    @Override
    void close();
  }
}
