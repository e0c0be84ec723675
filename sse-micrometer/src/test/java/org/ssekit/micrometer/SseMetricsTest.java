package org.ssekit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.CloseReason;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.client.EventIterator;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;
import org.ssekit.servlet.SseRouter;

/** The meters over a real router on embedded Jetty, read from a {@link SimpleMeterRegistry}. */
class SseMetricsTest {

  /** Servlet containers see a client leave at the next write: heartbeats make it soon. */
  private static final Duration BEAT = Duration.ofMillis(200);

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private SseRouter router;
  private Server server;
  private SseMetrics metrics;

  private URI start(SseRouter r) throws Exception {
    router = r;
    server = new Server();
    ServerConnector c = new ServerConnector(server);
    c.setHost("127.0.0.1");
    c.setPort(0);
    server.addConnector(c);
    ServletContextHandler ctx = new ServletContextHandler("/");
    ServletHolder stream = new ServletHolder(r.handler("/sse/{topic}", "{topic}", org.ssekit.StreamAdapter.passThrough()));
    stream.setAsyncSupported(true);
    ctx.addServlet(stream, "/sse/*");
    ServletHolder publish = new ServletHolder(r.publishHandler("/api/{topic}", "{topic}"));
    publish.setAsyncSupported(true);
    ctx.addServlet(publish, "/api/*");
    server.setHandler(ctx);
    server.start();
    return URI.create("http://127.0.0.1:" + c.getLocalPort());
  }

  @AfterEach
  void tearDown() throws Exception {
    if (metrics != null) {
      metrics.close();
    }
    if (router != null) {
      router.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void metersFollowStreamsEventsAndRefusals() throws Exception {
    URI base = start(SseRouter.builder().publishToken("t0ken").hub(h -> h.latencySampling(1).heartbeat(BEAT)).build());
    metrics = SseMetrics.of(router);
    metrics.bindTo(registry);

    SseClient client = SseClient.builder(base.resolve("/sse/news")).build();
    EventIterator events = client.events();
    client.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("ssekit.streams.open").gauge().value() == 1);
    assertThat(counter("ssekit.streams.opened")).isEqualTo(1);

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> ok =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/news"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer t0ken")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"hello\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(202);
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/news"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"nope\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);

    MessageEvent got = events.poll(Duration.ofSeconds(5)).orElseThrow();
    assertThat(got.data()).isEqualTo("hello");
    assertThat(counter("ssekit.events.published")).isEqualTo(1);
    assertThat(counter("ssekit.events.delivered")).isEqualTo(1);
    assertThat(counter("ssekit.publish.rejected", "status", "401")).isEqualTo(1);
    assertThat(counter("ssekit.publish.rejected", "status", "400")).isZero();
    // sampled one in one: the write that carried "hello" was measured
    await().atMost(Duration.ofSeconds(5))
        .until(() -> registry.get("ssekit.delivery.latency").functionTimer().count() == 1);
    assertThat(registry.get("ssekit.delivery.latency").functionTimer().totalTime(TimeUnit.NANOSECONDS))
        .isPositive();
    assertThat(registry.get("ssekit.broker.up").gauge().value()).isEqualTo(1);
    assertThat(registry.get("ssekit.stream.queue.depth").gauge().value()).isGreaterThanOrEqualTo(0);

    client.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("ssekit.streams.open").gauge().value() == 0);
    assertThat(counter("ssekit.streams.closed", "reason", CloseReason.CLIENT_GONE.name())).isEqualTo(1);
  }

  @Test
  void topicTagsAreOptInAndFollowTheTopicsWithOpenStreams() throws Exception {
    URI base = start(SseRouter.builder().hub(h -> h.heartbeat(BEAT)).build());
    metrics = SseMetrics.builder(router.hub()).topicTags(Duration.ofMillis(50)).tag("app", "test").build();
    metrics.bindTo(registry);
    SseClient a = SseClient.builder(base.resolve("/sse/a")).build().start();
    SseClient b1 = SseClient.builder(base.resolve("/sse/b")).build().start();
    SseClient b2 = SseClient.builder(base.resolve("/sse/b")).build().start();
    try {
      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(registry.find("ssekit.streams.open").tags("topic", "a", "app", "test").gauge())
                    .isNotNull()
                    .satisfies(g -> assertThat(g.value()).isEqualTo(1));
                assertThat(registry.find("ssekit.streams.open").tags("topic", "b").gauge())
                    .isNotNull()
                    .satisfies(g -> assertThat(g.value()).isEqualTo(2));
              });
      a.close();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> registry.find("ssekit.streams.open").tags("topic", "a").gauge() == null);
    } finally {
      a.close();
      b1.close();
      b2.close();
    }
  }

  @Test
  void aRouterOfAnotherHubIsRefused() {
    try (Hub other = Hub.create(); SseRouter r = SseRouter.create()) {
      assertThatThrownBy(() -> SseMetrics.builder(other).router(r))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("another hub");
    }
  }

  @Test
  void directSendsAndDropsAreCounted() {
    try (Hub hub = Hub.builder().heartbeat(Duration.ZERO).build()) {
      SseMetrics m = SseMetrics.of(hub);
      m.bindTo(registry);
      assertThat(hub.broadcast(Event.of("nobody"))).isZero();
      assertThat(counter("ssekit.events.delivered")).isZero();
      assertThat(counter("ssekit.events.dropped")).isZero();
      assertThat(registry.get("ssekit.broker.up").gauge().value()).isEqualTo(1);
      assertThat(counter("ssekit.broker.reconnects")).isZero(); // the in-memory broker has no connection
      hub.close();
      assertThat(registry.get("ssekit.broker.up").gauge().value()).isZero();
    }
  }
}
