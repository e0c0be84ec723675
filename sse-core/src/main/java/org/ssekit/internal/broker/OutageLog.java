package org.ssekit.internal.broker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.ssekit.broker.BrokerHealth;

/**
 * Logs a broker's outages once and answers its health. A broker has several components with
 * connections of their own (a reader, a writer, group members); each reports {@link #lost} when
 * its connection fails and {@link #recovered} when it has it back. The first component down logs
 * one WARN, later failures while down only DEBUG, and the last component back logs one INFO with
 * the outage's duration. {@link #isDown()} and {@link #health} report the same state, so a health
 * endpoint says "down" exactly between those two lines.
 *
 * <p>Thread-safe; the state changes under this object's monitor, the logging happens outside it.
 *
 * <p>Internal: not API (see the package description).
 */
public final class OutageLog {

  private final Logger log;
  private final String server;
  private final String name;
  private final LongSupplier nanoClock;
  private final Map<String, String> down = new LinkedHashMap<>(); // component -> cause
  private long since;
  private long reconnects;

  /**
   * An outage log writing to {@code log}.
   *
   * @param server the kind of server, e.g. {@code "Redis"}
   * @param name what the connections belong to, e.g. {@code "RedisBroker ssekit:"}
   */
  public OutageLog(Logger log, String server, String name) {
    this(log, server, name, System::nanoTime);
  }

  OutageLog(Logger log, String server, String name, LongSupplier nanoClock) {
    this.log = log;
    this.server = server;
    this.name = name;
    this.nanoClock = nanoClock;
  }

  /**
   * Component {@code component} lost its connection (again, or for the first time).
   *
   * @return true if this started the outage (the WARN was logged)
   */
  public boolean lost(String component, Throwable cause) {
    boolean first;
    boolean again;
    synchronized (this) {
      first = down.isEmpty();
      again = down.containsKey(component);
      down.put(component, String.valueOf(cause));
      if (first) {
        since = nanoClock.getAsLong();
      }
    }
    if (first) {
      log.warn(
          "{} connection of {} lost ({}: {}); reconnecting with backoff, open streams stay open and"
              + " catch up afterwards",
          server, name, component, cause.toString());
    } else if (again) {
      log.debug("{} still unreachable for {} of {}", server, component, name, cause);
    } else {
      log.debug("{} connection of {} of {} lost too", server, component, name, cause);
    }
    return first;
  }

  /**
   * Component {@code component} has its connection (back); nothing happens if it was not down.
   *
   * @return the outage's duration if this ended it (the INFO was logged), else null
   */
  public @Nullable Duration recovered(String component) {
    Duration took;
    synchronized (this) {
      if (down.remove(component) == null || !down.isEmpty()) {
        return null;
      }
      took = Duration.ofNanos(nanoClock.getAsLong() - since);
      reconnects++;
    }
    log.info(
        "{} connection of {} is back after {} ms ({} reconnected last)",
        server, name, took.toMillis(), component);
    return took;
  }

  /**
   * Component {@code component} is gone (closed) and no longer counts; if it was the last one
   * down, the outage ends (without the INFO line: nothing reconnected).
   */
  public void forget(String component) {
    synchronized (this) {
      down.remove(component);
    }
  }

  /** Whether at least one component is down now. */
  public synchronized boolean isDown() {
    return !down.isEmpty();
  }

  /** Whether {@code component} is down now. */
  public synchronized boolean isDown(String component) {
    return down.containsKey(component);
  }

  /**
   * The broker's health: {@link BrokerHealth#down} when {@code closed} ("closed") or while a
   * component is down (naming it and its cause), else {@link BrokerHealth#up} with {@code
   * upDetail}.
   */
  public BrokerHealth health(boolean closed, String upDetail) {
    synchronized (this) {
      if (closed) {
        return BrokerHealth.down("closed", reconnects);
      }
      if (!down.isEmpty()) {
        Map.Entry<String, String> first = down.entrySet().iterator().next();
        long ms = Duration.ofNanos(nanoClock.getAsLong() - since).toMillis();
        return BrokerHealth.down(
            server + " connection lost " + ms + " ms ago, reconnecting (" + first.getKey() + ": "
                + first.getValue() + ")",
            reconnects);
      }
      return BrokerHealth.up(upDetail, reconnects);
    }
  }

  /** How many outages ended with a reconnect (each counted once, however many components). */
  public synchronized long reconnects() {
    return reconnects;
  }
}
