package org.ssekit;

/** What a stream does when an event arrives and its queue is full. */
public enum SlowConsumerPolicy {
  /**
   * Close the stream (the default). The client reconnects with its last event id and resumes
   * from the history, so with history on nothing is lost; without history the client reloads.
   */
  CLOSE,
  /** Discard the oldest queued event to make room, and report it as dropped. */
  DROP_OLDEST,
  /** Discard the arriving event, and report it as dropped. */
  DROP_NEWEST
}
