package org.ssekit.broker;

/**
 * Thrown (or used to fail a publish) when a {@link Broker} is used after {@link Broker#close()}.
 * Every broker module reports a closed broker with this one type.
 */
public final class BrokerClosedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** A closed-broker error naming the broker, e.g. {@code "RedisBroker"}. */
  public BrokerClosedException(String broker) {
    super(broker + " is closed");
  }
}
