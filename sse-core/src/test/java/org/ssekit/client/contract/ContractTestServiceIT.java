package org.ssekit.client.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import org.ssekit.client.TestSseServer;

/**
 * Drives {@link ContractTestService} over HTTP exactly as the sse-contract-tests harness does:
 * status, create stream, stream endpoint, numbered callbacks, {@code listen} and {@code restart}
 * commands, delete. (The harness binary itself cannot be downloaded in this build environment.)
 */
class ContractTestServiceIT {

  private final ContractTestService service = startService();
  private final TestSseServer streams = TestSseServer.start();
  private final Callbacks callbacks = new Callbacks();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger names = new AtomicInteger();

  private static ContractTestService startService() {
    try {
      return ContractTestService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void tearDown() {
    service.close();
    streams.close();
    callbacks.server.stop(0);
  }

  @Test
  void declaresTheCapabilitiesTheClientSupports() throws Exception {
    HttpResponse<String> r = call("GET", "/", null);
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> status = object(MiniJson.parse(r.body()));
    assertThat(status.get("capabilities"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(Object.class))
        .containsExactlyInAnyOrder(
            "comments", "headers", "last-event-id", "post", "report", "read-timeout", "restart",
            "event-type-listeners", "bom");
  }

  @Test
  void runsAStreamThroughItsWholeLifecycle() throws Exception {
    String cb = callbacks.newEndpoint();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("streamUrl", streams.uri("/stream").toString());
    params.put("callbackUrl", callbacks.base() + cb);
    params.put("tag", "lifecycle");
    params.put("initialDelayMs", 0);
    params.put("lastEventId", "abc");
    params.put("headers", Map.of("header-name-1", "value-1"));
    HttpResponse<String> created = call("POST", "/", MiniJson.write(params));
    assertThat(created.statusCode()).isBetween(200, 299);
    String location = created.headers().firstValue("Location").orElseThrow();

    TestSseServer.Stream first = streams.awaitStream();
    assertThat(first.method).isEqualTo("GET");
    assertThat(first.header("Accept")).isEqualTo("text/event-stream");
    assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(first.header("Last-Event-ID")).isEqualTo("abc");
    assertThat(first.header("header-name-1")).isEqualTo("value-1");

    first.send(":Hello\n");
    assertThat(callbacks.await(cb, 1)).isEqualTo(Map.of("kind", "comment", "comment", "Hello"));

    assertThat(call("POST", location, "{\"command\":\"listen\",\"listen\":{\"type\":\"greeting\"}}").statusCode())
        .isBetween(200, 299);
    first.send("event: greeting\ndata: Hi\n\nevent: unheard\ndata: x\n\nid: 1\ndata: plain\n\n");
    assertThat(callbacks.await(cb, 2)).isEqualTo(event("greeting", "Hi", "abc"));
    assertThat(callbacks.await(cb, 3))
        .as("events of a type nobody listens for are not seen")
        .isEqualTo(event("message", "plain", "1"));

    assertThat(call("POST", location, "{\"command\":\"restart\"}").statusCode()).isBetween(200, 299);
    TestSseServer.Stream second = streams.awaitStream();
    assertThat(second.header("Last-Event-ID")).isEqualTo("1");
    second.send("data: Thanks\n\n");
    assertThat(callbacks.await(cb, 4)).isEqualTo(event("message", "Thanks", "1"));
    await().atMost(Duration.ofSeconds(5)).until(first::clientGone);

    second.close(); // the server breaks the connection
    assertThat(callbacks.await(cb, 5)).containsEntry("kind", "error").containsKey("error");
    TestSseServer.Stream third = streams.awaitStream();
    assertThat(third.header("Last-Event-ID")).isEqualTo("1");

    assertThat(call("POST", location, "{\"command\":\"dance\"}").statusCode()).isEqualTo(400);
    assertThat(call("DELETE", location, null).statusCode()).isBetween(200, 299);
    await().atMost(Duration.ofSeconds(5)).until(third::clientGone);
    assertThat(call("DELETE", location, null).statusCode()).isEqualTo(404);
    assertThat(call("POST", location, "{\"command\":\"restart\"}").statusCode()).isEqualTo(404);
    assertThat(service.openStreams()).isZero();
    assertThat(callbacks.count(cb)).isEqualTo(5);
  }

  @Test
  void sendsTheMethodBodyAndContentTypeItIsGiven() throws Exception {
    for (String method : List.of("POST", "REPORT")) {
      String cb = callbacks.newEndpoint();
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("streamUrl", streams.uri("/stream").toString());
      params.put("callbackUrl", callbacks.base() + cb);
      params.put("method", method);
      params.put("body", "{\"hello\": \"world\"}");
      params.put("headers", Map.of("content-type", "application/json; charset=utf-8"));
      String location = call("POST", "/", MiniJson.write(params)).headers().firstValue("Location").orElseThrow();
      TestSseServer.Stream s = streams.awaitStream();
      assertThat(s.method).isEqualTo(method);
      assertThat(s.body).isEqualTo("{\"hello\": \"world\"}");
      assertThat(s.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
      call("DELETE", location, null);
    }
  }

  @Test
  void reportsAReadTimeoutAsAnErrorAndReconnects() throws Exception {
    String cb = callbacks.newEndpoint();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("streamUrl", streams.uri("/stream").toString());
    params.put("callbackUrl", callbacks.base() + cb);
    params.put("initialDelayMs", 0);
    params.put("readTimeoutMs", 300);
    call("POST", "/", MiniJson.write(params));
    streams.awaitStream().send("data: Hello\n\n");
    assertThat(callbacks.await(cb, 1)).isEqualTo(event("message", "Hello", ""));
    assertThat(callbacks.await(cb, 2)).containsEntry("kind", "error");
    assertThat(streams.awaitStream()).isNotNull();
  }

  @Test
  void rejectsBadParametersWith400() throws Exception {
    assertThat(call("POST", "/", "{not json").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/", "{\"callbackUrl\":\"http://127.0.0.1:1/cb\"}").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/", "{\"streamUrl\":\"http://x/\",\"callbackUrl\":\"http://y/\",\"readTimeoutMs\":\"soon\"}").statusCode())
        .isEqualTo(400);
    assertThat(service.openStreams()).isZero();
  }

  @Test
  void deleteOfTheRootStopsTheService() throws Exception {
    assertThat(call("DELETE", "/", null).statusCode()).isBetween(200, 299);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThatThrownBy(() -> call("GET", "/", null)).isInstanceOf(IOException.class));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object json) {
    assertThat(json).isInstanceOf(Map.class);
    return (Map<String, Object>) json;
  }

  private static Map<String, Object> event(String type, String data, String id) {
    return Map.of("kind", "event", "event", Map.of("type", type, "data", data, "id", id));
  }

  private HttpResponse<String> call(String method, String pathOrUrl, @Nullable String json)
      throws IOException, InterruptedException {
    URI uri =
        pathOrUrl.startsWith("http")
            ? URI.create(pathOrUrl)
            : URI.create("http://127.0.0.1:" + service.port() + pathOrUrl);
    HttpRequest.BodyPublisher body =
        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).method(method, body).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The harness's callback endpoints: {@code /cb/<name>/<n>}, bodies recorded by number. */
  private final class Callbacks {
    final HttpServer server;
    final Map<String, ConcurrentSkipListMap<Integer, String>> received = new java.util.concurrent.ConcurrentHashMap<>();

    Callbacks() {
      try {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      server.createContext(
          "/cb/",
          ex -> {
            try (ex; InputStream in = ex.getRequestBody()) {
              String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
              String[] parts = ex.getRequestURI().getPath().split("/"); // "", "cb", name, n
              int n = Integer.parseInt(parts[3]);
              String previous = received.computeIfAbsent(parts[2], k -> new ConcurrentSkipListMap<>()).put(n, body);
              ex.sendResponseHeaders(previous == null && "POST".equals(ex.getRequestMethod()) ? 202 : 400, -1);
            }
          });
      server.start();
    }

    String base() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/cb/";
    }

    String newEndpoint() {
      String name = "s" + names.incrementAndGet();
      received.put(name, new ConcurrentSkipListMap<>());
      return name;
    }

    Map<String, Object> await(String name, int n) {
      ConcurrentSkipListMap<Integer, String> got = received.get(name);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> got.containsKey(n));
      return object(MiniJson.parse(got.get(n)));
    }

    int count(String name) {
      return received.get(name).size();
    }
  }
}
