package org.ssekit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.ssekit.Event;
import org.ssekit.Hub;
import org.ssekit.client.SseException;
import org.ssekit.servlet.SseRouter;

/**
 * What the starter does on a real server, run against each container by a subclass annotated
 * {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} (with application.properties: a stream at
 * /sse/{topic}, the publish endpoint with token s3cret, Actuator health and metrics exposed).
 */
abstract class StarterContract {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort int port;
  @Autowired Hub hub;
  @Autowired SseRouter router;
  @Autowired ApplicationContext context;

  /** The simple name of the web server class the subclass expects, e.g. {@code TomcatWebServer}. */
  abstract String webServer();

  /** Properties that select the subclass's container in an application started by a test. */
  abstract String[] containerProperties();

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url(path))));
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  HttpResponse<String> publish(String topic, String json, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url("/api/topics/" + topic + "/events")))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  @Test
  void runsOnTheExpectedContainer() {
    assertThat(((WebServerApplicationContext) context).getWebServer().getClass().getSimpleName())
        .isEqualTo(webServer());
  }

  @Test
  void propertiesAloneServeAStreamOfAnEventPublishedThroughTheInjectedHub() throws Exception {
    try (Streams s = Streams.open(url("/sse/news"))) {
      hub.publish("news", Event.of("headline", "ssekit on Boot"));
      var e = s.next();
      assertThat(e.type()).isEqualTo("headline");
      assertThat(e.data()).isEqualTo("ssekit on Boot");
    }
  }

  @Test
  void publishEndpointRefusesWithoutTheTokenAndPublishesWithIt() throws Exception {
    try (Streams s = Streams.open(url("/sse/orders"))) {
      assertThat(publish("orders", "{\"data\":\"no\"}", null).statusCode()).isEqualTo(401);
      assertThat(publish("orders", "{\"data\":\"no\"}", "wrong").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = publish("orders", "{\"data\":\"order 7\",\"event\":\"created\"}", "s3cret");
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
      var e = s.next();
      assertThat(e.type()).isEqualTo("created");
      assertThat(e.data()).isEqualTo("order 7");
    }
  }

  @Test
  void beanDefinedStreamAnswersItsAdaptersRejection() throws Exception {
    HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(url("/secure/vault")))
        .header("Accept", "text/event-stream"));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("a key is needed");

    try (Streams s = Streams.open(url("/secure/vault"), "X-Key", "open-sesame")) {
      hub.publish("vault", Event.of("gold"));
      assertThat(s.next().data()).isEqualTo("gold");
    }
  }

  @Test
  void theSpringSecurityUserIsTheStreamsPrincipalForAdaptersAndSendToUser() throws Exception {
    HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(url("/me/inbox")))
        .header("Accept", "text/event-stream"));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("alice:wonderland".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (Streams s = Streams.open(url("/me/inbox"), "Authorization", basic)) {
      var hello = s.next();
      assertThat(hello.type()).isEqualTo("hello");
      assertThat(hello.data()).isEqualTo("alice");
      assertThat(hub.sendToUser("alice", Event.of("for alice only"))).isEqualTo(1);
      assertThat(s.next().data()).isEqualTo("for alice only");
    }
  }

  @Test
  void metricsShowTheLiveCountOfOpenStreams() throws Exception {
    List<Streams> open = new ArrayList<>();
    try {
      open.add(Streams.open(url("/sse/metrics-a")));
      open.add(Streams.open(url("/sse/metrics-b")));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        double shown = getJson("/actuator/metrics/ssekit.streams.open").at("/measurements/0/value").asDouble();
        assertThat(shown).isGreaterThanOrEqualTo(2).isEqualTo((double) hub.streamCount());
      });
      JsonNode names = getJson("/actuator/metrics").get("names");
      assertThat(names.toString()).contains("ssekit.streams.opened", "ssekit.events.published", "ssekit.publish.rejected");
    } finally {
      open.forEach(Streams::close);
    }
  }

  @Test
  void healthShowsSsekitUpWithTheOpenStreams() throws Exception {
    try (Streams s = Streams.open(url("/sse/health"))) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode ssekit = getJson("/actuator/health").at("/components/ssekit");
        assertThat(ssekit.get("status").asText()).isEqualTo("UP");
        assertThat(ssekit.at("/details/openStreams").asInt()).isGreaterThanOrEqualTo(1).isEqualTo(router.openStreams());
        assertThat(ssekit.at("/details/broker").asText()).isEqualTo("InMemoryBroker");
      });
    }
  }

  @Test
  void streamsAreTaggedWithTheirPathTemplateInHttpServerRequests() throws Exception {
    try (Streams s = Streams.open(url("/sse/tagged"))) {
      hub.publish("tagged", Event.of("x"));
      s.next();
    }
    // the timer records when the response completes: the server sees the client gone at the next heartbeat (1 s)
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      HttpResponse<String> r = send(HttpRequest.newBuilder(
          URI.create(url("/actuator/metrics/http.server.requests?tag=uri:/sse/%7Btopic%7D"))));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);
    });
  }

  double activeRequests() throws Exception {
    for (JsonNode m : getJson("/actuator/metrics/http.server.requests.active").get("measurements")) {
      if (m.get("statistic").asText().equals("ACTIVE_TASKS")) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no ACTIVE_TASKS measurement");
  }

  @Test
  void anObservationPredicateKeepsStreamsOutOfTheActiveRequests() throws Exception {
    // the metrics request itself is active while it is answered: 1 with only the untracked stream open
    try (Streams untracked = Streams.open(url("/sse/untracked"))) {
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(activeRequests()).isEqualTo(1));
      try (Streams tracked = Streams.open(url("/sse/tracked"))) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(activeRequests()).isEqualTo(2));
      }
    }
  }

  @Test
  void shutdownWithOpenStreamsEndsThemCleanlyWellBeforeTheGracefulTimeout() throws Exception {
    List<String> props = new ArrayList<>(List.of("server.port=0", "server.shutdown=graceful"));
    props.addAll(List.of(containerProperties()));
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(TestApp.class).properties(props.toArray(String[]::new)).run();
    int appPort = ((WebServerApplicationContext) app).getWebServer().getPort();
    List<Streams> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(Streams.open("http://127.0.0.1:" + appPort + "/sse/bye"));
      }
      Hub appHub = app.getBean(Hub.class);
      appHub.publish("bye", Event.of("last words"));
      for (Streams s : open) {
        assertThat(s.next().data()).isEqualTo("last words");
      }
      long start = System.nanoTime();
      app.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.println("shutdown with 3 open streams on " + webServer() + " took " + took.toMillis() + " ms");
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      for (Streams s : open) {
        SseException end = s.nextError(Duration.ofSeconds(5));
        assertThat(end.kind()).as(end.toString()).isEqualTo(SseException.Kind.END_OF_STREAM);
      }
      assertThat(appHub.streamCount()).isZero();
    } finally {
      open.forEach(Streams::close);
      app.close();
    }
  }
}
