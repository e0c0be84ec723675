package org.ssekit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.Event;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.Message;
import org.ssekit.client.MessageEvent;
import org.ssekit.servlet.SseRouter;
import org.ssekit.testkit.SseReader;

/**
 * Two application instances, each an embedded Jetty 12 with its own {@link SseRouter}, Hub and
 * {@link PostgresBroker} on one database; clients over real HTTP.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PostgresTwoInstancesIT {

  private static final String PREFIX = Pg.uniquePrefix();
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final int EVENTS = 1000;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void requirePostgres() {
    Pg.assumeReachable();
  }

  @AfterAll
  static void dropTable() throws SQLException {
    Pg.drop(PREFIX);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  /** One instance: a broker client, a router on it, and Jetty serving the topic at /events. */
  private final class Instance {
    final PostgresBroker broker;
    final SseRouter router;
    final Server server;

    Instance(String topic) throws Exception {
      broker = PostgresBroker.builder(Pg.URL).tablePrefix(PREFIX).build();
      resources.add(0, broker);
      router = SseRouter.builder().hub(h -> h.broker(broker).heartbeat(Duration.ofSeconds(1))).build();
      resources.add(0, router);
      server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler ctx = new ServletContextHandler("/");
      ServletHolder holder = new ServletHolder(router.handler(topic));
      holder.setAsyncSupported(true);
      ctx.addServlet(holder, "/events");
      server.setHandler(ctx);
      server.setStopTimeout(0);
      server.start();
      resources.add(0, server::stop);
    }

    URI events() {
      return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/events");
    }

    SseReader connect(Optional<String> lastEventId) throws Exception {
      SseReader c = SseReader.stream(http, events(), lastEventId.orElse(null));
      resources.add(0, c::close);
      assertThat(c.status()).isEqualTo(200);
      return c;
    }
  }

  private static void awaitLive(Instance publisher, String topic, List<SseReader> clients) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (clients.stream().allMatch(c -> !c.data("ready").isEmpty())) {
                return true;
              }
              publisher.router.hub().publish(topic, Event.of("ready")).toCompletableFuture().join();
              return false;
            });
  }

  private static List<String> ids(List<MessageEvent> events) {
    return events.stream().map(MessageEvent::lastEventId).collect(Collectors.toList());
  }

  @Test
  void eventsPublishedAlternatelyOnBothReachEveryClientOnceInLogOrder() throws Exception {
    String topic = "two-" + UUID.randomUUID();
    Instance a = new Instance(topic);
    Instance b = new Instance(topic);
    List<SseReader> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      clients.add(a.connect(Optional.empty()));
      clients.add(b.connect(Optional.empty()));
    }
    awaitLive(a, topic, clients);
    awaitLive(b, topic, clients);
    List<CompletableFuture<Message>> published = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      Instance via = i % 2 == 0 ? a : b;
      published.add(via.router.hub().publish(topic, Event.of("e" + i)).toCompletableFuture());
    }
    published.forEach(f -> f.orTimeout(30, TimeUnit.SECONDS).join());
    await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.events("e").size() >= EVENTS));

    // the log's order: what the history holds after the first event
    List<MessageEvent> first = clients.get(0).events("e");
    EventLog.Replay log = a.broker.history().orElseThrow().readAfter(topic, first.get(0).lastEventId(), EVENTS);
    assertThat(log.complete()).isTrue();
    List<String> logOrder = new ArrayList<>();
    logOrder.add(first.get(0).lastEventId());
    log.messages().forEach(m -> logOrder.add(m.id().orElseThrow()));
    assertThat(logOrder).hasSize(EVENTS);
    for (SseReader c : clients) {
      List<MessageEvent> got = c.events("e");
      assertThat(got).hasSize(EVENTS);
      assertThat(ids(got)).containsExactlyElementsOf(logOrder);
      assertThat(got.stream().map(MessageEvent::data).sorted().collect(Collectors.toList()))
          .containsExactlyElementsOf(IntStream.range(0, EVENTS).mapToObj(i -> "e" + i).sorted().collect(Collectors.toList()));
    }
    // each instance's own publishes keep their order within the log
    List<String> dataInLog = clients.get(0).data("e");
    for (int parity = 0; parity < 2; parity++) {
      int p = parity;
      List<String> mine =
          dataInLog.stream().filter(d -> Integer.parseInt(d.substring(1)) % 2 == p).collect(Collectors.toList());
      assertThat(mine).containsExactlyElementsOf(
          IntStream.range(0, EVENTS).filter(i -> i % 2 == p).mapToObj(i -> "e" + i).collect(Collectors.toList()));
    }
  }

  @Test
  void aClientSwitchingInstanceMidStreamWithLastEventIdMissesNothing() throws Exception {
    String topic = "switch-" + UUID.randomUUID();
    Instance a = new Instance(topic);
    Instance b = new Instance(topic);
    SseReader onA = a.connect(Optional.empty());
    SseReader witness = b.connect(Optional.empty());
    awaitLive(a, topic, List.of(onA, witness));
    java.util.concurrent.CountDownLatch switched = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Void> publishing =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < EVENTS; i++) {
                if (i == EVENTS / 2) {
                  try { // the second half is published only once the client has switched
                    switched.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
                CompletableFuture<Message> f =
                    (i % 2 == 0 ? a : b).router.hub().publish(topic, Event.of("e" + i)).toCompletableFuture();
                if (i % 20 == 19) {
                  f.orTimeout(30, TimeUnit.SECONDS).join(); // pace the publisher by the database
                }
              }
            });
    await().atMost(WAIT).until(() -> onA.events("e").size() >= Math.min(300, EVENTS / 2));
    onA.close();
    List<MessageEvent> before = onA.events("e");
    String lastSeen = before.get(before.size() - 1).lastEventId();
    assertThat(publishing).as("the switch happens while events are still being published").isNotDone();
    SseReader onB = b.connect(Optional.of(lastSeen));
    switched.countDown();
    publishing.orTimeout(60, TimeUnit.SECONDS).join();
    await().atMost(WAIT).until(() -> witness.events("e").size() >= EVENTS);
    List<MessageEvent> all = witness.events("e");
    await().atMost(WAIT).until(() -> before.size() + onB.events("e").size() >= EVENTS);
    List<MessageEvent> joined = new ArrayList<>(before);
    joined.addAll(onB.events("e"));
    assertThat(ids(joined)).containsExactlyElementsOf(ids(all));
    assertThat(joined.stream().map(MessageEvent::data).collect(Collectors.toList()))
        .containsExactlyElementsOf(all.stream().map(MessageEvent::data).collect(Collectors.toList()));
    assertThat(onB.events("")).noneMatch(e -> e.type().equals(org.ssekit.StreamAdapter.RESET_EVENT));
  }
}
