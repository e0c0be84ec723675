package org.ssekit;

/**
 * Turns application objects into event data. {@link #text()} is built in; JSON through Jackson is
 * {@code org.ssekit.json.JacksonMarshaller} (needs {@code jackson-databind} on the class path).
 * Implementations must be thread-safe.
 */
public interface Marshaller {

  /** The content type of what {@link #marshal} returns, for plain (non-SSE) responses. */
  String contentType();

  /**
   * The data for {@code value}.
   *
   * @throws IllegalArgumentException if the value cannot be marshalled
   */
  String marshal(Object value);

  /** {@code String.valueOf(value)}, as {@code text/plain; charset=utf-8}. */
  static Marshaller text() {
    return TextMarshaller.INSTANCE;
  }
}

/** {@link Marshaller#text()}. */
final class TextMarshaller implements Marshaller {
  static final TextMarshaller INSTANCE = new TextMarshaller();

  private TextMarshaller() {}

  @Override
  public String contentType() {
    return "text/plain; charset=utf-8";
  }

  @Override
  public String marshal(Object value) {
    return String.valueOf(value);
  }
}
