package org.ssekit.mercure;

/** A malformed request, answered with its status (4xx) and {@code {"error": message}}. */
final class BadRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final boolean closeConnection;

  BadRequestException(int status, String message) {
    this(status, message, status == 413);
  }

  /** @param closeConnection whether the request body was left unread (the connection must go) */
  BadRequestException(int status, String message, boolean closeConnection) {
    super(message, null, false, false);
    this.status = status;
    this.closeConnection = closeConnection;
  }

  boolean closeConnection() {
    return closeConnection;
  }

  BadRequestException(String message) {
    this(400, message);
  }

  int status() {
    return status;
  }
}
