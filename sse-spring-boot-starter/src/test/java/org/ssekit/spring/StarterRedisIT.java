package org.ssekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.broker.Broker;
import org.ssekit.redis.RedisBroker;
import org.ssekit.testkit.BrokerAvailability;

/** A context whose broker comes from {@code ssekit.broker.url=redis://…}; skipped without Redis. */
class StarterRedisIT {

  @Test
  void brokerUrlBacksTheHubWithRedisAndHealthReportsIt() throws Exception {
    BrokerAvailability.assumeReachable("Redis", "127.0.0.1", 6379);
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApp.class)
        .properties("server.port=0", "ssekit.broker.url=redis://127.0.0.1:6379",
            "spring.autoconfigure.exclude=" + StarterTomcatIT.JETTY)
        .run()) {
      assertThat(app.getBean(Broker.class)).isInstanceOf(RedisBroker.class);
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      String topic = "starter-" + UUID.randomUUID();
      try (Streams s = Streams.open("http://127.0.0.1:" + port + "/sse/" + topic)) {
        app.getBean(Hub.class).publish(topic, Event.of("through redis"));
        var e = s.next();
        assertThat(e.data()).isEqualTo("through redis");
        assertThat(e.lastEventId()).as("an id from the Redis stream history").isNotEmpty();
      }
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode ssekit = new ObjectMapper().readTree(health.body()).at("/components/ssekit");
      assertThat(ssekit.get("status").asText()).as(health.body()).isEqualTo("UP");
      assertThat(ssekit.at("/details/broker").asText()).isEqualTo("RedisBroker");
    }
  }
}
