package org.ssekit.client;

import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;

/**
 * A blocking, pull-style view of the events an {@link SseClient} receives, from {@link
 * SseClient#events(int)}. It sees every event dispatched after it was created, of every type, in
 * order, across reconnections, and ends when the client closes (after the events already queued)
 * or when it is closed itself.
 *
 * <p>Its queue holds {@code capacity} events; while it is full the client stops reading from the
 * socket (TCP applies backpressure to the server) and resumes when the queue is half empty. Meant
 * for one consuming thread; {@link #close()} may be called from any thread.
 */
public interface EventIterator extends Iterator<MessageEvent>, AutoCloseable {

  /**
   * Waits until an event is available ({@code true}) or the iterator has ended ({@code false}). If
   * the waiting thread is interrupted it returns {@code false} with the interrupt flag set.
   */
  @Override
  boolean hasNext();

  /**
   * Waits for the next event.
   *
   * @throws java.util.NoSuchElementException if the iterator has ended
   */
  @Override
  MessageEvent next();

  /** The next event if one arrives within {@code timeout}; empty on timeout or end. */
  Optional<MessageEvent> poll(Duration timeout) throws InterruptedException;

  /** Stops this iterator (not the client); a blocked {@link #hasNext()} returns {@code false}. */
  @Override
  void close();
}
