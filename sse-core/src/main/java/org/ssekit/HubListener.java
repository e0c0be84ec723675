package org.ssekit;

/**
 * Observes a {@link Hub}: streams opening and closing, events dropped or not deliverable.
 *
 * <p>Methods run on the thread that caused the event (a container thread, a broker thread, a
 * publisher) and must return quickly without blocking. An exception thrown here is logged and
 * ignored; it never reaches the hub's machinery.
 */
public interface HubListener {

  /**
   * A stream opened (after its initial events and replay were queued). Not called for a rejected
   * open.
   */
  default void connected(EventStream stream) {}

  /**
   * A stream closed, for {@code reason}. Called exactly once per stream, and always after {@link
   * #connected} for that stream (a stream that closes while it opens is reported as connected,
   * then closed).
   */
  default void closed(EventStream stream, CloseReason reason) {}

  /** The slow-consumer policy discarded {@code event} from {@code stream}. */
  default void dropped(EventStream stream, Event event) {}

  /**
   * {@code event} could not be pushed to {@code target} (a user id or a stream id): no open stream
   * matched, or the stream was closed. Lets an application store it for later, as sponge's
   * push-failed callback does.
   */
  default void pushFailed(String target, Event event) {}
}
