package org.ssekit.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Why a connection attempt of an {@link SseClient} failed or ended. The client reports it to {@link
 * ConnectionListener#onError} and then either reconnects or closes, as {@link
 * SseClient.Builder#reconnectWhen} decides ({@link #isTransient()} by default).
 */
public final class SseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The kind of failure. */
  public enum Kind {
    /** The connection could not be made, or failed with an I/O error. */
    CONNECTION,
    /** The server ended the response body. The spec's normal cue to reconnect. */
    END_OF_STREAM,
    /** No response headers within the response timeout, or no bytes within the read timeout. */
    TIMEOUT,
    /** The server answered with a status other than 2xx, or with 204 No Content. */
    HTTP_STATUS,
    /** The server answered 2xx with a content type other than {@code text/event-stream}. */
    CONTENT_TYPE,
    /** The stream broke a limit of the client, such as its maximum line length. */
    PROTOCOL
  }

  private final Kind kind;
  private final int status;
  private final long retryAfterMillis;

  private SseException(Kind kind, int status, String message, @Nullable Throwable cause) {
    this(kind, status, -1, message, cause);
  }

  private SseException(
      Kind kind, int status, long retryAfterMillis, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.status = status;
    this.retryAfterMillis = retryAfterMillis;
  }

  static SseException connection(Throwable cause) {
    String m = cause.getMessage();
    return new SseException(
        Kind.CONNECTION,
        0,
        "connection failed: " + cause.getClass().getSimpleName() + (m == null ? "" : ": " + m),
        cause);
  }

  static SseException endOfStream() {
    return new SseException(Kind.END_OF_STREAM, 0, "the server ended the stream", null);
  }

  static SseException timeout(String message, @Nullable Throwable cause) {
    return new SseException(Kind.TIMEOUT, 0, message, cause);
  }

  static SseException status(int status) {
    return new SseException(Kind.HTTP_STATUS, status, "unexpected HTTP status " + status, null);
  }

  static SseException status(int status, long retryAfterMillis) {
    return new SseException(
        Kind.HTTP_STATUS,
        status,
        retryAfterMillis,
        "unexpected HTTP status " + status
            + (retryAfterMillis >= 0 ? " (Retry-After " + retryAfterMillis + " ms)" : ""),
        null);
  }

  static SseException contentType(int status, String contentType) {
    return new SseException(
        Kind.CONTENT_TYPE,
        status,
        "expected content type text/event-stream, got " + (contentType.isEmpty() ? "none" : contentType),
        null);
  }

  static SseException protocol(String message, @Nullable Throwable cause) {
    return new SseException(Kind.PROTOCOL, 0, message, cause);
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }

  /** The HTTP status of the response, when there was one. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /**
   * The server's {@code Retry-After} on a 503 or 429 response, when it sent a valid one (seconds,
   * or an HTTP date still in the future).
   */
  public Optional<Duration> retryAfter() {
    return retryAfterMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(retryAfterMillis));
  }

  /**
   * Whether retrying may help: network failures, end of stream, timeouts, and the statuses 408, 429
   * and 5xx. Other 4xx, 204, other 2xx with a wrong content type and protocol violations are
   * permanent. This is the default reconnect policy.
   */
  public boolean isTransient() {
    switch (kind) {
      case CONNECTION:
      case END_OF_STREAM:
      case TIMEOUT:
        return true;
      case HTTP_STATUS:
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
      default:
        return false;
    }
  }
}
