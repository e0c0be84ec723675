package org.ssekit.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.ssekit.Hub;
import org.ssekit.HubListener;
import org.ssekit.broker.Broker;
import org.ssekit.micrometer.SseMetrics;
import org.ssekit.servlet.SseRouter;

/**
 * Auto-configures ssekit: a {@link Broker} ({@code ssekit.broker.url}, else in memory), a {@link
 * Hub} on it, and in a servlet web application an {@link SseRouter} serving the streams of the
 * properties and of the {@link SseStream} beans, and the publish endpoint. Each of the three beans
 * backs off when the application declares its own. With Micrometer and {@code sse-micrometer}
 * present, an {@link SseMetrics} binder; with Actuator's health API, a health indicator {@code
 * ssekit}.
 *
 * <p>Shutdown: the router is closed in a {@link org.springframework.context.SmartLifecycle} phase
 * before the web server's graceful shutdown (so open streams end at once instead of holding it up),
 * then the hub and the broker are destroyed, in that order.
 */
@AutoConfiguration
@EnableConfigurationProperties(SseProperties.class)
public final class SseAutoConfiguration {

  static final String HEALTH_BEAN = "ssekitHealthIndicator";
  static final String OBSERVATION_FILTER = "org.springframework.web.filter.ServerHttpObservationFilter";

  /** Used by Spring. */
  public SseAutoConfiguration() {}

  /** The broker of {@code ssekit.broker.url}, or an in-memory one with {@code ssekit.history.*}. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Broker ssekitBroker(SseProperties properties, ResourceLoader resources) {
    return Brokers.create(properties, resources.getClassLoader());
  }

  /** The hub, with the {@link HubListener} beans as listeners. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Hub ssekitHub(SseProperties p, Broker broker, ObjectProvider<HubListener> listeners) {
    Hub.Builder b = Hub.builder()
        .broker(broker)
        .heartbeat(p.heartbeat())
        .queueCapacity(p.queueCapacity())
        .replayLimit(p.replayLimit())
        .slowConsumerPolicy(p.slowConsumerPolicy())
        .latencySampling(p.latencySampling());
    if (p.retry() != null) {
      b.retry(p.retry());
    }
    listeners.orderedStream().forEach(b::listener);
    return b.build();
  }

  /** The servlet side: the router, its servlets and its early close. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.http.HttpServlet")
  static class Servlets {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SseRouter ssekitRouter(SseProperties p, Hub hub, ObservedPaths paths, ResourceLoader resources) {
      SseRouter.Builder b = SseRouter.builder()
          .hub(hub)
          .allowOrigins(p.cors().allowedOrigins().toArray(String[]::new))
          .allowCredentials(p.cors().allowCredentials())
          .retryAfter(p.limits().retryAfter())
          .maxLastEventIdLength(p.limits().maxLastEventIdLength())
          .maxPublishBytes((int) p.publish().maxBytes().toBytes())
          .maxPublishEvents(p.publish().maxEvents())
          .publishReadTimeout(p.publish().readTimeout())
          .shutdownTimeout(p.shutdownTimeout());
      if (p.limits().maxStreams() != null) {
        b.maxStreams(p.limits().maxStreams());
      }
      if (p.limits().maxStreamsPerClient() != null) {
        b.maxStreamsPerClient(p.limits().maxStreamsPerClient());
      }
      if (p.publish().token() != null) {
        b.publishToken(p.publish().token());
      }
      if (p.writeConcurrency() != null) {
        b.writeConcurrency(p.writeConcurrency());
      }
      if (ClassUtils.isPresent(OBSERVATION_FILTER, resources.getClassLoader())) {
        b.requestCustomizer(paths.tagger());
      }
      return b.build();
    }

    @Bean
    ObservedPaths ssekitObservedPaths() {
      return new ObservedPaths();
    }

    @Bean
    SseServletRegistrations ssekitServlets(
        SseProperties p, SseRouter router, ObservedPaths paths, ListableBeanFactory beans) {
      Map<String, SseStream> streams = new LinkedHashMap<>(beans.getBeansOfType(SseStream.class));
      SseServletRegistrations r = new SseServletRegistrations(p, router, streams);
      r.entries().forEach(e -> paths.put(e.name(), e.path()));
      return r;
    }

    @Bean
    SseShutdown ssekitShutdown(SseRouter router) {
      return new SseShutdown(router);
    }
  }

  /** {@code ssekit.tomcat.compact-buffers=true}: the embedded Tomcat's connector on the compact protocol. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = {"org.apache.coyote.http11.Http11NioProtocol",
      "org.springframework.boot.web.server.WebServerFactoryCustomizer"})
  @ConditionalOnProperty(prefix = "ssekit.tomcat", name = "compact-buffers", havingValue = "true")
  static class CompactTomcat {

    @Bean
    CompactTomcatCustomizer ssekitCompactTomcat() {
      return new CompactTomcatCustomizer();
    }
  }

  /** Meters of the hub and router, bound by Spring Boot to the application's registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", "org.ssekit.micrometer.SseMetrics"})
  static class Metrics {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SseMetrics ssekitMetrics(Hub hub, ObjectProvider<SseRouter> router) {
      SseMetrics.Builder b = SseMetrics.builder(hub);
      router.ifAvailable(b::router);
      return b.build();
    }
  }

  /** The health indicator {@code ssekit} on Spring Boot 4. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.ssekit", name = "enabled", matchIfMissing = true)
  static class Health4 {

    @Bean(HEALTH_BEAN)
    @ConditionalOnMissingBean(name = HEALTH_BEAN)
    SseHealthIndicator ssekitHealthIndicator(Hub hub, ObjectProvider<SseRouter> router) {
      return new SseHealthIndicator(hub, router.getIfAvailable());
    }
  }

  /** The health indicator {@code ssekit} on Spring Boot 3. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = Boot3Health.INDICATOR)
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(prefix = "management.health.ssekit", name = "enabled", matchIfMissing = true)
  @Import(Boot3Health.class)
  static class Health3 {}
}
