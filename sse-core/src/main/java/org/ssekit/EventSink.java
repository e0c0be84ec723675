package org.ssekit;

/**
 * The transport end of one stream, implemented by a transport (the servlet module, or a test).
 *
 * <p>The contract: the stream calls {@link #wake()} when events are waiting and the transport was
 * idle; the transport then calls {@link StreamConnection#poll()} until it returns null, writing
 * each event when the socket can take it. A null from {@code poll} re-arms the wake-up, so the
 * next queued event calls {@code wake()} again. Wake-ups may arrive before {@link
 * Hub#open} has returned, so a transport must poll once after {@code open} returns.
 *
 * <p>Both methods are called from arbitrary threads (publishers, the heartbeat scheduler, broker
 * threads), must return at once and must not throw; they must never write to a socket on the
 * calling thread unless that write cannot block.
 */
public interface EventSink {

  /** Events are waiting to be polled. */
  void wake();

  /**
   * The stream is closed. {@link StreamConnection#poll()} still returns the events queued before
   * the close, then null; the transport writes them if it can, then ends the response. Called at
   * most once.
   */
  void closed();
}
