package org.ssekit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.Event;
import org.ssekit.StreamAdapter;
import org.ssekit.servlet.SseRouter;
import org.ssekit.testkit.SseReader;

/**
 * Two application instances, each an embedded Jetty 12 with its own {@link SseRouter}, hub and
 * NATS connection, sharing one JetStream stream; clients talk real HTTP.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwoInstancesServletIT {

  private final TestNats.Names names = TestNats.Names.unique("servlet");
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String topic = "feed-" + names.prefix();
  private Instance a;
  private Instance b;

  /** One instance: broker, router (with its hub) and Jetty. */
  private final class Instance implements AutoCloseable {
    final NatsBroker broker;
    final SseRouter router;
    final Server server;

    Instance() throws Exception {
      broker = names.builder().build();
      router = SseRouter.builder().hub(h -> h.broker(broker).heartbeat(Duration.ofSeconds(1))).build();
      server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler ctx = new ServletContextHandler("/");
      HttpServlet servlet = router.handler(topic, StreamAdapter.passThrough());
      ServletHolder holder = new ServletHolder(servlet);
      holder.setAsyncSupported(true);
      ctx.addServlet(holder, "/events");
      server.setHandler(ctx);
      server.setStopTimeout(0);
      server.start();
    }

    URI events() {
      return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/events");
    }

    void publish(String data) {
      router.hub().publish(topic, Event.of(data)).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() throws Exception {
      router.close();
      server.stop();
      broker.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    TestNats.assumeReachable();
    a = new Instance();
    resources.add(a);
    b = new Instance();
    resources.add(0, b);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    names.delete();
  }

  private SseReader connect(Instance i, String lastEventId) throws Exception {
    SseReader s = SseReader.stream(http, i.events(), lastEventId);
    resources.add(0, s);
    return s;
  }

  private void awaitLive(List<SseReader> clients) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (clients.stream().allMatch(c -> !c.data("ready").isEmpty())) {
                return true;
              }
              a.publish("ready");
              b.publish("ready");
              return false;
            });
  }

  @Test
  void eventsPublishedAlternatelyOnBothReachEveryClientOfBothOnceInLogOrder() throws Exception {
    List<SseReader> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(connect(a, null));
      clients.add(connect(b, null));
    }
    awaitLive(clients);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      expected.add("e" + i);
      (i % 2 == 0 ? a : b).publish("e" + i);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream().allMatch(c -> c.data("e").size() >= 1000));
    List<String> ids = clients.get(0).ids("e");
    assertThat(ids).doesNotHaveDuplicates().hasSize(1000);
    for (SseReader c : clients) {
      assertThat(c.data("e")).containsExactlyElementsOf(expected);
      assertThat(c.ids("e")).containsExactlyElementsOf(ids);
      assertThat(c.ended()).isFalse();
    }
  }

  @Test
  void aClientSwitchingInstanceWithLastEventIdMissesNothing() throws Exception {
    SseReader first = connect(a, null);
    awaitLive(List.of(first));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add("s" + i);
      (i % 2 == 0 ? a : b).publish("s" + i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> first.data("s").size() >= 50);
    first.close();
    String lastId = first.lastEventId();
    assertThat(lastId).isEqualTo(first.ids("s").get(49));
    for (int i = 50; i < 100; i++) { // published while the client is away
      sent.add("s" + i);
      (i % 2 == 0 ? a : b).publish("s" + i);
    }
    SseReader second = connect(b, lastId);
    for (int i = 100; i < 120; i++) {
      sent.add("s" + i);
      a.publish("s" + i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> second.data("s").size() >= 70);
    List<String> all = new ArrayList<>(first.data("s"));
    all.addAll(second.data("s"));
    assertThat(all).containsExactlyElementsOf(sent);
    assertThat(second.events()).noneMatch(e -> e.type().equals(StreamAdapter.RESET_EVENT));
  }
}
