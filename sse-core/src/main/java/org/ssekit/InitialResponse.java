package org.ssekit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link StreamAdapter#initial} decides before a byte is written: accept (with the first
 * events of the stream, and the body a plain non-SSE GET receives) or reject (with an HTTP
 * status and body). Immutable.
 */
public final class InitialResponse {

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";

  /** The usual answer (every pass-through adapter's), built once: it is asked for on every connect. */
  private static final InitialResponse ACCEPT_NOTHING =
      new InitialResponse(200, List.of(), TEXT, new byte[0]);

  private final int status;
  private final List<Event> events;
  private final String contentType;
  private final byte[] body;

  private InitialResponse(int status, List<Event> events, String contentType, byte[] body) {
    this.status = status;
    this.events = List.copyOf(events);
    this.contentType = Objects.requireNonNull(contentType, "contentType");
    this.body = body;
  }

  /**
   * Accepts, with {@code events} first on the stream. A plain GET gets their data joined by LF as
   * {@code text/plain}.
   */
  public static InitialResponse accept(Event... events) {
    return accept(List.of(events));
  }

  /** Accepts, with {@code events} first on the stream; see {@link #accept(Event...)}. */
  public static InitialResponse accept(List<Event> events) {
    if (events.isEmpty()) {
      return ACCEPT_NOTHING;
    }
    String text = events.stream().flatMap(e -> e.data().stream()).collect(Collectors.joining("\n"));
    return new InitialResponse(200, events, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Accepts with {@code value} as the state both kinds of client start from: a plain GET gets it
   * marshalled as the body (with the marshaller's content type), a stream gets it as its first
   * event, of type {@code eventName} unless that is empty.
   */
  public static InitialResponse value(Object value, Marshaller marshaller, String eventName) {
    String data = marshaller.marshal(value);
    Event e = Event.builder().name(eventName).data(data).build();
    return new InitialResponse(200, List.of(e), marshaller.contentType(), data.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Accepts with explicit first events and an explicit body for plain GET requests.
   */
  public static InitialResponse accept(List<Event> events, String contentType, String body) {
    return new InitialResponse(200, events, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Rejects with {@code status} (4xx or 5xx) and a JSON body {@code {"error": "<message>"}}.
   *
   * @throws IllegalArgumentException if the status is not 400-599
   */
  public static InitialResponse reject(int status, String message) {
    String body = "{\"error\":" + Json.quote(message) + "}";
    return reject(status, JSON, body);
  }

  /**
   * Rejects with {@code status} and a body of {@code contentType}.
   *
   * @throws IllegalArgumentException if the status is not 400-599
   */
  public static InitialResponse reject(int status, String contentType, String body) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("rejection status must be 400-599: " + status);
    }
    return new InitialResponse(status, List.of(), contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Refuses the stream with HTTP 204 No Content and no body: the way to tell a browser's {@code
   * EventSource} (and {@code SseClient}) to stop reconnecting, e.g. when a feed has ended for good.
   */
  public static InitialResponse noContent() {
    return new InitialResponse(204, List.of(), TEXT, new byte[0]);
  }

  /** True when the stream may open; false for a rejection or {@link #noContent()}. */
  public boolean accepted() {
    return status == 200;
  }

  /** The HTTP status: 200 when accepted, 204 for {@link #noContent()}, else the rejection status. */
  public int status() {
    return status;
  }

  /** The first events of the stream (empty for a rejection). */
  public List<Event> events() {
    return events;
  }

  /** Content type of {@link #body()}. */
  public String contentType() {
    return contentType;
  }

  /** The body of a plain response: the initial state, or the rejection's explanation. */
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String toString() {
    return "InitialResponse{status=" + status + ", events=" + events.size() + "}";
  }
}
