package org.ssekit;

import java.util.Optional;

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

  /** Releases connections and threads; idempotent. */
  @Override
  void close();
}
