package org.ssekit.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ssekit.broker.Broker;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;
import org.ssekit.nats.NatsBroker;
import org.ssekit.postgres.PostgresBroker;
import org.ssekit.redis.RedisBroker;
import org.ssekit.testkit.BrokerAvailability;

/**
 * Two hubs on one real broker form one Mercure hub: publish on one, receive on the other, resume on
 * either, see the other's subscribers. Skipped with a message when the broker is not running
 * (failing instead under {@code SSEKIT_REQUIRE_BROKERS=1}).
 */
class MercureClusterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL = Tokens.released(Tokens.SECRET, List.of("*"), List.of("*"));
  private final List<AutoCloseable> closeables = new ArrayList<>();

  static Stream<Arguments> brokers() {
    return Stream.of(
        Arguments.of("Redis", 6379, (Supplier<Broker>) () -> RedisBroker.create("redis://127.0.0.1:6379")),
        Arguments.of("NATS", 4222, (Supplier<Broker>) () -> NatsBroker.create("nats://127.0.0.1:4222")),
        Arguments.of("PostgreSQL", 5432, (Supplier<Broker>) () -> PostgresBroker.create("postgresql://postgres@127.0.0.1:5432/test")));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private MercureServer hub(Supplier<Broker> brokers, String topic) throws Exception {
    Broker broker = brokers.get();
    closeables.add(broker);
    MercureServer s =
        MercureServer.start(
            MercureHub.builder()
                .jwtKey("HS256", Tokens.SECRET)
                .broker(broker)
                .topic(topic)
                .anonymous(true)
                .subscriptions(true)
                .heartbeat(Duration.ofMillis(300))
                .build());
    closeables.add(s);
    return s;
  }

  private List<MessageEvent> subscribe(String url, String lastEventId) {
    List<MessageEvent> events = new CopyOnWriteArrayList<>();
    List<Integer> open = new CopyOnWriteArrayList<>();
    SseClient.Builder b =
        SseClient.builder(url)
            .header("Authorization", "Bearer " + ALL)
            .onAnyEvent(events::add)
            .listener(
                new org.ssekit.client.ConnectionListener() {
                  @Override
                  public void onOpen(java.net.http.HttpResponse.ResponseInfo r) {
                    open.add(r.statusCode());
                  }
                });
    if (lastEventId != null) {
      b.lastEventId(lastEventId);
    }
    SseClient c = b.build().start();
    closeables.add(c);
    await().atMost(Duration.ofSeconds(10)).until(() -> open.contains(200));
    return events;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokers")
  void twoHubsOnOneBrokerShareUpdatesHistoryAndSubscribers(String name, int port, Supplier<Broker> brokers) throws Exception {
    BrokerAvailability.assumeReachable(name, "127.0.0.1", port);
    String topic = "mercure-it-" + UUID.randomUUID();
    MercureServer a = hub(brokers, topic);
    MercureServer b = hub(brokers, topic);

    List<MessageEvent> onB = subscribe(b.subscribeUrl("topic", "https://example.com/books/{id}"), null);
    for (int i = 1; i <= 3; i++) {
      HttpResponse<String> r = a.post(ALL, MercureServer.form("topic", "https://example.com/books/" + i, "id", "c" + i, "data", "d" + i));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() >= 3);
    assertThat(onB).extracting(MessageEvent::lastEventId).containsExactly("c1", "c2", "c3");

    // resume on the other instance, and on the publishing one, from the broker's history
    List<MessageEvent> resumedOnB = subscribe(b.subscribeUrl("topic", "https://example.com/books/{id}"), "c1");
    List<MessageEvent> resumedOnA = subscribe(a.subscribeUrl("topic", "https://example.com/books/{id}"), "c2");
    HttpResponse<String> r = b.post(ALL, MercureServer.form("topic", "https://example.com/books/4", "id", "c4", "data", "d4"));
    assertThat(r.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> resumedOnB.size() >= 3 && resumedOnA.size() >= 2);
    assertThat(resumedOnB).extracting(MessageEvent::lastEventId).containsExactly("c2", "c3", "c4");
    assertThat(resumedOnA).extracting(MessageEvent::lastEventId).containsExactly("c3", "c4");

    // a hub that starts later learns the ids from the history: resuming on it works at once
    MercureServer c = hub(brokers, topic);
    List<MessageEvent> resumedOnC = subscribe(c.subscribeUrl("topic", "https://example.com/books/{id}"), "c3");
    await().atMost(Duration.ofSeconds(10)).until(() -> resumedOnC.size() >= 1);
    assertThat(resumedOnC).extracting(MessageEvent::lastEventId).containsExactly("c4");
    assertThat(c.post(ALL, MercureServer.form("topic", "x", "id", "c1")).statusCode()).isEqualTo(409);

    // an id published on one instance is refused on the other
    await().atMost(Duration.ofSeconds(10)).until(() -> a.post(ALL, MercureServer.form("topic", "x", "id", "c4")).statusCode() == 409);

    // the subscriptions API of one instance lists the subscribers of both
    await().atMost(Duration.ofSeconds(10))
        .until(() -> JSON.readTree(a.get(a.url() + "/subscriptions", Map.of("Authorization", "Bearer " + ALL)).body()).path("subscriptions").size() == 4);
  }
}
