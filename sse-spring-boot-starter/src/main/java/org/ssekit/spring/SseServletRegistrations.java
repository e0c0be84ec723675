package org.ssekit.spring;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.servlet.SseRouter;

/**
 * Registers the streams of the properties and of the {@link SseStream} beans, and the publish
 * endpoint, as {@link ServletRegistrationBean}s with async support on, each at the mapping that
 * covers its path template.
 */
final class SseServletRegistrations implements ServletContextInitializer {

  private static final Logger log = LoggerFactory.getLogger(SseServletRegistrations.class);

  /** What to register: the servlet name, the template, where it came from, the servlet. */
  record Entry(String name, String path, String source, HttpServlet servlet) {}

  private final List<Entry> entries;

  SseServletRegistrations(SseProperties p, SseRouter router, Map<String, SseStream> beans) {
    List<Entry> list = new ArrayList<>();
    for (int i = 0; i < p.streams().size(); i++) {
      SseProperties.Stream s = p.streams().get(i);
      String source = "ssekit.streams[" + i + "]";
      String path = s.path();
      String topic = s.topic();
      if (path == null || topic == null) {
        throw new IllegalStateException(source + ".path and .topic must be set");
      }
      String key = s.routingKey();
      if (key != null && !path.contains(key)) {
        throw new IllegalStateException(source + ".routing-key " + key + " is not a parameter of its path " + path);
      }
      list.add(new Entry("ssekit-stream-" + i, path, source, servlet(source, () -> router.handler(path, topic, adapter(s)))));
    }
    beans.forEach((name, s) -> {
      String source = "SseStream bean '" + name + "'";
      list.add(new Entry("ssekit-" + name, s.path(), source, servlet(source, () -> router.handler(s.path(), s.topic(), s.adapter()))));
    });
    String publishPath = p.publish().path();
    if (publishPath != null) {
      if (p.publish().token() == null) {
        log.warn("ssekit.publish.path={} has no ssekit.publish.token: anyone who reaches it may publish", publishPath);
      }
      String topic = p.publish().topic();
      list.add(new Entry("ssekit-publish", publishPath, "ssekit.publish.path",
          servlet("ssekit.publish.path", () -> router.publishHandler(publishPath, topic))));
    }
    Map<String, Entry> byMapping = new LinkedHashMap<>();
    for (Entry e : list) {
      Entry other = byMapping.putIfAbsent(mapping(e), e);
      if (other != null) {
        throw new IllegalStateException(
            e.source() + " (" + e.path() + ") and " + other.source() + " (" + other.path() + ") map to the same"
                + " servlet mapping " + mapping(e) + "; give each a literal prefix of its own");
      }
    }
    this.entries = List.copyOf(list);
  }

  /** The entries, for tests. */
  List<Entry> entries() {
    return entries;
  }

  @Override
  public void onStartup(ServletContext context) throws ServletException {
    for (Entry e : entries) {
      ServletRegistrationBean<HttpServlet> bean = new ServletRegistrationBean<>(e.servlet(), mapping(e));
      bean.setName(e.name());
      bean.setAsyncSupported(true);
      bean.setLoadOnStartup(1);
      bean.onStartup(context);
      log.debug("ssekit: {} serves {} at {}", e.name(), e.path(), mapping(e));
    }
  }

  /**
   * The servlet mapping covering {@code path}: the exact path when it has no parameter, else its
   * literal segments before the first parameter followed by {@code /*}.
   */
  static String mapping(Entry e) {
    String path = e.path();
    int brace = path.indexOf('{');
    if (brace < 0) {
      return path;
    }
    int slash = path.lastIndexOf('/', brace);
    if (slash <= 0) {
      throw new IllegalStateException(
          e.source() + ": path " + path + " must start with a literal segment (e.g. /sse/{topic}): a servlet"
              + " mapped at /* would take every request away from Spring MVC");
    }
    return path.substring(0, slash) + "/*";
  }

  private static HttpServlet servlet(String source, java.util.function.Supplier<HttpServlet> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(source + ": " + e.getMessage(), e);
    }
  }

  /** The adapter of a stream from properties: everyone in, routed by the routing-key parameter if set. */
  static StreamAdapter adapter(SseProperties.Stream s) {
    @Nullable String key = s.routingKey();
    if (key == null) {
      return StreamAdapter.passThrough();
    }
    String param = key.substring(1, key.length() - 1);
    return new StreamAdapter() {
      @Override
      public Optional<String> routingKey(StreamRequest request) {
        return request.pathParam(param);
      }

      @Override
      public String toString() {
        return "StreamAdapter{routingKey=" + key + "}";
      }
    };
  }
}
