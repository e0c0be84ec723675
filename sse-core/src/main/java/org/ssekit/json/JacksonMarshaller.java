package org.ssekit.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import org.ssekit.Marshaller;

/**
 * A {@link Marshaller} writing JSON with Jackson. Requires {@code
 * com.fasterxml.jackson.core:jackson-databind} on the class path (an optional dependency of
 * {@code sse-core}). Thread-safe as long as the mapper is not reconfigured.
 */
public final class JacksonMarshaller implements Marshaller {

  private final ObjectMapper mapper;

  private JacksonMarshaller(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A marshaller with a default {@link ObjectMapper} (modules found on the class path). */
  public static JacksonMarshaller create() {
    return new JacksonMarshaller(new ObjectMapper().findAndRegisterModules());
  }

  /** A marshaller with the application's own mapper. */
  public static JacksonMarshaller create(ObjectMapper mapper) {
    return new JacksonMarshaller(Objects.requireNonNull(mapper, "mapper"));
  }

  @Override
  public String contentType() {
    return "application/json";
  }

  @Override
  public String marshal(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot marshal " + value.getClass().getName() + " to JSON: " + e.getOriginalMessage(), e);
    }
  }
}
