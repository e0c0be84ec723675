package org.ssekit.client;

import java.util.Objects;

/**
 * An event as a client receives it, the counterpart of the browser's {@code MessageEvent}.
 *
 * @param type the event type, {@code message} unless the stream named another
 * @param data the data lines joined with LF (never null; may be empty)
 * @param lastEventId the stream's last event id when the event was dispatched (empty when none)
 */
public record MessageEvent(String type, String data, String lastEventId) {

  /** The type of events that carry no {@code event:} field. */
  public static final String DEFAULT_TYPE = "message";

  /** Checks that no component is null. */
  public MessageEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(lastEventId, "lastEventId");
  }
}
