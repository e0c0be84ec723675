package org.ssekit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ssekit.broker.Message;
import org.ssekit.broker.Subscriber;

/** Consumer groups: work that must run once per message across instances. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PostgresConsumerGroupIT {

  private static final String PREFIX = Pg.uniquePrefix();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void requirePostgres() {
    Pg.assumeReachable();
  }

  @AfterAll
  static void dropTables() throws SQLException {
    Pg.drop(PREFIX);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  private PostgresBroker broker() {
    PostgresBroker b = PostgresBroker.builder(Pg.URL).tablePrefix(PREFIX).build();
    resources.add(b);
    return b;
  }

  private <T extends AutoCloseable> T closeFirst(T r) {
    resources.add(0, r);
    return r;
  }

  private static void publish(PostgresBroker b, String topic, String data) {
    b.publish(topic, Message.of(data)).toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  @Test
  void membersOnTwoInstancesHandleEachMessageOnceWhileEveryInstanceSeesAll() {
    PostgresBroker a = broker();
    PostgresBroker b = broker();
    String t = "views-" + UUID.randomUUID();
    Map<String, AtomicInteger> counted = new ConcurrentHashMap<>();
    List<String> byA = new CopyOnWriteArrayList<>();
    List<String> byB = new CopyOnWriteArrayList<>();
    closeFirst(a.subscribeGroup(t, "count-views", (topic, m) -> {
      byA.add(m.payloadAsString());
      counted.computeIfAbsent(m.payloadAsString(), k -> new AtomicInteger()).incrementAndGet();
    }));
    closeFirst(b.subscribeGroup(t, "count-views", (topic, m) -> {
      byB.add(m.payloadAsString());
      counted.computeIfAbsent(m.payloadAsString(), k -> new AtomicInteger()).incrementAndGet();
    }));
    List<String> seenByA = new CopyOnWriteArrayList<>();
    List<String> seenByB = new CopyOnWriteArrayList<>();
    closeFirst(a.subscribe(t, (topic, m) -> seenByA.add(m.payloadAsString())));
    closeFirst(b.subscribe(t, (topic, m) -> seenByB.add(m.payloadAsString())));
    List<String> sent = IntStream.range(0, 300).mapToObj(i -> "v" + i).collect(Collectors.toList());
    for (int i = 0; i < sent.size(); i++) {
      publish(i % 2 == 0 ? a : b, t, sent.get(i));
    }
    await().atMost(WAIT).until(() -> counted.size() == sent.size() && seenByA.size() == 300 && seenByB.size() == 300);
    assertThat(counted.keySet()).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(counted.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(byA.size() + byB.size()).isEqualTo(300);
    // each member handles in log order
    assertThat(byA).isEqualTo(sent.stream().filter(byA::contains).collect(Collectors.toList()));
    assertThat(byB).isEqualTo(sent.stream().filter(byB::contains).collect(Collectors.toList()));
    assertThat(seenByA).containsExactlyElementsOf(sent);
    assertThat(seenByB).containsExactlyElementsOf(sent);
  }

  @Test
  void aNewGroupStartsAtTheEndAndAnotherGroupGetsEverythingToo() {
    PostgresBroker a = broker();
    String t = "groups-" + UUID.randomUUID();
    publish(a, t, "before");
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    closeFirst(a.subscribeGroup(t, "first", (topic, m) -> first.add(m.payloadAsString())));
    closeFirst(a.subscribeGroup(t, "second", (topic, m) -> second.add(m.payloadAsString())));
    publish(a, t, "x1");
    publish(a, t, "x2");
    await().atMost(WAIT).until(() -> first.size() == 2 && second.size() == 2);
    assertThat(first).containsExactly("x1", "x2");
    assertThat(second).containsExactly("x1", "x2");
  }

  @Test
  void whenAMemberLeavesTheOtherGoesOnFromTheGroupsPosition() {
    PostgresBroker a = broker();
    PostgresBroker b = broker();
    String t = "failover-" + UUID.randomUUID();
    List<String> handled = new CopyOnWriteArrayList<>();
    Subscriber.Subscription onA = a.subscribeGroup(t, "g", (topic, m) -> handled.add("a:" + m.payloadAsString()));
    publish(a, t, "m0");
    await().atMost(WAIT).until(() -> handled.size() == 1);
    onA.close();
    publish(a, t, "m1"); // no member now: the group keeps its position
    closeFirst(b.subscribeGroup(t, "g", (topic, m) -> handled.add("b:" + m.payloadAsString())));
    publish(b, t, "m2");
    await().atMost(WAIT).until(() -> handled.size() == 3);
    assertThat(handled).containsExactly("a:m0", "b:m1", "b:m2");
  }
}
