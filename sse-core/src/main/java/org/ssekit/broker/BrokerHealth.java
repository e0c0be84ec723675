package org.ssekit.broker;

import java.util.Objects;

/**
 * What a {@link Broker} says about its connection: up or down, with a short human-readable detail
 * (the server it talks to, or why it is down). A value; thread-safe.
 *
 * @param up whether the broker can publish and deliver now
 * @param detail a short description for health endpoints and logs, never null
 * @param reconnects how often the broker's connection came back after an outage since it was
 *     built (0 for a broker without a connection, such as the in-memory one)
 */
public record BrokerHealth(boolean up, String detail, long reconnects) {

  /** Checks the fields. */
  public BrokerHealth {
    Objects.requireNonNull(detail, "detail");
    if (reconnects < 0) {
      throw new IllegalArgumentException("reconnects must not be negative: " + reconnects);
    }
  }

  /** A healthy broker that never reconnected. */
  public static BrokerHealth up(String detail) {
    return new BrokerHealth(true, detail, 0);
  }

  /** A healthy broker whose connection came back {@code reconnects} times. */
  public static BrokerHealth up(String detail, long reconnects) {
    return new BrokerHealth(true, detail, reconnects);
  }

  /** A broker that cannot publish or deliver now (closed, or its connection is lost). */
  public static BrokerHealth down(String detail) {
    return new BrokerHealth(false, detail, 0);
  }

  /** A broker that is down now and whose connection came back {@code reconnects} times before. */
  public static BrokerHealth down(String detail, long reconnects) {
    return new BrokerHealth(false, detail, reconnects);
  }
}
