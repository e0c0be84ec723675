package org.ssekit.spring;

import java.util.Objects;
import org.ssekit.StreamAdapter;

/**
 * A stream declared in code: every {@code SseStream} bean becomes a stream servlet of the
 * application's {@link org.ssekit.servlet.SseRouter}, registered with async support on.
 *
 * <pre>{@code
 * @Bean
 * SseStream postStats() {
 *   return SseStream.of("/sse/posts/{id}/stats", "post-stats", new StreamAdapter() {
 *     @Override public Optional<String> routingKey(StreamRequest r) { return r.pathParam("id"); }
 *   });
 * }
 * }</pre>
 *
 * @param path the path template, relative to the web application (e.g. {@code /sse/posts/{id}});
 *     its leading literal segments become the servlet mapping ({@code /sse/posts/*}), so it must
 *     start with one
 * @param topic the topic, where {@code {name}} is that path parameter
 * @param adapter decides who may connect and what each client sees
 */
public record SseStream(String path, String topic, StreamAdapter adapter) {

  /** Checks that nothing is null and the path is absolute. */
  public SseStream {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(adapter, "adapter");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a stream path starts with '/': " + path);
    }
  }

  /**
   * A stream at {@code path} of {@code topic} with {@code adapter}.
   *
   * @param path the path template
   * @param topic the topic
   * @param adapter the stream adapter
   * @return the stream registration
   */
  public static SseStream of(String path, String topic, StreamAdapter adapter) {
    return new SseStream(path, topic, adapter);
  }

  /**
   * A stream at {@code path} of {@code topic} that lets every client in and passes every message.
   *
   * @param path the path template
   * @param topic the topic
   * @return the stream registration
   */
  public static SseStream of(String path, String topic) {
    return new SseStream(path, topic, StreamAdapter.passThrough());
  }
}
