package org.ssekit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A transport-neutral view of the request that opens a stream: path, path parameters, query,
 * headers, principal, remote address and the last event id. Transports build it; adapters read it.
 * Immutable and thread-safe. Header names are case-insensitive.
 */
public final class StreamRequest {

  private final String path;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final @Nullable String principal;
  private final @Nullable String remoteAddress;
  private final @Nullable String lastEventId;

  private StreamRequest(Builder b) {
    this.path = b.path;
    this.pathParams = Collections.unmodifiableMap(new LinkedHashMap<>(b.pathParams));
    this.query = freeze(b.query);
    this.headers = freeze(b.headers);
    this.principal = b.principal;
    this.remoteAddress = b.remoteAddress;
    this.lastEventId = b.lastEventId;
  }

  private static Map<String, List<String>> freeze(Map<String, List<String>> m) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  /** A builder; only what a transport knows needs to be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A request for {@code path} with nothing else set, handy in tests and for server-side use. */
  public static StreamRequest of(String path) {
    return builder().path(path).build();
  }

  /** The request path (without query), {@code "/"} when unknown. */
  public String path() {
    return path;
  }

  /** Named path parameters, e.g. {@code id} of {@code /posts/{id}/stats}. */
  public Map<String, String> pathParams() {
    return pathParams;
  }

  /** One path parameter. */
  public Optional<String> pathParam(String name) {
    return Optional.ofNullable(pathParams.get(name));
  }

  /** All query parameters. */
  public Map<String, List<String>> queryParams() {
    return query;
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParam(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** All headers, keyed by lower-case name. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** The authenticated user, if the transport or the application established one. */
  public Optional<String> principal() {
    return Optional.ofNullable(principal);
  }

  /** The client's address as the transport saw it. */
  public Optional<String> remoteAddress() {
    return Optional.ofNullable(remoteAddress);
  }

  /** The last event id the client reconnected with, if any. */
  public Optional<String> lastEventId() {
    return Optional.ofNullable(lastEventId);
  }

  /** A builder pre-filled with this request. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.path = path;
    b.pathParams.putAll(pathParams);
    query.forEach((k, v) -> b.query.put(k, new ArrayList<>(v)));
    headers.forEach((k, v) -> b.headers.put(k, new ArrayList<>(v)));
    b.principal = principal;
    b.remoteAddress = remoteAddress;
    b.lastEventId = lastEventId;
    return b;
  }

  @Override
  public String toString() {
    return "StreamRequest{path=" + path + ", pathParams=" + pathParams + ", principal=" + principal + "}";
  }

  /** Builds a {@link StreamRequest}. Not thread-safe. */
  public static final class Builder {
    private String path = "/";
    private final Map<String, String> pathParams = new LinkedHashMap<>();
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private @Nullable String principal;
    private @Nullable String remoteAddress;
    private @Nullable String lastEventId;

    private Builder() {}

    /** Sets the path. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Adds a path parameter. */
    public Builder pathParam(String name, String value) {
      pathParams.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a value of a query parameter. */
    public Builder queryParam(String name, String value) {
      query.computeIfAbsent(Objects.requireNonNull(name, "name"), k -> new ArrayList<>())
          .add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a value of a header. */
    public Builder header(String name, String value) {
      headers
          .computeIfAbsent(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets the authenticated user. */
    public Builder principal(@Nullable String principal) {
      this.principal = principal;
      return this;
    }

    /** Sets the client's address. */
    public Builder remoteAddress(@Nullable String remoteAddress) {
      this.remoteAddress = remoteAddress;
      return this;
    }

    /**
     * Sets the last event id the client reconnected with; null or invalid (NUL, CR, LF) means none.
     */
    public Builder lastEventId(@Nullable String lastEventId) {
      if (lastEventId != null) {
        for (int i = 0; i < lastEventId.length(); i++) {
          char c = lastEventId.charAt(i);
          if (c == '\0' || c == '\r' || c == '\n') {
            // client input (a header or a query parameter): an id no server could have sent is
            // treated as no id, never as an error
            this.lastEventId = null;
            return this;
          }
        }
      }
      this.lastEventId = lastEventId;
      return this;
    }

    /** Builds the request. */
    public StreamRequest build() {
      return new StreamRequest(this);
    }
  }
}
