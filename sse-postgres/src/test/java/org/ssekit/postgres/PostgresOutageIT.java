package org.ssekit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.testkit.TcpProxy;
import org.ssekit.Hub;
import org.ssekit.broker.Message;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamConnection;
import org.ssekit.StreamRequest;
import org.ssekit.testkit.RecordingSink;

/**
 * An instance whose database connections are cut (through a TCP proxy) keeps its SSE streams open
 * and, once the database is back, delivers everything appended meanwhile, in order, exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostgresOutageIT {

  private static final String PREFIX = Pg.uniquePrefix();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<AutoCloseable> resources = new ArrayList<>();

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

  private <T extends AutoCloseable> T closeLater(T r) {
    resources.add(0, r);
    return r;
  }

  private static RecordingSink open(Hub hub, String topic) {
    RecordingSink sink = new RecordingSink();
    StreamConnection c = hub.open(topic, StreamAdapter.passThrough(), StreamRequest.of("/" + topic), sink);
    sink.attach(c);
    return sink;
  }

  private static List<String> payloads(RecordingSink s) {
    return s.data().stream().filter(d -> d.startsWith("e") || d.equals("from-cut")).collect(Collectors.toList());
  }

  private static long heartbeats(RecordingSink s) {
    return s.events().stream().filter(e -> e.comment().isPresent()).count();
  }

  @Test
  void streamsStayOpenAndReceiveEverythingPublishedDuringAnOutageInOrderOnce() throws Exception {
    TcpProxy proxy = closeLater(TcpProxy.start("127.0.0.1", 5432));
    String viaProxy = Pg.urlThrough(proxy.port());
    PostgresBroker direct = closeLater(PostgresBroker.builder(Pg.URL).tablePrefix(PREFIX).build());
    PostgresBroker cutOff =
        closeLater(
            PostgresBroker.builder(viaProxy)
                .tablePrefix(PREFIX)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .timeout(Duration.ofSeconds(30))
                .build());
    Hub hub = closeLater(Hub.builder().broker(cutOff).heartbeat(Duration.ofMillis(100)).build());
    String t = "outage-" + UUID.randomUUID();
    RecordingSink s1 = open(hub, t);
    RecordingSink s2 = open(hub, t);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (s1.data().contains("ready") && s2.data().contains("ready")) {
                return true;
              }
              direct.publish(t, Message.of("ready")).toCompletableFuture().join();
              return false;
            });
    List<String> expected = new ArrayList<>();
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("e" + i);
      // the last one through the instance that will be cut, so its writer holds a connection too
      stored.add((i == 19 ? cutOff : direct).publish(t, Message.of("e" + i)).toCompletableFuture().join());
    }
    await().atMost(WAIT).until(() -> payloads(s1).size() == 20 && payloads(s2).size() == 20);
    int connectionsBefore = proxy.accepted();
    assertThat(cutOff.health().up()).isTrue();

    proxy.cut();
    for (int i = 20; i < 70; i++) {
      expected.add("e" + i);
      stored.add(direct.publish(t, Message.of("e" + i)).toCompletableFuture().join());
    }
    // published on the cut instance: its writer finds its connection dead, and the message waits
    // in the queue until the database is back
    CompletableFuture<Message> fromCut = cutOff.publish(t, Message.of("from-cut")).toCompletableFuture();
    long beats = heartbeats(s1);
    await().atMost(WAIT).until(() -> heartbeats(s1) >= beats + 3); // the outage lasts; heartbeats go on
    assertThat(fromCut).isNotDone();
    assertThat(payloads(s1)).hasSize(20);
    // health says down while the connection is lost, naming it, and up once it is back
    await().atMost(WAIT).until(() -> !cutOff.health().up());
    assertThat(cutOff.health().detail()).contains("PostgreSQL connection lost");
    assertThat(direct.health().up()).isTrue();

    proxy.restore();
    expected.add("from-cut");
    stored.add(fromCut.orTimeout(30, TimeUnit.SECONDS).join());
    for (int i = 70; i < 100; i++) {
      expected.add("e" + i);
      stored.add(direct.publish(t, Message.of("e" + i)).toCompletableFuture().join());
    }
    await().atMost(WAIT).until(() -> payloads(s1).size() >= 101 && payloads(s2).size() >= 101);
    await().atMost(WAIT).until(() -> cutOff.health().up());
    List<String> ids = stored.stream().map(m -> m.id().orElseThrow()).collect(Collectors.toList());
    for (RecordingSink s : List.of(s1, s2)) {
      assertThat(s.isClosed()).isFalse();
      assertThat(payloads(s)).containsExactlyElementsOf(expected);
      List<String> got = s.events().stream()
          .filter(e -> e.data().filter(d -> d.startsWith("e") || d.equals("from-cut")).isPresent())
          .map(e -> e.id().orElseThrow())
          .collect(Collectors.toList());
      assertThat(got).containsExactlyElementsOf(ids);
    }
    assertThat(proxy.accepted()).as("reconnected through the proxy").isGreaterThan(connectionsBefore);
    assertThat(hub.streams()).hasSize(2);
  }

  @Test
  void aListenerConnectionTerminatedByTheServerCatchesUpOnReconnect() throws Exception {
    PostgresBroker publisher = closeLater(PostgresBroker.builder(Pg.URL).tablePrefix(PREFIX).build());
    PostgresBroker victim =
        closeLater(
            PostgresBroker.builder(Pg.URL)
                .tablePrefix(PREFIX)
                .reconnectBackoff(Duration.ofMillis(300), Duration.ofMillis(600))
                .build());
    // the listener's backend, found by its last statement (LISTEN on its private channel)
    int pid;
    try (java.sql.Connection c = Pg.connect();
        java.sql.PreparedStatement st =
            c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE query = ?")) {
      st.setString(1, "LISTEN " + victim.wakeChannel());
      try (java.sql.ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).as("the listener's backend is visible").isTrue();
        pid = rs.getInt(1);
      }
    }
    String t = "terminated-" + UUID.randomUUID();
    List<Message> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    closeLater(victim.subscribe(t, (topic, m) -> got.add(m)));
    List<Message> sent = new ArrayList<>();
    sent.add(publisher.publish(t, Message.of("before")).toCompletableFuture().join());
    await().atMost(WAIT).until(() -> got.size() == 1);
    try (java.sql.Connection c = Pg.connect();
        java.sql.PreparedStatement st = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      st.setInt(1, pid);
      st.execute();
    }
    for (int i = 0; i < 30; i++) {
      sent.add(publisher.publish(t, Message.of("during-" + i)).toCompletableFuture().join());
    }
    await().atMost(WAIT).until(() -> got.size() >= sent.size());
    assertThat(got).containsExactlyElementsOf(sent);
  }

  @Test
  void publishFailsWithATimeoutWhenTheDatabaseStaysUnreachable() throws Exception {
    TcpProxy proxy = closeLater(TcpProxy.start("127.0.0.1", 5432));
    String viaProxy = Pg.urlThrough(proxy.port());
    PostgresBroker cutOff =
        closeLater(
            PostgresBroker.builder(viaProxy)
                .tablePrefix(PREFIX)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .timeout(Duration.ofMillis(800))
                .build());
    proxy.cut();
    CompletableFuture<Message> f = cutOff.publish("never-" + UUID.randomUUID(), Message.of("x")).toCompletableFuture();
    await().atMost(WAIT).until(f::isDone);
    assertThat(f).isCompletedExceptionally();
    assertThat(f.handle((m, e) -> e).join())
        .isInstanceOf(java.util.concurrent.TimeoutException.class)
        .hasMessageContaining("unreachable");
  }
}
