package org.ssekit;

import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>A stream keeps its request for as long as it lives, so the request is stored compactly: each
 * of path parameters, query parameters and headers is one flat array of name/value pairs (the
 * strings the transport handed over, not copies), and the {@code Map} views are only built the
 * first time they are asked for. The single-value lookups ({@link #header}, {@link #queryParam},
 * {@link #pathParam}) scan the pairs and never build a map.
 */
public final class StreamRequest {

  private static final String[] NONE = new String[0];

  private final String path;
  /** name, value, name, value, ...; names unique, in insertion order. */
  private final String[] pathParams;
  /** name, value, ...; a name repeats for each of its values. */
  private final String[] query;
  /** name (as given), value, ...; a name repeats for each of its values. */
  private final String[] headers;
  private final @Nullable String principal;
  private final @Nullable String remoteAddress;
  private final @Nullable String lastEventId;

  // Views built on first use. Each is an unmodifiable map of fully built contents, published
  // through a volatile field: a race only builds it twice.
  private volatile @Nullable Map<String, String> pathParamsView;
  private volatile @Nullable Map<String, List<String>> queryView;
  private volatile @Nullable Map<String, List<String>> headersView;

  private StreamRequest(Builder b) {
    this.path = b.path;
    this.pathParams = b.pathParams.toArray();
    this.query = b.query.toArray();
    this.headers = b.headers.toArray();
    this.principal = b.principal;
    this.remoteAddress = b.remoteAddress;
    this.lastEventId = b.lastEventId;
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

  /** Named path parameters, e.g. {@code id} of {@code /posts/{id}/stats}, in template order. */
  public Map<String, String> pathParams() {
    Map<String, String> v = pathParamsView;
    if (v == null) {
      if (pathParams.length == 0) {
        v = Collections.emptyMap();
      } else {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pathParams.length; i += 2) {
          m.put(pathParams[i], pathParams[i + 1]);
        }
        v = Collections.unmodifiableMap(m);
      }
      pathParamsView = v;
    }
    return v;
  }

  /** One path parameter. */
  public Optional<String> pathParam(String name) {
    for (int i = 0; i < pathParams.length; i += 2) {
      if (pathParams[i].equals(name)) {
        return Optional.of(pathParams[i + 1]);
      }
    }
    return Optional.empty();
  }

  /** All query parameters, in the order they were first seen. */
  public Map<String, List<String>> queryParams() {
    Map<String, List<String>> v = queryView;
    if (v == null) {
      v = group(query, false);
      queryView = v;
    }
    return v;
  }

  /** The first value of a query parameter. */
  public Optional<String> queryParam(String name) {
    for (int i = 0; i < query.length; i += 2) {
      if (query[i].equals(name)) {
        return Optional.of(query[i + 1]);
      }
    }
    return Optional.empty();
  }

  /** All headers, keyed by lower-case name. */
  public Map<String, List<String>> headers() {
    Map<String, List<String>> v = headersView;
    if (v == null) {
      v = group(headers, true);
      headersView = v;
    }
    return v;
  }

  /** The first value of a header, looked up case-insensitively. */
  public Optional<String> header(String name) {
    for (int i = 0; i < headers.length; i += 2) {
      // header names are ASCII tokens (RFC 9110), for which this equals comparing lower-cased names
      if (headers[i].equalsIgnoreCase(name)) {
        return Optional.of(headers[i + 1]);
      }
    }
    return Optional.empty();
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
    b.pathParams.addAll(pathParams);
    b.query.addAll(query);
    b.headers.addAll(headers);
    b.principal = principal;
    b.remoteAddress = remoteAddress;
    b.lastEventId = lastEventId;
    return b;
  }

  @Override
  public String toString() {
    return "StreamRequest{path=" + path + ", pathParams=" + pathParams() + ", principal=" + principal + "}";
  }

  /** Groups name/value pairs by name (lower-cased if asked), keeping first-seen order. */
  private static Map<String, List<String>> group(String[] pairs, boolean lowerCaseNames) {
    if (pairs.length == 0) {
      return Collections.emptyMap();
    }
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      String name = lowerCaseNames ? pairs[i].toLowerCase(Locale.ROOT) : pairs[i];
      m.computeIfAbsent(name, k -> new ArrayList<>(1)).add(pairs[i + 1]);
    }
    m.replaceAll((k, values) -> List.copyOf(values));
    return Collections.unmodifiableMap(m);
  }

  /** A growable flat array of name/value pairs, used by the builder only. */
  private static final class Pairs {
    private String[] a = NONE;
    private int size;

    void add(String name, String value) {
      if (size + 2 > a.length) {
        a = Arrays.copyOf(a, Math.max(8, a.length * 2));
      }
      a[size++] = name;
      a[size++] = value;
    }

    /** Replaces the value of {@code name} if present, else adds it. */
    void put(String name, String value) {
      for (int i = 0; i < size; i += 2) {
        if (a[i].equals(name)) {
          a[i + 1] = value;
          return;
        }
      }
      add(name, value);
    }

    void addAll(String[] pairs) {
      for (int i = 0; i < pairs.length; i += 2) {
        add(pairs[i], pairs[i + 1]);
      }
    }

    String[] toArray() {
      return size == 0 ? NONE : Arrays.copyOf(a, size);
    }
  }

  /** Builds a {@link StreamRequest}. Not thread-safe. */
  public static final class Builder {
    private String path = "/";
    private final Pairs pathParams = new Pairs();
    private final Pairs query = new Pairs();
    private final Pairs headers = new Pairs();
    private @Nullable String principal;
    private @Nullable String remoteAddress;
    private @Nullable String lastEventId;

    private Builder() {}

    /** Sets the path. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** Adds a path parameter (a second value for the same name replaces the first). */
    public Builder pathParam(String name, String value) {
      pathParams.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a value of a query parameter. */
    public Builder queryParam(String name, String value) {
      query.add(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds a value of a header. */
    public Builder header(String name, String value) {
      headers.add(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
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
