package org.ssekit.broker;

import java.util.Optional;
import org.ssekit.Hub;

/**
 * A publisher, a subscriber and optionally a history that belong together: the in-memory default
 * ({@link InMemoryBroker}) or one of the distributed modules ({@code sse-redis}, {@code sse-nats},
 * {@code sse-postgres}). A {@link Hub} is built on one broker.
 *
 * <p>When a broker has a history, its publisher appends every message to it (which assigns the
 * id) before delivering it, so a stream that subscribes first and then reads the history misses
 * nothing; and it delivers a topic's messages in history order, which lets the {@link Hub} drop
 * the live messages a resuming stream already got from the history (no duplicate).
 */
public interface Broker extends Publisher, Subscriber, AutoCloseable {

  /** The history messages are appended to, if this broker keeps one. */
  Optional<EventLog> history();

  /**
   * Whether the broker can publish and deliver now: {@link BrokerHealth#up} while its connection is
   * established, {@link BrokerHealth#down} while it is lost (the broker reconnects by itself) or
   * after {@link #close()}. Cheap and non-blocking: it reports known state, it does not ask the
   * server. Safe from any thread.
   */
  BrokerHealth health();

  /** Releases connections and threads; idempotent. */
  @Override
  void close();
}
