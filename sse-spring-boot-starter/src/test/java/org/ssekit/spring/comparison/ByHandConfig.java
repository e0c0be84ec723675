package org.ssekit.spring.comparison;

import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.ssekit.Hub;
import org.ssekit.micrometer.SseMetrics;
import org.ssekit.servlet.SseRouter;

/** Stream + publish + metrics wired by hand, as docs/servlet-guide.md shows (without the starter). */
@Configuration(proxyBeanMethods = false)
class ByHandConfig {
  @Bean(destroyMethod = "close")
  Hub hub() {
    return Hub.builder().heartbeat(Duration.ofSeconds(15)).build();
  }

  @Bean
  SseRouter sseRouter(Hub hub, @Value("${publish.token}") String token) {
    return SseRouter.builder().hub(hub).publishToken(token).build();
  }

  @Bean
  ServletRegistrationBean<HttpServlet> stream(SseRouter router) {
    return new ServletRegistrationBean<>(router.handler("/sse/{topic}", "{topic}", org.ssekit.StreamAdapter.passThrough()), "/sse/*");
  }

  @Bean
  ServletRegistrationBean<HttpServlet> publish(SseRouter router) {
    return new ServletRegistrationBean<>(router.publishHandler("/api/topics/{topic}/events", "{topic}"), "/api/topics/*");
  }

  @Bean
  ApplicationListener<ContextClosedEvent> closeStreams(SseRouter router) {
    return e -> router.close();
  }

  @Bean
  MeterBinder sseMetrics(SseRouter router) {
    return SseMetrics.of(router);
  }
}
