package org.ssekit.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.ssekit.Hub;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;
import org.ssekit.servlet.tomcat.CompactHttp11NioProtocol;

/** {@code ssekit.tomcat.compact-buffers=true} on Spring Boot 3.5's Tomcat 10.1: the protocol is set and streams work. */
@SpringBootTest(
    classes = Boot3StarterIT.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "ssekit.tomcat.compact-buffers=true")
class Boot3CompactTomcatIT {

  @LocalServerPort int port;
  @Autowired Hub hub;
  @Autowired ServletWebServerApplicationContext context;

  @Test
  void theConnectorRunsOnTheCompactProtocolAndStreams() throws Exception {
    TomcatWebServer server = (TomcatWebServer) context.getWebServer();
    assertThat(server.getTomcat().getService().findConnectors()[0].getProtocolHandler()).isInstanceOf(CompactHttp11NioProtocol.class);

    BlockingQueue<MessageEvent> events = new LinkedBlockingQueue<>();
    String base = "http://127.0.0.1:" + port;
    try (SseClient client = SseClient.builder(base + "/sse/compact").onAnyEvent(events::add).build().start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> hub.streamCount("compact") == 1);
      String big = "x".repeat(20_000); // larger than the 1 KB servlet buffer
      HttpResponse<String> ok = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/api/topics/compact/events"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer s3cret")
              .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + big + "\"}"))
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
      MessageEvent e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).isNotNull();
      assertThat(e.data()).isEqualTo(big);
    }
  }
}
