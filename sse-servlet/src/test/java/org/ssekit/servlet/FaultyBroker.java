package org.ssekit.servlet;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.ssekit.broker.Broker;
import org.ssekit.broker.BrokerHealth;
import org.ssekit.broker.DuplicateIdException;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.broker.Message;
import org.ssekit.broker.PublishUnconfirmedException;

/**
 * The in-memory broker, failing publishes the way the distributed brokers do: by the message's
 * payload. {@code "dup"} fails with a {@link DuplicateIdException}, {@code "bad"} with an {@link
 * IllegalArgumentException}, {@code "unconfirmed"} with a {@link PublishUnconfirmedException},
 * {@code "down"} with an {@link IllegalStateException} (not sent); anything else is published.
 * Fault injection for the publish servlet's answers, which the real brokers give only under real
 * outages.
 */
final class FaultyBroker implements Broker {

  private final InMemoryBroker delegate = InMemoryBroker.create();

  @Override
  public CompletionStage<Message> publish(String topic, Message message) {
    switch (message.payloadAsString()) {
      case "dup":
        return CompletableFuture.failedFuture(new DuplicateIdException(topic, message.id().orElse("?")));
      case "bad":
        return CompletableFuture.failedFuture(new IllegalArgumentException("payload refused"));
      case "unconfirmed":
        return CompletableFuture.failedFuture(
            new PublishUnconfirmedException("no acknowledgement within 5 s", new TimeoutException()));
      case "down":
        return CompletableFuture.failedFuture(new IllegalStateException("connection lost"));
      default:
        return delegate.publish(topic, message);
    }
  }

  @Override
  public Subscription subscribe(String topic, MessageHandler handler) {
    return delegate.subscribe(topic, handler);
  }

  @Override
  public Optional<EventLog> history() {
    return delegate.history();
  }

  @Override
  public BrokerHealth health() {
    return delegate.health();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
