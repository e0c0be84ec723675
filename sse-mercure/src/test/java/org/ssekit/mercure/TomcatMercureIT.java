package org.ssekit.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;

/**
 * The same hub servlet in embedded Tomcat 11 (its own JVM: Tomcat brings the Servlet 6.1 API):
 * subscribe, publish, private updates, resume and the subscriptions API with encoded slashes.
 */
class TomcatMercureIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ALL = Tokens.released(Tokens.SECRET, List.of("*"), List.of("*"));
  private Tomcat tomcat;
  private MercureHub hub;
  private String base;
  private final List<SseClient> clients = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    hub = MercureHub.builder().jwtKey("HS256", Tokens.SECRET).anonymous(true).subscriptions(true).build();
    Path dir = Files.createTempDirectory("tomcat-mercure");
    tomcat = new Tomcat();
    tomcat.setBaseDir(dir.toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    // the subscriptions API carries percent-encoded topics, '/' included, in its path
    connector.setEncodedSolidusHandling("passthrough");
    tomcat.setConnector(connector);
    Context ctx = tomcat.addContext("", dir.toString());
    Wrapper w = Tomcat.addServlet(ctx, "mercure", hub.servlet());
    w.setAsyncSupported(true);
    ctx.addServletMapping(hub.path() + "/*", "mercure");
    tomcat.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(SseClient::close);
    hub.close();
    tomcat.stop();
    tomcat.destroy();
  }

  private List<MessageEvent> subscribe(String query, String token, String lastEventId) {
    List<MessageEvent> events = new CopyOnWriteArrayList<>();
    int before = hub.subscriberCount();
    SseClient.Builder b = SseClient.builder(base + hub.path() + "?" + query).onAnyEvent(events::add);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      b.lastEventId(lastEventId);
    }
    clients.add(b.build().start());
    await().atMost(Duration.ofSeconds(5)).until(() -> hub.subscriberCount() > before);
    return events;
  }

  private HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + hub.path()))
            .header("Authorization", "Bearer " + ALL)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void subscribesPublishesKeepsPrivateUpdatesPrivateAndResumes() throws Exception {
    List<MessageEvent> anonymous = subscribe("topic=https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D", null, null);
    List<MessageEvent> authorised = subscribe("topic=https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D", ALL, null);
    assertThat(post("topic=https%3A%2F%2Fexample.com%2Fbooks%2F1&private=on&id=t1&data=secret").body()).isEqualTo("t1");
    assertThat(post("topic=https%3A%2F%2Fexample.com%2Fbooks%2F2&id=t2&data=public").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> anonymous.size() >= 1 && authorised.size() >= 2);
    assertThat(anonymous).extracting(MessageEvent::lastEventId).containsExactly("t2");
    assertThat(authorised).extracting(MessageEvent::lastEventId).containsExactly("t1", "t2");

    List<MessageEvent> resumed = subscribe("topic=https%3A%2F%2Fexample.com%2Fbooks%2F%7Bid%7D", ALL, "t1");
    await().atMost(Duration.ofSeconds(5)).until(() -> resumed.size() >= 1);
    assertThat(resumed).extracting(MessageEvent::lastEventId).containsExactly("t2");
  }

  @Test
  void theSubscriptionsApiAnswersWithEncodedSlashesInThePath() throws Exception {
    subscribe("topic=https%3A%2F%2Fexample.com%2Froom", null, null);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> get(base + hub.path() + "/subscriptions").path("subscriptions").size() == 1);
    JsonNode sub = get(base + hub.path() + "/subscriptions").path("subscriptions").get(0);
    JsonNode one = get(base + sub.path("id").asText());
    assertThat(one.path("topic").asText()).isEqualTo("https://example.com/room");
    JsonNode forTopic = get(base + hub.path() + "/subscriptions/https%3A%2F%2Fexample.com%2Froom");
    assertThat(forTopic.path("subscriptions")).hasSize(1);
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ALL).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
