package org.ssekit.bench;

import java.time.Duration;

/**
 * One server under test: serves {@code GET /sse/{topic}} as an SSE stream on 127.0.0.1 and
 * publishes to a topic when the in-process {@link Publisher} says so.
 *
 * <p>Every implementation is set up the same way where it is not under test: gzip off, the same
 * heartbeat period (an SSE comment on every stream), idle and async timeouts off.
 */
interface BenchServer extends AutoCloseable {

  /** Starts the server on {@code port} (0: ephemeral) and returns the bound port. */
  int start(int port, Duration heartbeat) throws Exception;

  /**
   * Publishes one event with {@code data} to every subscriber of {@code topic}, the way this
   * framework's documentation shows. Called by one publisher thread.
   */
  void publish(String topic, String data);

  /** The number of open subscriptions. */
  int subscribers();

  /**
   * Streams this server closed for being slow consumers so far, or -1 where the server keeps no
   * such count (the peers have no slow-consumer bound).
   */
  default long slowConsumersClosed() {
    return -1;
  }

  @Override
  void close() throws Exception;
}
