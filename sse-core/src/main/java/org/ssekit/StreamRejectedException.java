package org.ssekit;

import java.util.Objects;

/**
 * Thrown by {@link Hub#open} when a stream is not opened: its adapter rejected the request, the
 * adapter failed, or the hub is closed. {@link #response()} is what the transport should answer
 * with (status, content type, body) before writing anything else.
 */
public final class StreamRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient InitialResponse response;

  StreamRejectedException(InitialResponse response) {
    super("stream rejected with status " + response.status());
    this.response = Objects.requireNonNull(response, "response");
  }

  /** The rejection to send: never {@link InitialResponse#accepted() accepted}. */
  public InitialResponse response() {
    return response;
  }
}
