package org.ssekit.mercure;

/** A malformed request, answered with its status (4xx) and {@code {"error": message}}. */
final class BadRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  BadRequestException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  BadRequestException(String message) {
    this(400, message);
  }

  int status() {
    return status;
  }
}
