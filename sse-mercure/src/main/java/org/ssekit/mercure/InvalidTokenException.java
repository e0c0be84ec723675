package org.ssekit.mercure;

/** A token that fails verification (signature, algorithm, time, claims); answered with 401. */
final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
