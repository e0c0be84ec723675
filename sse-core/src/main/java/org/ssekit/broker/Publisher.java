package org.ssekit.broker;

import java.util.concurrent.CompletionStage;

/**
 * The sending half of the broker SPI.
 *
 * <p>Implementations must be thread-safe and must not block the caller on network I/O longer than
 * it takes to hand the message over: the returned stage completes when the message is accepted
 * (appended to the history, when there is one) and carries the message with its assigned id.
 * Messages published to one topic from one thread reach subscribers in that order.
 */
public interface Publisher {

  /**
   * Publishes {@code message} to {@code topic}.
   *
   * @return a stage completed with the message as stored (with its id), or exceptionally when the
   *     broker refused it
   */
  CompletionStage<Message> publish(String topic, Message message);
}
