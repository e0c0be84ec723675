package org.ssekit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.ssekit.Hub;
import org.ssekit.SlowConsumerPolicy;
import org.ssekit.broker.Broker;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.micrometer.SseMetrics;
import org.ssekit.servlet.SseRouter;

class SseAutoConfigurationTest {

  private final WebApplicationContextRunner web =
      new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class));

  @Test
  void createsBrokerHubRouterMetricsAndHealthWithDefaults() {
    web.run(ctx -> {
      assertThat(ctx).hasSingleBean(Broker.class).hasSingleBean(Hub.class).hasSingleBean(SseRouter.class)
          .hasSingleBean(SseMetrics.class).hasBean(SseAutoConfiguration.HEALTH_BEAN);
      assertThat(ctx.getBean(Broker.class)).isInstanceOf(InMemoryBroker.class);
      assertThat(ctx.getBean(Hub.class).broker()).isSameAs(ctx.getBean(Broker.class));
      assertThat(ctx.getBean(SseRouter.class).hub()).isSameAs(ctx.getBean(Hub.class));
    });
  }

  @Test
  void theCompactTomcatProtocolIsOnlyAppliedWhenAskedFor() {
    web.run(ctx -> assertThat(ctx).doesNotHaveBean(CompactTomcatCustomizer.class));
    web.withPropertyValues("ssekit.tomcat.compact-buffers=true")
        .run(ctx -> assertThat(ctx).hasSingleBean(CompactTomcatCustomizer.class));
  }

  @Test
  void theCompactTomcatCustomizerSetsTomcatsProtocolAndLeavesJettyAlone() {
    var jetty = new org.springframework.boot.jetty.servlet.JettyServletWebServerFactory();
    assertThatCode(() -> new CompactTomcatCustomizer().customize(jetty)) // no setProtocol: left as it is
        .doesNotThrowAnyException();
    var tomcat = new org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory(0);
    new CompactTomcatCustomizer().customize(tomcat);
    var server = (org.springframework.boot.tomcat.TomcatWebServer) tomcat.getWebServer();
    try {
      server.start(); // binds port 0; until then Boot keeps the connector out of the service
      assertThat(server.getTomcat().getService().findConnectors()[0].getProtocolHandler())
          .isInstanceOf(org.ssekit.servlet.tomcat.CompactHttp11NioProtocol.class);
    } finally {
      server.stop();
      server.destroy();
    }
  }

  @Test
  void healthIsUpWithTheBrokerAndDownOnceTheBrokerIsClosed() {
    web.run(ctx -> {
      SseHealthIndicator indicator = ctx.getBean(SseHealthIndicator.class);
      var up = indicator.health();
      assertThat(up.getStatus().getCode()).isEqualTo("UP");
      assertThat(up.getDetails()).containsEntry("broker", "InMemoryBroker").containsEntry("openStreams", 0)
          .containsEntry("brokerStatus", "in-memory");
      ctx.getBean(Broker.class).close();
      var down = indicator.health();
      assertThat(down.getStatus().getCode()).isEqualTo("DOWN");
      assertThat(down.getDetails()).containsEntry("brokerStatus", "closed");
    });
  }

  @Test
  void outsideAWebApplicationThereIsAHubButNoRouter() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class))
        .run(ctx -> assertThat(ctx).hasSingleBean(Hub.class).doesNotHaveBean(SseRouter.class));
  }

  @Test
  void backsOffForTheApplicationsOwnHubAndRouter() {
    web.withUserConfiguration(OwnBeans.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(Hub.class).hasSingleBean(SseRouter.class);
      assertThat(ctx.getBean(Hub.class)).isSameAs(ctx.getBean("myHub"));
      assertThat(ctx.getBean(SseRouter.class)).isSameAs(ctx.getBean("myRouter"));
    });
  }

  @Test
  void closesTheRouterInAPhaseBeforeTheWebServersGracefulShutdown() {
    // Spring Boot's WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE; a higher phase stops first
    int gracefulShutdownPhase = SmartLifecycle.DEFAULT_PHASE - 1024;
    web.run(ctx -> {
      SseShutdown shutdown = ctx.getBean(SseShutdown.class);
      assertThat(shutdown.getPhase()).isGreaterThan(gracefulShutdownPhase);
      assertThat(shutdown.isRunning()).isTrue();
      shutdown.stop();
      assertThat(ctx.getBean(SseRouter.class).isClosed()).isTrue();
      assertThat(shutdown.isRunning()).isFalse();
    });
  }

  @Test
  void bindsHubOptionsFromProperties() {
    web.withPropertyValues("ssekit.heartbeat=0s", "ssekit.slow-consumer-policy=drop-oldest", "ssekit.history.enabled=false")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          SseProperties p = ctx.getBean(SseProperties.class);
          assertThat(p.slowConsumerPolicy()).isEqualTo(SlowConsumerPolicy.DROP_OLDEST);
          assertThat(ctx.getBean(Broker.class).history()).isEmpty();
        });
  }

  @Test
  void anInvalidPropertyFailsStartupNamingTheProperty() {
    web.withPropertyValues("ssekit.history.max-events=0").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("ssekit.history.max-events must be positive: 0"));
    web.withPropertyValues("ssekit.limits.max-streams=-1").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("ssekit.limits.max-streams must be positive"));
    web.withPropertyValues("ssekit.cors.allowed-origins=*", "ssekit.cors.allow-credentials=true").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("ssekit.cors.allow-credentials"));
    web.withPropertyValues("ssekit.streams[0].path=/sse/{topic}").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("ssekit.streams[0].topic must be set"));
  }

  @Test
  void aStreamTopicNamingAnUndefinedParameterFailsStartupNamingTheStream() {
    web.withPropertyValues("ssekit.streams[0].path=/sse/{topic}", "ssekit.streams[0].topic={room}").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("ssekit.streams[0]: topic {room} uses [room]"));
  }

  @Test
  void twoStreamsOnTheSameServletMappingFailStartupNamingBoth() {
    web.withPropertyValues(
            "ssekit.streams[0].path=/sse/{topic}", "ssekit.streams[0].topic={topic}",
            "ssekit.streams[1].path=/sse/{room}/chat", "ssekit.streams[1].topic={room}")
        .run(ctx -> assertThat(ctx).getFailure().rootCause()
            .hasMessageContaining("ssekit.streams[1] (/sse/{room}/chat) and ssekit.streams[0] (/sse/{topic})")
            .hasMessageContaining("/sse/*"));
  }

  @Test
  void aStreamAtTheRootFailsStartupBecauseItWouldHideSpringMvc() {
    web.withPropertyValues("ssekit.streams[0].path=/{topic}", "ssekit.streams[0].topic={topic}").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("ssekit.streams[0]: path /{topic} must start with a literal segment"));
  }

  @Test
  void aBrokerUrlWithoutItsModuleFailsStartupNamingTheModule() {
    web.withClassLoader(new FilteredClassLoader("org.ssekit.nats"))
        .withPropertyValues("ssekit.broker.url=nats://user:pw@127.0.0.1:4222")
        .run(ctx -> assertThat(ctx).getFailure().rootCause()
            .hasMessageContaining("needs the module org.ssekit:sse-nats on the classpath")
            .hasMessageContaining("nats://user:****@127.0.0.1:4222")
            .hasMessageNotContaining("pw@"));
  }

  @Test
  void anUnknownBrokerSchemeFailsStartupNamingTheProperty() {
    web.withPropertyValues("ssekit.broker.url=kafka://127.0.0.1:9092").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("ssekit.broker.url must start with redis://"));
  }

  @Test
  void registersPropertyStreamsBeanStreamsAndThePublishEndpointAtTheirMappings() {
    web.withUserConfiguration(StreamBean.class)
        .withPropertyValues("ssekit.streams[0].path=/sse/rooms/{room}", "ssekit.streams[0].topic=room-{room}",
            "ssekit.streams[0].routing-key={room}", "ssekit.publish.path=/api/topics/{topic}/events")
        .run(ctx -> {
          var entries = ctx.getBean(SseServletRegistrations.class).entries();
          assertThat(entries).extracting(e -> e.name() + " " + SseServletRegistrations.mapping(e))
              .containsExactly("ssekit-stream-0 /sse/rooms/*", "ssekit-ticker /ticker", "ssekit-publish /api/topics/*");
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    @Bean(destroyMethod = "close")
    Hub myHub() {
      return Hub.builder().build();
    }

    @Bean(destroyMethod = "close")
    SseRouter myRouter(Hub myHub) {
      return SseRouter.builder().hub(myHub).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class StreamBean {
    @Bean
    SseStream ticker() {
      return SseStream.of("/ticker", "ticks");
    }
  }
}
