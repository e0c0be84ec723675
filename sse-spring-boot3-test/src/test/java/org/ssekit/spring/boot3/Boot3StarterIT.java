package org.ssekit.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.SpringVersion;
import org.ssekit.Hub;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;

/** The starter, built on Spring Boot 4, on Spring Boot 3.5's Tomcat: stream, publish, health, metrics. */
@SpringBootTest(classes = Boot3StarterIT.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class Boot3StarterIT {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired Hub hub;

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode json(String path) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url(path))));
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void streamsPublishesAndReportsHealthAndMetricsOnBoot3Tomcat() throws Exception {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
    assertThat(SpringVersion.getVersion()).startsWith("6.2.");
    assertThat(ServerInfo.getServerNumber()).startsWith("10.1.");
    BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
    try (SseClient client = SseClient.builder(url("/sse/boot3")).onAnyEvent(events::add).build().start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> hub.streamCount("boot3") == 1);

      HttpRequest.Builder publish = HttpRequest.newBuilder(URI.create(url("/api/topics/boot3/events")))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"hello boot 3\",\"event\":\"greeting\"}"));
      assertThat(send(publish).statusCode()).isEqualTo(401);
      HttpResponse<String> ok = send(publish.header("Authorization", "Bearer s3cret"));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
      MessageEvent e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).isNotNull();
      assertThat(e.type()).isEqualTo("greeting");
      assertThat(e.data()).isEqualTo("hello boot 3");

      JsonNode ssekit = json("/actuator/health").at("/components/ssekit");
      assertThat(ssekit.get("status").asText()).isEqualTo("UP");
      assertThat(ssekit.at("/details/openStreams").asInt()).isEqualTo(1);
      assertThat(json("/actuator/metrics/ssekit.streams.open").at("/measurements/0/value").asDouble()).isEqualTo(1.0);
      assertThat(json("/actuator/metrics/ssekit.publish.rejected").at("/measurements/0/value").asDouble()).isEqualTo(1.0);
    }
  }
}
