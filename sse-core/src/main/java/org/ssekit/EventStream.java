package org.ssekit;

import java.util.Map;
import java.util.Optional;

/**
 * The outbound side of one client connection: a bounded queue of events on its way to the
 * transport. Obtained from the {@link Hub} (listeners, {@link Hub#stream(String)}).
 *
 * <p>Thread-safe. {@link #send} never blocks and never writes on the caller's thread: it enqueues
 * and wakes the transport. When the queue is full, the stream's {@link SlowConsumerPolicy}
 * decides.
 */
public interface EventStream {

  /** A unique id of this stream within its hub. */
  String id();

  /** The topic this stream is subscribed to. */
  String topic();

  /** The request that opened this stream. */
  StreamRequest request();

  /** The user this stream belongs to (the request's principal), if known. */
  Optional<String> userId();

  /**
   * Queues {@code event} for this stream only.
   *
   * @return false if the stream is closed or the event was dropped by the slow-consumer policy
   */
  boolean send(Event event);

  /**
   * The id of the last event handed to the transport, or the {@code Last-Event-ID} the client
   * connected with while nothing has been sent yet.
   */
  Optional<String> lastEventId();

  /** Number of events queued and not yet handed to the transport. */
  int queued();

  /** Whether the stream is still open. */
  boolean isOpen();

  /**
   * Application attributes of this stream: a thread-safe map that lives as long as the stream.
   */
  Map<String, Object> attributes();

  /** Closes the stream: the transport writes what is queued and ends the response. Idempotent. */
  void close();
}
