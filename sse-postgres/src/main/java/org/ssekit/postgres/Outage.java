package org.ssekit.postgres;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs database outages once: one WARN when the first of a broker's connections (listener,
 * writer) is lost, one INFO when the last of them is back. Each connection reports its own state;
 * thread-safe.
 */
final class Outage {

  private static final Logger log = LoggerFactory.getLogger(PostgresBroker.class);

  private final String name;
  private final AtomicInteger down = new AtomicInteger();
  private volatile long since;

  Outage(String name) {
    this.name = name;
  }

  /** Whether at least one connection is lost now. */
  boolean isDown() {
    return down.get() > 0;
  }

  /** A component that was up lost its connection. */
  void lost(String component, Exception cause) {
    if (down.getAndIncrement() == 0) {
      since = System.nanoTime();
      log.warn(
          "PostgreSQL connection of {} lost ({}: {}); reconnecting with backoff, open streams stay open",
          name, component, cause.toString());
    }
  }

  /** A component that had lost its connection has it back. */
  void recovered(String component) {
    if (down.decrementAndGet() == 0) {
      log.info(
          "PostgreSQL connection of {} is back after {} ms ({} reconnected last)",
          name, Duration.ofNanos(System.nanoTime() - since).toMillis(), component);
    }
  }
}
