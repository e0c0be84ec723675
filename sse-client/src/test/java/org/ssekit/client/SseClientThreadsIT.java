package org.ssekit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The default scheduler and HttpClient belong to the clients that use them: they live while one of
 * them is open and their threads end when the last one closes, so nothing is left to pin a class
 * loader after an application closed its clients.
 */
class SseClientThreadsIT {

  private static final String PREFIX = "ssekit-sse-client-";

  private final TestSseServer server = TestSseServer.start();
  private final List<SseClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(SseClient::close);
    server.close();
  }

  private SseClient start(Recorder rec, String name) {
    SseClient c =
        rec.attach(SseClient.builder(server.uri("/events")).header("X-Client", name).jitter(0))
            .initialDelay(Duration.ofMillis(100))
            .build();
    clients.add(c);
    return c.start();
  }

  @Test
  void theDefaultThreadsEndWhenTheLastClientCloses() {
    List<Recorder> recs = List.of(new Recorder(), new Recorder(), new Recorder());
    List<SseClient> three = List.of(start(recs.get(0), "c0"), start(recs.get(1), "c1"), start(recs.get(2), "c2"));
    List<TestSseServer.Stream> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      streams.add(server.awaitStream().send("data: hi\n\n"));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> recs.stream().allMatch(r -> r.events().size() == 1));
    assertThat(clientThreads()).anyMatch(n -> n.startsWith(PREFIX + "http-"));

    three.get(0).close();
    three.get(1).close();
    // the third still has a working scheduler and HttpClient: it reconnects after a drop
    Recorder last = recs.get(2);
    streams.stream().filter(s -> s.header("X-Client").equals("c2")).findFirst().orElseThrow().close();
    server.awaitStream().send("data: again\n\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> last.events().contains("event:message:again:"));
    assertThat(clientThreads()).contains(PREFIX + "scheduler"); // started by the reconnect delay

    three.get(2).close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(clientThreads()).as("threads left after every client closed").isEmpty());
    assertThat(SseClient.Defaults.SCHEDULER.users()).isZero();
    assertThat(SseClient.Defaults.HTTP_CLIENT.users()).isZero();
  }

  @Test
  void aClientStartedAfterwardsGetsNewThreadsAndAStopOnNoContentReleasesThem() {
    Recorder first = new Recorder();
    start(first, "first").close();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clientThreads()).isEmpty());

    Recorder second = new Recorder();
    SseClient client = start(second, "second");
    TestSseServer.Stream stream = server.awaitStream().send("data: works\n\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> second.events().contains("event:message:works:"));
    server.reply(204, "", ""); // the reconnection is told not to come back: the client stops by itself
    stream.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> client.state() == SseClient.State.CLOSED);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clientThreads()).isEmpty());
  }

  @Test
  void aClientClosedBeforeItStartedTakesNoThreads() {
    SseClient c = SseClient.builder(server.uri("/events")).build();
    c.close();
    c.start();
    assertThat(c.state()).isEqualTo(SseClient.State.CLOSED);
    assertThat(SseClient.Defaults.SCHEDULER.users()).isZero();
    assertThat(SseClient.Defaults.HTTP_CLIENT.users()).isZero();
  }

  private static List<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(PREFIX))
        .toList();
  }
}
