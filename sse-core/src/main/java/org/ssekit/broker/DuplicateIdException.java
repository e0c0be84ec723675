package org.ssekit.broker;

import java.util.Objects;

/**
 * A publish or an {@link EventLog#append} was refused because the message brings an id that a
 * message of the same topic in the history already has. Ids are how a client resumes, so a
 * history never holds one id twice: the second message is not stored and not delivered. Every
 * {@link EventLog} of ssekit refuses duplicates with this one type (an HTTP publish endpoint
 * answers it with 409 Conflict); a publisher that retries a message whose first publish had an
 * unknown outcome ({@link PublishUnconfirmedException}) learns from it that the first one was
 * stored.
 */
public final class DuplicateIdException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String id;

  /** A refusal of {@code id} on {@code topic}. */
  public DuplicateIdException(String topic, String id) {
    super("topic " + Objects.requireNonNull(topic, "topic") + " already has a message with id "
        + Objects.requireNonNull(id, "id") + "; ids must be unique within a topic's history");
    this.topic = topic;
    this.id = id;
  }

  /** The topic published to. */
  public String topic() {
    return topic;
  }

  /** The id that was already taken. */
  public String id() {
    return id;
  }
}
