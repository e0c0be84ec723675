package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private DemoServer server;

  @BeforeEach
  void start() throws Exception {
    server = Main.start(new Options("127.0.0.1", 0, "memory"), Map.of());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesEveryPageAsHtml() throws Exception {
    for (String path : List.of("", "posts", "posts/1", "notifications", "notifications?user=alice", "dashboard", "audit")) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
      assertThat(r.body()).as(path).startsWith("<!DOCTYPE html>");
    }
  }

  @Test
  void answersUnknownThingsWith404AndBadInputWith400() throws Exception {
    assertThat(get("posts/99").statusCode()).isEqualTo(404);
    assertThat(get("posts/abc/stats").statusCode()).isEqualTo(400);
    assertThat(get("static/../Main.class").statusCode()).isEqualTo(404);
    assertThat(get("webjars/htmx.org/" + Assets.HTMX_VERSION + "/package.json").statusCode()).isEqualTo(404);
    assertThat(get("notifications?user=Not%20Valid").statusCode()).isEqualTo(400);
    assertThat(get("notifications/stream").statusCode()).isEqualTo(400);
  }

  @Test
  void aReactionPostedOverHttpReachesTheStatsStreamOfThatPost() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpResponse<Stream<String>> stream =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("posts/2/stats")).header("Accept", "text/event-stream").build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    Thread reader = new Thread(() -> readLines(stream, lines));
    reader.setDaemon(true);
    reader.start();

    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("posts/2/reactions/laugh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(204);

    await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.contains("counter bump") && l.contains("laugh")));
    assertThat(lines).contains("event: stats");
    stream.body().close();
  }

  @Test
  void refusesBrokersThisBuildDoesNotHave() {
    assertThatThrownBy(() -> Main.start(new Options("127.0.0.1", 0, "kafka://localhost:9092"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not supported");
  }

  private static void readLines(HttpResponse<Stream<String>> stream, List<String> lines) {
    try {
      stream.body().forEach(lines::add);
    } catch (java.io.UncheckedIOException e) {
      // the test closed the stream
    }
  }
}
