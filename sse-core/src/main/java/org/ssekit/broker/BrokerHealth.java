package org.ssekit.broker;

import java.util.Objects;

/**
 * What a {@link Broker} says about its connection: up or down, with a short human-readable detail
 * (the server it talks to, or why it is down). A value; thread-safe.
 *
 * @param up whether the broker can publish and deliver now
 * @param detail a short description for health endpoints and logs, never null
 */
public record BrokerHealth(boolean up, String detail) {

  /** Checks the detail. */
  public BrokerHealth {
    Objects.requireNonNull(detail, "detail");
  }

  /** A healthy broker. */
  public static BrokerHealth up(String detail) {
    return new BrokerHealth(true, detail);
  }

  /** A broker that cannot publish or deliver now (closed, or its connection is lost). */
  public static BrokerHealth down(String detail) {
    return new BrokerHealth(false, detail);
  }
}
