package org.ssekit.broker;

import java.util.Objects;

/**
 * A publish refused because a bound of the broker's memory is reached and the message cannot be
 * taken without breaking it, e.g. the in-memory history already keeps {@code maxTopics} topics
 * and the message is for another one. Nothing of the message was stored or delivered; the same
 * publish may succeed later (when a topic's history has expired), so an HTTP publish endpoint
 * answers it with 429 Too Many Requests and a {@code Retry-After}.
 *
 * <p>{@link #limit()} names the bound as it is set on the builder (e.g. {@code "history
 * maxTopics"}) and {@link #max()} its value.
 */
public final class CapacityExceededException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String limit;
  private final long max;

  /**
   * A refusal by the bound {@code limit} of {@code max}, {@code detail} saying what was refused,
   * e.g. {@code "topic orders-17 is a new topic"}.
   */
  public CapacityExceededException(String limit, long max, String detail) {
    super(Objects.requireNonNull(limit, "limit") + " (" + max + ") reached: "
        + Objects.requireNonNull(detail, "detail") + "; the message was not published");
    this.limit = limit;
    this.max = max;
  }

  /** The bound that is reached, named as on the builder, e.g. {@code "history maxTopics"}. */
  public String limit() {
    return limit;
  }

  /** The value of that bound. */
  public long max() {
    return max;
  }
}
