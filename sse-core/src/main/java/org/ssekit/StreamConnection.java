package org.ssekit;

import org.jspecify.annotations.Nullable;

/**
 * The transport's handle on one open stream, returned by {@link Hub#open}. See {@link EventSink}
 * for the wake-up contract.
 *
 * <p>{@link #poll()} must be called by one thread at a time (the transport's writer); {@link
 * #close} from any thread.
 */
public interface StreamConnection {

  /** The stream this connection serves. */
  EventStream stream();

  /**
   * The next event to write, or null when the queue is empty; after null, the sink is woken when
   * the next event arrives. Advances the stream's last event id to the id of the event returned.
   */
  @Nullable
  Event poll();

  /**
   * Ends the stream because the transport saw its end (typically {@link CloseReason#CLIENT_GONE}).
   * Idempotent; listeners hear of the first close only.
   */
  void close(CloseReason reason);
}
