package org.ssekit.client;

import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Hears the connection state changes of an {@link SseClient}. Every method has an empty default, so
 * implement only what you need.
 *
 * <p>For one client, the calls are made one at a time (never concurrently) and in the order the
 * changes happened, interleaved in order with the event and comment callbacks. A drop is reported
 * as {@link #onError} followed either by {@link #onReconnecting} or by {@link #onClosed}.
 * Callbacks run on I/O threads (see {@link SseClient} "Threads"): they must not block.
 */
public interface ConnectionListener {

  /** A response with a 2xx status and {@code text/event-stream} arrived; events follow. */
  default void onOpen(HttpResponse.ResponseInfo response) {}

  /** A connection attempt failed or an open stream ended. */
  default void onError(SseException error) {}

  /** A new connection attempt will start after {@code delay}. */
  default void onReconnecting(Duration delay) {}

  /** The client stopped for good: {@link SseClient#close()}, HTTP 204, or a permanent error. */
  default void onClosed() {}
}
