package org.ssekit.servlet;

/**
 * Counters an {@link SseRouter} keeps about the requests it refused, for metrics ({@code
 * sse-micrometer}) and tests. Every count only grows; the router's {@link SseRouter#hub() hub}
 * keeps the stream and event counters ({@link org.ssekit.HubStats}).
 *
 * <p>Thread-safe; counting happens only on refusals, never on a stream's write path.
 */
public interface RouterStats {

  /** The streams open through this router's servlets now. */
  int openStreams();

  /**
   * Publish requests answered with {@code status} (400 bad body, 401 token, 404 path, 413 size,
   * 415 content type, 503 shutting down or broker failure); 0 for any other status.
   */
  long publishRejected(int status);

  /**
   * Stream requests ({@code Accept: text/event-stream}) refused with {@code status}: the adapter's
   * rejection (its status, e.g. 401 or 403), 503 above the stream limits or while shutting down,
   * 500 when the adapter or the container failed; 0 for any other status.
   */
  long streamsRejected(int status);
}
