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

  /** Subscribes {@code handler} to {@code topic} until the returned subscription is closed. */
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
