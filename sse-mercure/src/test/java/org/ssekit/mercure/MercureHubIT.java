package org.ssekit.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.client.MessageEvent;
import org.ssekit.client.SseClient;

/** The hub over real sockets: embedded Jetty 12, the project's SseClient and the JDK HttpClient. */
class MercureHubIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL = Tokens.released(Tokens.SECRET, List.of("*"), List.of("*"));
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private MercureServer server(Consumer<MercureHub.Builder> config) throws Exception {
    MercureHub.Builder b = MercureHub.builder().jwtKey("HS256", Tokens.SECRET);
    config.accept(b);
    MercureServer s = MercureServer.start(b.build());
    closeables.add(s);
    return s;
  }

  /** A subscriber that records every event; started once open. */
  private List<MessageEvent> subscribe(MercureServer s, String url, String token, String lastEventId) {
    List<MessageEvent> events = new CopyOnWriteArrayList<>();
    List<Boolean> open = new CopyOnWriteArrayList<>();
    SseClient.Builder b =
        SseClient.builder(url)
            .onAnyEvent(events::add)
            .listener(
                new org.ssekit.client.ConnectionListener() {
                  @Override
                  public void onOpen(java.net.http.HttpResponse.ResponseInfo response) {
                    open.add(response.statusCode() == 200);
                  }
                });
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      b.lastEventId(lastEventId);
    }
    SseClient c = b.build().start();
    closeables.add(c);
    await().atMost(Duration.ofSeconds(5)).until(() -> open.contains(true));
    int before = s.hub.subscriberCount();
    assertThat(before).isPositive();
    return events;
  }

  private static String publishOk(MercureServer s, String token, String... form) throws Exception {
    HttpResponse<String> r = s.post(token, MercureServer.form(form));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return r.body();
  }

  @Test
  void aPublishedUpdateReachesMatchingSubscribersWithItsIdTypeAndData() throws Exception {
    MercureServer s = server(b -> b.anonymous(true));
    List<MessageEvent> events = subscribe(s, s.subscribeUrl("topic", "https://example.com/books/{id}", "topic", "plain"), null, null);
    publishOk(s, ALL, "topic", "https://example.com/movies/1", "data", "not for you");
    String id = publishOk(s, ALL, "topic", "https://example.com/books/1", "data", "line 1\nline 2", "id", "book-1", "type", "book", "retry", "1500");
    assertThat(id).isEqualTo("book-1");
    String generated = publishOk(s, ALL, "topic", "plain", "data", "x");
    assertThat(generated).matches("urn:uuid:[0-9a-f-]{36}");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
    assertThat(events.get(0)).isEqualTo(new MessageEvent("book", "line 1\nline 2", "book-1"));
    assertThat(events.get(1)).isEqualTo(new MessageEvent("message", "x", generated));
    assertThat(events).hasSize(2);
  }

  @Test
  void privateUpdatesNeverReachUnauthorisedSubscribers() throws Exception {
    MercureServer s = server(b -> b.anonymous(true));
    String url = s.subscribeUrl("topic", "https://example.com/books/{id}");
    List<MessageEvent> anonymous = subscribe(s, url, null, null);
    List<MessageEvent> other = subscribe(s, url, Tokens.released(Tokens.SECRET, List.of(), List.of("https://example.com/books/2")), null);
    List<MessageEvent> allowed =
        subscribe(s, url, Tokens.released(Tokens.SECRET, List.of(), List.of("https://example.com/users/42/{?topic}")), null);
    // the alternate topic grants the read, as in the specification's example
    publishOk(s, ALL, "topic", "https://example.com/books/1", "topic", "https://example.com/users/42/?topic=1", "private", "on", "id", "secret", "data", "s");
    publishOk(s, ALL, "topic", "https://example.com/books/1", "id", "public", "data", "p");
    await().atMost(Duration.ofSeconds(5)).until(() -> anonymous.size() >= 1 && other.size() >= 1 && allowed.size() >= 2);
    assertThat(anonymous).extracting(MessageEvent::lastEventId).containsExactly("public");
    assertThat(other).extracting(MessageEvent::lastEventId).containsExactly("public");
    assertThat(allowed).extracting(MessageEvent::lastEventId).containsExactly("secret", "public");
  }

  @Test
  void resumesAfterLastEventIdWithNoGapAndNoDuplicate() throws Exception {
    MercureServer s = server(b -> b.anonymous(true));
    for (int i = 1; i <= 4; i++) {
      publishOk(s, ALL, "topic", "t", "id", "e" + i, "data", "d" + i, i == 3 ? "private" : "x", "on");
    }
    // the Last-Event-ID response header tells where the stream resumed
    HttpResponse<InputStream> r = s.open(s.subscribeUrl("topic", "t"), Map.of("Last-Event-ID", "e1"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Last-Event-ID")).hasValue("e1");
    r.body().close();
    HttpResponse<InputStream> unknown = s.open(s.subscribeUrl("topic", "t", "lastEventID", "nope"), Map.of());
    assertThat(unknown.headers().firstValue("Last-Event-ID")).hasValue("earliest");
    unknown.body().close();

    List<MessageEvent> resumed = subscribe(s, s.subscribeUrl("topic", "t"), null, "e1");
    publishOk(s, ALL, "topic", "t", "id", "e5", "data", "d5");
    await().atMost(Duration.ofSeconds(5)).until(() -> resumed.size() >= 3);
    // e3 is private: replay is filtered like live delivery
    assertThat(resumed).extracting(MessageEvent::lastEventId).containsExactly("e2", "e4", "e5");

    List<MessageEvent> fromQuery = subscribe(s, s.subscribeUrl("topic", "t", "lastEventID", "e4"), null, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> fromQuery.size() >= 1);
    assertThat(fromQuery).extracting(MessageEvent::lastEventId).containsExactly("e5");

    List<MessageEvent> earliest = subscribe(s, s.subscribeUrl("topic", "t", "lastEventID", "earliest"), ALL, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> earliest.size() >= 5);
    assertThat(earliest).extracting(MessageEvent::lastEventId).containsExactly("e1", "e2", "e3", "e4", "e5");
  }

  @Test
  void badPublishRequestsAnswer4xxAndPublishNothing() throws Exception {
    MercureServer s = server(b -> b.anonymous(true).maxPublishBytes(1000).maxTopics(3));
    List<MessageEvent> events = subscribe(s, s.subscribeUrl("topic", "*"), ALL, null);
    String narrow = Tokens.released(Tokens.SECRET, List.of("https://example.com/a"), List.of());
    String expired = Tokens.hs256(Tokens.SECRET, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(5))).claim("mercure", Map.of("publish", List.of("*"))));
    String otherKey = Tokens.released("another-secret-that-is-long-enough!!", List.of("*"), List.of());
    publishOk(s, ALL, "topic", "t", "id", "taken");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);

    record Bad(String name, String token, String body, int status) {}
    List<Bad> catalogue =
        List.of(
            new Bad("no token", null, MercureServer.form("topic", "t"), 401),
            new Bad("bad signature", otherKey, MercureServer.form("topic", "t"), 401),
            new Bad("expired token", expired, MercureServer.form("topic", "t"), 401),
            new Bad("garbage token", "abc.def.ghi", MercureServer.form("topic", "t"), 401),
            new Bad("missing topic", ALL, MercureServer.form("data", "x"), 400),
            new Bad("topic not allowed", narrow, MercureServer.form("topic", "https://example.com/b"), 403),
            new Bad("one topic not allowed", narrow, MercureServer.form("topic", "https://example.com/a", "topic", "b"), 403),
            new Bad("oversize data", ALL, MercureServer.form("topic", "t", "data", "x".repeat(2000)), 413),
            new Bad("too many topics", ALL, MercureServer.form("topic", "a", "topic", "b", "topic", "c", "topic", "d"), 413),
            new Bad("id with a newline", ALL, MercureServer.form("topic", "t", "id", "a\nid: forged"), 400),
            new Bad("id starting with #", ALL, MercureServer.form("topic", "t", "id", "#1"), 400),
            new Bad("id earliest", ALL, MercureServer.form("topic", "t", "id", "earliest"), 400),
            new Bad("existing id", ALL, MercureServer.form("topic", "t", "id", "taken"), 409),
            new Bad("type with a newline", ALL, MercureServer.form("topic", "t", "type", "a\ndata: x"), 400),
            new Bad("retry not digits", ALL, MercureServer.form("topic", "t", "retry", "-5"), 400),
            new Bad("topic with a control character", ALL, MercureServer.form("topic", "a\u0000b"), 400),
            new Bad("wildcard topic", ALL, MercureServer.form("topic", "*"), 400),
            new Bad("reserved namespace", ALL, MercureServer.form("topic", "https://hub/.well-known/mercure/subscriptions/x/y"), 400),
            new Bad("invalid UTF-8", ALL, "topic=%C3%28", 400));
    for (Bad bad : catalogue) {
      HttpResponse<String> r = s.post(java.net.http.HttpClient.newHttpClient(), bad.token(), bad.body());
      assertThat(r.statusCode()).as(bad.name() + ": " + r.body()).isEqualTo(bad.status());
      assertThat(JSON.readTree(r.body()).path("error").asText()).as(bad.name()).isNotEmpty();
    }
    HttpResponse<String> wrongType =
        MercureServer.HTTP.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url()))
                .header("Authorization", "Bearer " + ALL)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"topic\":\"t\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrongType.statusCode()).isEqualTo(415);
    publishOk(s, ALL, "topic", "t", "id", "sentinel");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
    assertThat(events).extracting(MessageEvent::lastEventId).containsExactly("taken", "sentinel");
  }

  @Test
  void badSubscribeRequestsAnswer4xxWithJson() throws Exception {
    MercureServer s = server(b -> b.draft(Set.of("https://app"), "https://hub/.well-known/mercure"));
    record Bad(String name, String url, Map<String, String> headers, int status) {}
    List<Bad> catalogue =
        List.of(
            new Bad("no selector", s.url(), Map.of(), 400),
            new Bad("no token, anonymous off", s.subscribeUrl("topic", "t"), Map.of(), 401),
            new Bad("bad token", s.subscribeUrl("topic", "t"), Map.of("Authorization", "Bearer nope"), 401),
            new Bad("not a Bearer header", s.subscribeUrl("topic", "t"), Map.of("Authorization", "Basic abc"), 401),
            new Bad("control character", s.subscribeUrl("topic", "a\u0007"), Map.of("Authorization", "Bearer " + ALL), 400),
            new Bad("unknown matcher type", s.subscribeUrl("match_regex", "x"), Map.of("Authorization", "Bearer " + ALL), 400),
            new Bad("invalid URL pattern", s.subscribeUrl("match_urlpattern", "https://e.com/(a|b)+"), Map.of("Authorization", "Bearer " + ALL), 400),
            new Bad("both profiles", s.subscribeUrl("topic", "t", "match", "t"), Map.of("Authorization", "Bearer " + ALL), 400),
            new Bad("too long", s.subscribeUrl("topic", "x".repeat(3000)), Map.of("Authorization", "Bearer " + ALL), 400));
    for (Bad bad : catalogue) {
      HttpResponse<String> r = s.get(bad.url(), bad.headers());
      assertThat(r.statusCode()).as(bad.name() + ": " + r.body()).isEqualTo(bad.status());
      assertThat(JSON.readTree(r.body()).path("error").asText()).as(bad.name()).isNotEmpty();
      if (bad.status() == 401) {
        assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
      }
    }
    assertThat(s.hub.subscriberCount()).isZero();
  }

  @Test
  void theDraftProfileMatchesUrlPatternsAndChecksAuthorizationDetails() throws Exception {
    String aud = "https://hub.example.com/.well-known/mercure";
    MercureServer s = server(b -> b.draft(Set.of("https://app"), aud).origin("https://hub.example.com"));
    Instant exp = Instant.now().plusSeconds(60);
    String reader =
        Tokens.draft(Tokens.SECRET, "https://app", aud,
            List.of(Tokens.detail(List.of("subscribe"), List.of(Map.of("match", "https://example.com/books/1")))), exp);
    String publisher =
        Tokens.draft(Tokens.SECRET, "https://app", aud,
            List.of(Tokens.detail(List.of("publish"), List.of(Map.of("match", "https://example.com/books/:id", "match_type", "urlpattern")))), exp);
    List<MessageEvent> events = subscribe(s, s.subscribeUrl("match_urlpattern", "https://example.com/books/:id"), reader, null);
    publishOk(s, publisher, "topic", "https://example.com/books/2", "private", "", "id", "p2", "data", "no");
    publishOk(s, publisher, "topic", "https://example.com/books/1", "private", "", "id", "p1", "data", "yes");
    publishOk(s, publisher, "topic", "https://example.com/books/3", "id", "pub3", "data", "public");
    HttpResponse<String> forbidden = s.post(publisher, MercureServer.form("topic", "https://example.com/authors/1"));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    HttpResponse<String> reserved = s.post(publisher, MercureServer.form("topic", "https://example.com/books/4", "type", "mercure"));
    assertThat(reserved.statusCode()).isEqualTo(400);
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
    assertThat(events).extracting(MessageEvent::lastEventId).containsExactly("p1", "pub3");

    HttpResponse<InputStream> r = s.open(s.subscribeUrl("match", "https://example.com/books/3", "last_event_id", "p1"), Map.of("Authorization", "Bearer " + reader));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Mercure-Last-Event-ID")).hasValue("p1");
    java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line = lines.readLine(); line != null && !line.equals("id: pub3"); line = lines.readLine()) {
      seen.add(line);
    }
    assertThat(seen).noneMatch(l -> l.contains("p2") || l.contains("p1"));
    r.body().close();
  }

  @Test
  void draftSelectorsWorkWithReleasedTokensWhenNoIssuerIsConfigured() throws Exception {
    MercureServer s = server(b -> b.anonymous(true));
    List<MessageEvent> events = subscribe(s, s.subscribeUrl("match_urlpattern", "https://example.net/foo/:random", "match", "exact-one"), null, null);
    publishOk(s, ALL, "topic", "https://example.net/bar/1", "id", "no");
    publishOk(s, ALL, "topic", "https://example.net/foo/abc", "id", "yes-1");
    publishOk(s, ALL, "topic", "exact-one", "id", "yes-2");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
    assertThat(events).extracting(MessageEvent::lastEventId).containsExactly("yes-1", "yes-2");
    String draftToken =
        Tokens.draft(Tokens.SECRET, "https://app", "https://hub", List.of(Tokens.detail(List.of("publish"), List.of(Map.of("match", "*")))), Instant.now().plusSeconds(60));
    // an at+jwt token without a configured issuer falls back to the released claims: no mercure claim, no right
    assertThat(s.post(draftToken, MercureServer.form("topic", "x")).statusCode()).isEqualTo(403);
  }

  @Test
  void subscriptionEventsAndTheApiShowWhoIsSubscribed() throws Exception {
    MercureServer s = server(b -> b.subscriptions(true).anonymous(true).heartbeat(Duration.ofMillis(200)));
    String watcherToken =
        Tokens.hs256(Tokens.SECRET, c -> c.claim("mercure", Map.of("subscribe", List.of("/.well-known/mercure/subscriptions{/topic}{/subscriber}"), "payload", Map.of("role", "watcher"))));
    List<MessageEvent> watcher = subscribe(s, s.subscribeUrl("topic", "/.well-known/mercure/subscriptions{/topic}{/subscriber}"), watcherToken, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.size() >= 1); // its own presence
    SseClient guest = SseClient.builder(s.subscribeUrl("topic", "https://example.com/room/1")).build().start();
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.size() >= 2);
    JsonNode joined = JSON.readTree(watcher.get(1).data());
    assertThat(joined.path("type").asText()).isEqualTo("Subscription");
    assertThat(joined.path("topic").asText()).isEqualTo("https://example.com/room/1");
    assertThat(joined.path("active").asBoolean()).isTrue();
    assertThat(joined.path("id").asText()).startsWith("/.well-known/mercure/subscriptions/https%3A%2F%2Fexample.com%2Froom%2F1/urn%3Auuid%3A");
    assertThat(JSON.readTree(watcher.get(0).data()).path("payload").path("role").asText()).isEqualTo("watcher");

    HttpResponse<String> api = s.get(s.url() + "/subscriptions", Map.of("Authorization", "Bearer " + watcherToken));
    assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
    assertThat(api.headers().firstValue("Content-Type").orElse("")).startsWith("application/ld+json");
    JsonNode all = JSON.readTree(api.body());
    assertThat(all.path("type").asText()).isEqualTo("Subscriptions");
    assertThat(all.path("subscriptions")).hasSize(2);
    String one = joined.path("id").asText();
    HttpResponse<String> single = s.get("http://127.0.0.1:" + s.port + one, Map.of("Authorization", "Bearer " + watcherToken));
    assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
    assertThat(JSON.readTree(single.body()).path("subscriber").asText()).isEqualTo(joined.path("subscriber").asText());
    HttpResponse<String> denied = s.get(s.url() + "/subscriptions", Map.of("Authorization", "Bearer " + Tokens.released(Tokens.SECRET, List.of(), List.of("other"))));
    assertThat(denied.statusCode()).isEqualTo(403);

    guest.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> watcher.size() >= 3);
    assertThat(JSON.readTree(watcher.get(2).data()).path("active").asBoolean(true)).isFalse();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> JSON.readTree(s.get(s.url() + "/subscriptions", Map.of("Authorization", "Bearer " + watcherToken)).body()).path("subscriptions").size() == 1);
  }

  @Test
  void aStreamEndsWhenItsTokenExpires() throws Exception {
    MercureServer s = server(b -> {});
    String shortLived = Tokens.hs256(Tokens.SECRET, c -> c.expirationTime(Date.from(Instant.now().plusMillis(1500))).claim("mercure", Map.of("subscribe", List.of("*"))));
    HttpResponse<InputStream> r = s.open(s.subscribeUrl("topic", "t"), Map.of("Authorization", "Bearer " + shortLived));
    assertThat(r.statusCode()).isEqualTo(200);
    long start = System.nanoTime();
    byte[] all = r.body().readAllBytes(); // returns when the hub ends the response
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(ms).isBetween(500L, 6_000L);
    assertThat(all).isNotNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> s.hub.subscriberCount() == 0);
  }

  @Test
  void corsAllowsListedOriginsWithCredentialsOnly() throws Exception {
    MercureServer s = server(b -> b.anonymous(true).corsOrigins("https://app.example"));
    HttpResponse<String> ok =
        MercureServer.HTTP.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url()))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "GET")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    HttpResponse<String> no =
        MercureServer.HTTP.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url()))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(no.statusCode()).isEqualTo(403);
    assertThat(no.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    // a cookie-authorised publish from a foreign origin is refused (CSRF)
    HttpResponse<String> csrf =
        MercureServer.HTTP.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "mercureAuthorization=" + ALL)
                .header("Origin", "https://evil.example")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("topic=t"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(csrf.statusCode()).isEqualTo(403);
    HttpResponse<String> fromApp =
        MercureServer.HTTP.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "mercureAuthorization=" + ALL)
                .header("Origin", "https://app.example")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("topic=t"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fromApp.statusCode()).isEqualTo(200);
  }

  @Test
  void publishRateLimitAnswers429() throws Exception {
    MercureServer s = server(b -> b.publishRate(0.5, 2));
    assertThat(s.post(ALL, "topic=t").statusCode()).isEqualTo(200);
    assertThat(s.post(ALL, "topic=t").statusCode()).isEqualTo(200);
    HttpResponse<String> third = s.post(ALL, "topic=t");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).contains("error");
  }

  @Test
  void subscribeRateLimitAnswers429() throws Exception {
    MercureServer s = server(b -> b.anonymous(true).subscribeRate(0.5, 1));
    HttpResponse<InputStream> first = s.open(s.subscribeUrl("topic", "t"), Map.of());
    assertThat(first.statusCode()).isEqualTo(200);
    first.body().close();
    HttpResponse<String> second = s.get(s.subscribeUrl("topic", "t"), Map.of());
    assertThat(second.statusCode()).isEqualTo(429);
  }

  @Test
  void javaPublishersGoThroughTheSameChecks() throws Exception {
    MercureServer s = server(b -> b.anonymous(true));
    List<MessageEvent> events = subscribe(s, s.subscribeUrl("topic", "t"), null, null);
    String id = s.hub.publish(MercureHub.Update.builder().topic("t").data("from java").id("j1").build()).toCompletableFuture().get();
    assertThat(id).isEqualTo("j1");
    assertThat(s.hub.publish(MercureHub.Update.builder().topic("t").id("j1").build()))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 1);
    assertThat(events.get(0).data()).isEqualTo("from java");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MercureHub.Update.builder().topic("t").id("a\nb").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
  }
}
