package org.ssekit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;

/** What the compatibility kit does not cover: limits, large payloads, concurrency, pruning. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostgresBrokerIT {

  private static final String PREFIX = Pg.uniquePrefix();
  private static final Duration WAIT = Duration.ofSeconds(20);

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

  private PostgresBroker broker(PostgresBroker.Builder b) {
    PostgresBroker broker = b.tablePrefix(PREFIX).build();
    resources.add(broker);
    return broker;
  }

  private PostgresBroker broker() {
    return broker(PostgresBroker.builder(Pg.URL));
  }

  private static String topic(String name) {
    return name + "-" + UUID.randomUUID();
  }

  private static Message join(java.util.concurrent.CompletionStage<Message> stage) {
    return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  private static long id(Message m) {
    return Long.parseLong(m.id().orElseThrow());
  }

  private List<Message> record(PostgresBroker b, String topic) {
    List<Message> got = new CopyOnWriteArrayList<>();
    Subscriber.Subscription s = b.subscribe(topic, (t, m) -> got.add(m));
    resources.add(0, s);
    return got;
  }

  @Test
  void rejectsAPayloadOverTheLimitNamingTheLimit() {
    PostgresBroker b = broker(PostgresBroker.builder(Pg.URL).maxPayloadBytes(1000));
    CompletableFuture<Message> f = b.publish(topic("limit"), Message.of(new byte[1001], Map.of())).toCompletableFuture();
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1001 bytes")
        .hasMessageContaining("maxPayloadBytes limit of 1000 bytes");
    assertThat(join(b.publish(topic("limit"), Message.of(new byte[1000], Map.of()))).id()).isPresent();
  }

  @Test
  void deliversPayloadsBeyondTheNotifyLimitByReadingTheRow() {
    PostgresBroker a = broker();
    PostgresBroker b = broker();
    String t = topic("large");
    List<Message> got = record(b, t);
    byte[] big = new byte[200_000];
    new Random(7).nextBytes(big);
    Map<String, String> meta = Map.of(Message.EVENT, "blob", "x-nul", "a\u0000b");
    Message small = join(a.publish(t, Message.of("small")));
    Message stored = join(a.publish(t, Message.of(big, meta)));
    Message after = join(a.publish(t, Message.of("after")));
    await().atMost(WAIT).until(() -> got.size() >= 3);
    assertThat(got).containsExactly(small, stored, after);
    assertThat(got.get(1).payload()).isEqualTo(big);
    assertThat(got.get(1).metadata()).isEqualTo(meta);
    EventLog.Replay r = b.history().orElseThrow().readAfter(t, small.id().orElseThrow(), 10);
    assertThat(r.complete()).isTrue();
    assertThat(r.messages()).containsExactly(stored, after);
  }

  @Test
  void concurrentPublishersOnTwoInstancesAreDeliveredEverywhereInLogOrder() throws Exception {
    PostgresBroker a = broker();
    PostgresBroker b = broker();
    PostgresBroker c = broker();
    String t = topic("concurrent");
    List<Message> onA = record(a, t);
    List<Message> onC = record(c, t);
    int perThread = 150;
    List<Thread> threads = new ArrayList<>();
    List<CompletableFuture<Message>> futures = new CopyOnWriteArrayList<>();
    for (int k = 0; k < 4; k++) {
      PostgresBroker via = k % 2 == 0 ? a : b;
      String name = "p" + k;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  futures.add(via.publish(t, Message.of(name + ":" + i)).toCompletableFuture());
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join();
    }
    futures.forEach(f -> f.orTimeout(20, TimeUnit.SECONDS).join());
    int total = 4 * perThread;
    await().atMost(WAIT).until(() -> onA.size() >= total && onC.size() >= total);
    assertThat(onA).hasSize(total);
    assertThat(onC).containsExactlyElementsOf(onA);
    List<Long> ids = onA.stream().map(PostgresBrokerIT::id).collect(Collectors.toList());
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    for (int k = 0; k < 4; k++) {
      String name = "p" + k + ":";
      List<String> mine =
          onA.stream().map(Message::payloadAsString).filter(s -> s.startsWith(name)).collect(Collectors.toList());
      assertThat(mine).containsExactlyElementsOf(
          java.util.stream.IntStream.range(0, perThread).mapToObj(i -> name + i).collect(Collectors.toList()));
    }
    Message first = onA.get(0);
    EventLog.Replay r = c.history().orElseThrow().readAfter(t, first.id().orElseThrow(), total);
    assertThat(r.complete()).isTrue();
    assertThat(r.messages()).containsExactlyElementsOf(onA.subList(1, total));
  }

  @Test
  void instancesPublishingToTheSameTopicsInOppositeOrdersNeitherDeadlockNorReorder() throws Exception {
    PostgresBroker a = broker();
    PostgresBroker b = broker();
    String x = topic("x");
    String y = topic("y");
    List<Message> xs = record(a, x);
    List<Message> ys = record(b, y);
    List<CompletableFuture<Message>> futures = new CopyOnWriteArrayList<>();
    Thread ta =
        new Thread(
            () -> {
              for (int i = 0; i < 200; i++) {
                futures.add(a.publish(i % 2 == 0 ? x : y, Message.of("a" + i)).toCompletableFuture());
              }
            });
    Thread tb =
        new Thread(
            () -> {
              for (int i = 0; i < 200; i++) {
                futures.add(b.publish(i % 2 == 0 ? y : x, Message.of("b" + i)).toCompletableFuture());
              }
            });
    ta.start();
    tb.start();
    ta.join();
    tb.join();
    futures.forEach(f -> f.orTimeout(20, TimeUnit.SECONDS).join());
    await().atMost(WAIT).until(() -> xs.size() >= 200 && ys.size() >= 200);
    assertThat(xs).hasSize(200);
    assertThat(ys).hasSize(200);
    assertThat(xs.stream().map(PostgresBrokerIT::id).collect(Collectors.toList())).isSorted().doesNotHaveDuplicates();
    assertThat(ys.stream().map(PostgresBrokerIT::id).collect(Collectors.toList())).isSorted().doesNotHaveDuplicates();
    assertThat(xs.stream().map(Message::payloadAsString).filter(p -> p.startsWith("a")).collect(Collectors.toList()))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, 200).filter(i -> i % 2 == 0).mapToObj(i -> "a" + i).collect(Collectors.toList()));
  }

  @Test
  void prunesATopicToItsNewestMaxEvents() {
    PostgresBroker b = broker(PostgresBroker.builder(Pg.URL).history(5, Duration.ofMinutes(15)).pruneInterval(Duration.ofHours(1)));
    String t = topic("trim");
    String other = topic("trim-other");
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      stored.add(join(b.publish(t, Message.of("m" + i))));
    }
    join(b.publish(other, Message.of("o")));
    EventLog log = b.history().orElseThrow();
    assertThat(log.readAfter(t, stored.get(0).id().orElseThrow(), 100).complete()).isTrue();
    b.pruneNow().orTimeout(20, TimeUnit.SECONDS).join();
    EventLog.Replay gap = log.readAfter(t, stored.get(0).id().orElseThrow(), 100);
    assertThat(gap.complete()).isFalse();
    assertThat(gap.messages()).containsExactlyElementsOf(stored.subList(15, 20));
    EventLog.Replay kept = log.readAfter(t, stored.get(15).id().orElseThrow(), 100);
    assertThat(kept.complete()).isTrue();
    assertThat(kept.messages()).containsExactlyElementsOf(stored.subList(16, 20));
    assertThat(log.readAfter(other, "0", 10).messages()).extracting(Message::payloadAsString).containsExactly("o");
  }

  @Test
  void prunesMessagesOlderThanMaxAge() {
    PostgresBroker b =
        broker(PostgresBroker.builder(Pg.URL).history(1_000, Duration.ofMillis(300)).pruneInterval(Duration.ofHours(1)));
    String t = topic("age");
    Message old = join(b.publish(t, Message.of("old")));
    Message next = join(b.publish(t, Message.of("next")));
    EventLog log = b.history().orElseThrow();
    assertThat(log.readAfter(t, old.id().orElseThrow(), 10).messages()).containsExactly(next);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              b.pruneNow().orTimeout(20, TimeUnit.SECONDS).join();
              return log.readAfter(t, old.id().orElseThrow(), 10).messages().isEmpty();
            });
    assertThat(log.readAfter(t, old.id().orElseThrow(), 10).complete()).isFalse();
  }

  @Test
  void readAfterAnIdThatIsNotOursReportsAGapWithTheNewest() {
    PostgresBroker b = broker();
    String t = topic("foreign");
    List<Message> stored = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      stored.add(join(b.publish(t, Message.of("f" + i))));
    }
    EventLog log = b.history().orElseThrow();
    EventLog.Replay r = log.readAfter(t, "abc-1", 3);
    assertThat(r.complete()).isFalse();
    assertThat(r.messages()).containsExactlyElementsOf(stored.subList(1, 4));
    // an id of another topic is not a position in this one
    String other = topic("foreign-other");
    Message elsewhere = join(b.publish(other, Message.of("x")));
    assertThat(log.readAfter(t, elsewhere.id().orElseThrow(), 10).complete()).isFalse();
    assertThat(log.readAfter(t, stored.get(1).id().orElseThrow(), 0)).isEqualTo(new EventLog.Replay(List.of(), false));
    assertThat(log.readAfter(t, stored.get(3).id().orElseThrow(), 0)).isEqualTo(new EventLog.Replay(List.of(), true));
  }

  @Test
  void appendStoresThroughTheLogAndIsDeliveredLive() {
    PostgresBroker a = broker();
    PostgresBroker b = broker();
    String t = topic("append");
    List<Message> got = record(b, t);
    Message m = a.history().orElseThrow().append(t, Message.of("appended").withId("client-chosen"));
    assertThat(m.id()).contains("client-chosen"); // a unique id the message brings is kept
    await().atMost(WAIT).until(() -> got.size() == 1);
    assertThat(got).containsExactly(m);
    // a second "client-chosen" is refused with DuplicateIdException: the compatibility kit's contract
    assertThatThrownBy(() -> a.publish(t, Message.of("alias").withId("17")).toCompletableFuture().join())
        .cause()
        .isInstanceOf(IllegalArgumentException.class);
    Message next = join(a.publish(t, Message.of("next")));
    assertThat(a.history().orElseThrow().readAfter(t, "client-chosen", 10))
        .isEqualTo(new EventLog.Replay(List.of(next), true));
  }

  @Test
  void worksOnConnectionsFromADataSourceAndWithAsynchronousCommit() throws SQLException {
    java.util.Properties props = new java.util.Properties();
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setURL(PostgresBroker.jdbcUrl(Pg.URL, props));
    ds.setUser(props.getProperty("user", "postgres"));
    if (props.getProperty("password") != null) {
      ds.setPassword(props.getProperty("password"));
    }
    PostgresBroker fromDataSource = broker(PostgresBroker.builder(ds).synchronousCommit(false));
    PostgresBroker other = broker();
    String t = topic("datasource");
    List<Message> got = record(other, t);
    Message m = join(fromDataSource.publish(t, Message.of("via a DataSource")));
    await().atMost(WAIT).until(() -> got.size() == 1);
    assertThat(got).containsExactly(m);
    assertThat(fromDataSource.history().orElseThrow().readAfter(t, m.id().orElseThrow(), 10).complete()).isTrue();
  }

  @Test
  void deploymentsInTwoSchemasWithTheSamePrefixDoNotCrossTalk() throws SQLException {
    String dbSchema = "sset_schema_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (java.sql.Connection c = Pg.connect();
        java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + dbSchema);
    }
    try {
      java.util.Properties props = new java.util.Properties();
      String jdbc = PostgresBroker.jdbcUrl(Pg.URL, props);
      String url = jdbc + (jdbc.contains("?") ? "&" : "?") + "currentSchema=" + dbSchema
          + "&user=" + props.getProperty("user", "postgres")
          + (props.getProperty("password") == null ? "" : "&password=" + props.getProperty("password"));
      // a fresh prefix: both tables start empty, so the first ids and "prev" values coincide
      String prefix = Pg.uniquePrefix();
      PostgresBroker inPublic = PostgresBroker.builder(Pg.URL).tablePrefix(prefix).build();
      resources.add(inPublic);
      resources.add(() -> Pg.drop(prefix));
      PostgresBroker inOther = PostgresBroker.builder(url).tablePrefix(prefix).build();
      resources.add(inOther);
      String t = topic("schemas");
      List<Message> seenInPublic = record(inPublic, t);
      List<Message> seenInOther = record(inOther, t);
      Message p1 = join(inPublic.publish(t, Message.of("public-1")));
      Message o1 = join(inOther.publish(t, Message.of("other-1")));
      Message p2 = join(inPublic.publish(t, Message.of("public-2")));
      await().atMost(WAIT).until(() -> seenInPublic.size() >= 2 && seenInOther.size() >= 1);
      assertThat(seenInPublic).containsExactly(p1, p2);
      assertThat(seenInOther).containsExactly(o1);
      assertThat(o1.id()).isEqualTo(p1.id()); // two tables, two sequences, the same first id
      inOther.close();
    } finally {
      try (java.sql.Connection c = Pg.connect();
          java.sql.Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA " + dbSchema + " CASCADE");
      }
    }
  }

  @Test
  void rejectsTopicsPostgresCannotStore() {
    PostgresBroker b = broker();
    assertThatThrownBy(() -> b.publish("a\u0000b", Message.of("x")).toCompletableFuture().join())
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
    String longTopic = "é".repeat(600);
    assertThatThrownBy(() -> b.publish(longTopic, Message.of("x")).toCompletableFuture().join())
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024");
    assertThatThrownBy(() -> b.subscribe(longTopic, (t, m) -> {})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClosedBrokerRefusesWork() {
    PostgresBroker b = broker();
    b.close();
    assertThatThrownBy(() -> b.publish("t", Message.of("x")).toCompletableFuture().join())
        .cause()
        .isInstanceOf(org.ssekit.broker.BrokerClosedException.class);
    assertThatThrownBy(() -> b.subscribe("t", (t, m) -> {}))
        .isInstanceOf(org.ssekit.broker.BrokerClosedException.class);
    assertThatThrownBy(() -> b.subscribeGroup("t", "g", (t, m) -> {}))
        .isInstanceOf(org.ssekit.broker.BrokerClosedException.class);
    b.close();
  }

  @Test
  void buildFailsFastWhenTheDatabaseIsUnreachable() {
    assertThatThrownBy(
            () -> PostgresBroker.builder("postgresql://postgres@127.0.0.1:1/test").tablePrefix(PREFIX).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(PREFIX + "events");
  }

  @Test
  void aFailingHandlerDoesNotStopDelivery() {
    PostgresBroker b = broker();
    String t = topic("bad-handler");
    List<String> got = new CopyOnWriteArrayList<>();
    Subscriber.Subscription s =
        b.subscribe(
            t,
            (topic, m) -> {
              got.add(m.payloadAsString());
              if (m.payloadAsString().equals("boom")) {
                throw new IllegalStateException("handler failure for the test");
              }
            });
    resources.add(0, s);
    join(b.publish(t, Message.of("boom")));
    join(b.publish(t, Message.of("fine".getBytes(StandardCharsets.UTF_8), Map.of())));
    await().atMost(WAIT).until(() -> got.size() == 2);
    assertThat(got).containsExactly("boom", "fine");
  }
}
