package org.ssekit;

import org.ssekit.broker.Subscriber;

/** Why a stream ended, as told to {@link HubListener#closed}. */
public enum CloseReason {
  /** The client went away (the transport saw a write error, a reset or an async timeout). */
  CLIENT_GONE,
  /** The queue filled up under {@link SlowConsumerPolicy#CLOSE}. */
  SLOW_CONSUMER,
  /** The application closed it ({@link EventStream#close()}). */
  CLOSED_BY_SERVER,
  /** The hub shut down. */
  HUB_CLOSED,
  /** A user callback or the transport failed. */
  ERROR,
  /**
   * The broker subscription skipped messages of the stream's topic it could not deliver ({@link
   * Subscriber.MessageHandler#onGap}); the client reconnects with its last event id and, since
   * the history no longer holds what follows it, gets {@link StreamAdapter#historyGap}.
   */
  HISTORY_GAP
}
