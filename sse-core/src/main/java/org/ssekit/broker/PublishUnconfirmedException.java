package org.ssekit.broker;

import java.util.Objects;

/**
 * A publish whose outcome is unknown: the broker did not confirm the message in time (or the
 * connection broke after it was sent), so it may or may not have been stored, and may still be
 * delivered. Any other exceptional completion of {@link Publisher#publish} means the message was
 * not published. A publisher that retries should give the message its own id: the retry is then
 * refused with {@link DuplicateIdException} if the first attempt was stored.
 */
public final class PublishUnconfirmedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * An unknown outcome, {@code message} saying why (never null), e.g. {@code "NATS did not
   * acknowledge within PT5S (connection lost)"}.
   */
  public PublishUnconfirmedException(String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
  }
}
