package org.ssekit.client;


/**
 * A pull-style consumer fed by the client ({@link QueueIterator}, {@link FlowSubscription}): events
 * are offered from the client's serial runner; while any sink is {@link #full()} the client stops
 * reading the socket, and a sink that drains below half calls {@link SseClient#resumeReading()}.
 */
interface Sink {
  /** An event, in order. Never blocks. */
  void offer(MessageEvent event);

  /** The client closed: no event follows. */
  void end();

  /** Whether the client should stop reading until this sink drains. */
  boolean full();
}
