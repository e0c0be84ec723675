package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts the packaged jar as its own process, the way the README tells a user to
 * ({@code java -jar sse-examples-*.jar --port N}), waits until it answers, talks HTTP to it, and
 * stops it.
 */
class PackagedJarIT {

  private static final String TOKEN = "it-" + UUID.randomUUID();
  private static Process process;
  private static Path log;
  private static URI base;
  private static long startMillis;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void startJar() throws Exception {
    Path jar = Path.of(System.getProperty("examples.jar", "target/sse-examples-0.1.0-SNAPSHOT.jar"));
    assertThat(jar).as("the packaged jar (run after mvn package)").isRegularFile();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    base = URI.create("http://127.0.0.1:" + port + "/");
    log = Files.createTempFile("sse-examples-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString(), "--port", String.valueOf(port));
    pb.environment().put("SSEKIT_PUBLISH_TOKEN", TOKEN);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    process = pb.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(ConnectException.class)
        .until(
            () -> {
              assertThat(process.isAlive()).as("the jar exited early:%n%s", Files.readString(log)).isTrue();
              return get("").statusCode() == 200;
            });
    startMillis = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("packaged jar answered after %d ms%n", startMillis);
  }

  @AfterAll
  static void stopJar() throws Exception {
    if (process != null) {
      process.destroy(); // SIGTERM: the shutdown hook stops Jetty and the hub
      boolean exited = process.waitFor(15, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly();
      }
      assertThat(exited).as("the jar stops on SIGTERM").isTrue();
    }
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> publish(String topic, String json, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve("api/topics/" + topic + "/events"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheIndexPageAndTheAssetsFromTheJar() throws Exception {
    HttpResponse<String> index = get("");
    assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
    assertThat(index.body()).contains("href=\"/posts\"", "href=\"/notifications\"", "href=\"/dashboard\"", "href=\"/audit\"");
    assertThat(get(Assets.HTMX.substring(1)).statusCode()).isEqualTo(200);
    assertThat(get(Assets.HTMX_SSE.substring(1)).body()).contains("defineExtension('sse'");
    assertThat(get("static/app.css").body()).contains("@keyframes flash");
    assertThat(index.body()).contains("<link rel=\"icon\" href=\"" + Assets.FAVICON + "\"");
    assertThat(get(Assets.FAVICON.substring(1)).body()).startsWith("<svg");
    HttpResponse<String> ico = get("favicon.ico");
    assertThat(ico.statusCode()).isEqualTo(200);
    assertThat(ico.headers().firstValue("Content-Type")).contains("image/x-icon");
  }

  @Test
  void streamsWhatIsPublishedToATopicAndRequiresTheTokenToPublish() throws Exception {
    String topic = "it-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpResponse<Stream<String>> stream =
        http.send(
            HttpRequest.newBuilder(base.resolve("api/topics/" + topic + "/events")).header("Accept", "text/event-stream").build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    Thread reader = new Thread(() -> readLines(stream, lines), "it-sse-reader");
    reader.setDaemon(true);
    reader.start();
    // the headers arrive after the hub subscribed the stream, so nothing published from now on is missed
    assertThat(publish(topic, "{\"data\":\"nope\"}", null).statusCode()).isEqualTo(401);
    assertThat(publish(topic, "{\"data\":\"nope\"}", "wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> ok = publish(topic, "{\"event\":\"greeting\",\"data\":\"hello\\nworld\"}", TOKEN);
    assertThat(ok.statusCode()).isEqualTo(202);

    await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("data: world"));
    int i = lines.indexOf("event: greeting");
    assertThat(i).isNotNegative();
    assertThat(lines.subList(i, lines.size())).containsSubsequence("event: greeting", "data: hello", "data: world");
    assertThat(lines).doesNotContain("data: nope");
    stream.body().close();
  }

  @Test
  void statsUrlAnswersAPlainGetWithTheFragment() throws Exception {
    HttpResponse<String> stats = get("posts/1/stats");
    assertThat(stats.statusCode()).isEqualTo(200);
    assertThat(stats.body()).contains("data-counter=\"views\"", "data-counter=\"like\"");
    assertThat(get("posts/999/stats").statusCode()).isEqualTo(404);
  }

  @Test
  void logsWhereTheServerListens() throws Exception {
    try (InputStream in = Files.newInputStream(log)) {
      assertThat(new String(in.readAllBytes())).contains(base.toString());
    }
  }

  private static void readLines(HttpResponse<Stream<String>> stream, List<String> lines) {
    try {
      stream.body().forEach(lines::add);
    } catch (java.io.UncheckedIOException e) {
      // the test closed the stream
    }
  }
}
