package org.ssekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jspecify.annotations.Nullable;
import org.ssekit.Event;
import org.ssekit.StreamAdapter;
import org.ssekit.servlet.SseRouter;
import org.ssekit.testkit.BrokerAvailability;
import org.ssekit.testkit.SseReader;

/**
 * Two server instances, each an embedded Jetty 12 with its own {@link SseRouter}, hub and Redis
 * connections, share one Redis: clients of both, over real HTTP, get every event exactly once in
 * the log's order, and a client moving between instances with {@code Last-Event-ID} misses nothing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisTwoInstancesIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String prefix = "ssekit-it-" + UUID.randomUUID() + ":";
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private Instance a;
  private Instance b;

  /** One server instance: broker, router (with its hub) and Jetty. */
  private final class Instance {
    final RedisBroker broker;
    final SseRouter router;
    final Server server;

    Instance() throws Exception {
      broker = RedisBroker.builder(RedisTests.URL).keyPrefix(prefix).build();
      resources.add(0, broker);
      router = SseRouter.builder().hub(h -> h.broker(broker).heartbeat(Duration.ofSeconds(1))).build();
      resources.add(0, router);
      server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler ctx = new ServletContextHandler("/");
      ServletHolder holder =
          new ServletHolder(router.handler("/events/{topic}", "{topic}", StreamAdapter.passThrough()));
      holder.setAsyncSupported(true);
      ctx.addServlet(holder, "/events/*");
      server.setHandler(ctx);
      server.setStopTimeout(0);
      server.start();
      resources.add(0, server::stop);
    }

    URI uri(String topic) {
      return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/events/" + topic);
    }

    void publish(String topic, String data) {
      router.hub().publish(topic, Event.of(data)).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    }
  }

  @BeforeEach
  void start() throws Exception {
    BrokerAvailability.assumeReachable("Redis", RedisTests.HOST, RedisTests.PORT);
    a = new Instance();
    b = new Instance();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private SseReader client(Instance instance, String topic, @Nullable String lastEventId)
      throws Exception {
    SseReader c = SseReader.stream(http, instance.uri(topic), lastEventId);
    resources.add(0, c);
    return c;
  }

  private static List<String> payloads(SseReader c, String marker) {
    return c.data().stream().filter(d -> d.startsWith(marker)).collect(Collectors.toList());
  }

  @Test
  void eventsPublishedAlternatelyOnBothReachEveryClientOfBothOnceInLogOrder() throws Exception {
    String topic = "two-" + UUID.randomUUID();
    List<SseReader> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      clients.add(client(a, topic, null));
      clients.add(client(b, topic, null));
    }
    // Every client is live once a probe published after it connected reaches it.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (clients.stream().allMatch(c -> c.data().contains("probe"))) {
            return true;
          }
          a.publish(topic, "probe");
          return false;
        });
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      expected.add("e" + i);
      (i % 2 == 0 ? a : b).publish(topic, "e" + i);
    }
    await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> payloads(c, "e").size() >= 1000));
    List<String> logIds =
        a.broker.history().orElseThrow().readAfter(topic, "0-0", 5000).messages().stream()
            .filter(m -> m.payloadAsString().startsWith("e"))
            .map(m -> m.id().orElseThrow())
            .collect(Collectors.toList());
    assertThat(logIds).hasSize(1000);
    for (SseReader c : clients) {
      assertThat(payloads(c, "e")).containsExactlyElementsOf(expected);
      List<String> ids =
          c.events().stream().filter(e -> e.data().startsWith("e")).map(e -> e.lastEventId()).collect(Collectors.toList());
      assertThat(ids).containsExactlyElementsOf(logIds);
      assertThat(c.ended()).isFalse();
    }
  }

  @Test
  void aClientSwitchingServerMidStreamWithLastEventIdMissesNothing() throws Exception {
    String topic = "switch-" + UUID.randomUUID();
    SseReader first = client(a, topic, null);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (first.data().contains("probe")) {
            return true;
          }
          b.publish(topic, "probe");
          return false;
        });
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add("s" + i);
      (i % 2 == 0 ? a : b).publish(topic, "s" + i);
    }
    await().atMost(WAIT).until(() -> payloads(first, "s").size() >= 100);
    List<String> seenIds = first.ids();
    String lastSeen = seenIds.get(seenIds.size() - 1);
    first.close(); // the client loses instance A ...
    for (int i = 100; i < 200; i++) {
      expected.add("s" + i);
      (i % 2 == 0 ? a : b).publish(topic, "s" + i);
    }
    SseReader second = client(b, topic, lastSeen); // ... and resumes on instance B
    for (int i = 200; i < 250; i++) {
      expected.add("s" + i);
      (i % 2 == 0 ? a : b).publish(topic, "s" + i);
    }
    await().atMost(WAIT).until(() -> payloads(second, "s").size() >= 150);
    List<String> all = new ArrayList<>(payloads(first, "s"));
    all.addAll(payloads(second, "s"));
    assertThat(all).containsExactlyElementsOf(expected);
    assertThat(second.data()).noneMatch(d -> d.equals("probe"));
    assertThat(second.events()).noneMatch(e -> e.type().equals(StreamAdapter.RESET_EVENT));
  }
}
