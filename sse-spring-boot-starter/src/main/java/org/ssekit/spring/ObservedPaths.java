package org.ssekit.spring;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.ssekit.StreamRequest;

/**
 * The path templates of the ssekit servlets by servlet name, and the request customizer that puts
 * a stream's template into Spring's HTTP server observation, so that {@code http.server.requests}
 * tags it {@code uri=/sse/{topic}} rather than {@code UNKNOWN} (Spring MVC's handler mappings,
 * which set it for controllers, do not see these servlets). Touches {@code spring-web} only in
 * {@link #tagger()}, called when it is present.
 */
final class ObservedPaths {

  private final Map<String, String> templates = new ConcurrentHashMap<>();

  void put(String servletName, String template) {
    templates.put(servletName, template);
  }

  /** Sets the observation's path pattern of a stream request to its servlet's template. */
  BiConsumer<HttpServletRequest, StreamRequest.Builder> tagger() {
    return (req, b) -> {
      HttpServletMapping m = req.getHttpServletMapping();
      String template = m == null ? null : templates.get(m.getServletName());
      if (template != null) {
        Web.tag(req, template);
      }
    };
  }

  /** Loaded only when a stream request is tagged, so only with spring-web present. */
  private static final class Web {
    static void tag(HttpServletRequest req, String template) {
      ServerHttpObservationFilter.findObservationContext(req).ifPresent(c -> c.setPathPattern(template));
    }
  }
}
