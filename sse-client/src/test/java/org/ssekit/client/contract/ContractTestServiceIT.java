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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.jspecify.annotations.Nullable;
import org.ssekit.client.TestSseServer;

/**
 * Drives {@link ContractTestService} over HTTP exactly as the sse-contract-tests harness does:
 * status, create stream, stream endpoint, numbered callbacks, {@code listen} and {@code restart}
 * commands, the 204 test of {@code server-directed-shutdown-request}, delete of a stream and of
 * the service. (The harness itself cannot be downloaded or built in this build environment.)
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
            "event-type-listeners", "bom", "server-directed-shutdown-request");
  }

  /**
   * The suite's "204 halts re-connection attempts" (run when the service declares {@code
   * server-directed-shutdown-request}): a stream endpoint that answers every request with 204, a
   * stream created without {@code initialDelayMs}, one second, exactly one request recorded.
   */
  @Test
  void noContentHaltsReconnectionAttempts() throws Exception {
    for (int i = 0; i < 10; i++) {
      streams.reply(204, "", "");
    }
    String cb = callbacks.newEndpoint();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("streamUrl", streams.uri("/stream").toString());
    params.put("callbackUrl", callbacks.base() + cb);
    params.put("tag", "204 halts re-connection attempts");
    HttpResponse<String> created = call("POST", "/", MiniJson.write(params));
    assertThat(created.statusCode()).isBetween(200, 299);
    String location = created.headers().firstValue("Location").orElseThrow();

    await().atMost(Duration.ofSeconds(5)).until(() -> streams.requests().size() == 1);
    await()
        .during(Duration.ofSeconds(1)) // the harness waits a second for a reconnection
        .atMost(Duration.ofSeconds(2))
        .until(() -> streams.requests().size() == 1);
    assertThat(call("DELETE", location, null).statusCode()).isIn(200, 204); // what the harness accepts
  }

  @Test
  void stoppingTheServiceClosesEveryStreamAndEndsItsThreads() throws Exception {
    String[] cbs = {callbacks.newEndpoint(), callbacks.newEndpoint()};
    List<TestSseServer.Stream> open = new java.util.ArrayList<>();
    for (String cb : cbs) {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("streamUrl", streams.uri("/stream").toString());
      params.put("callbackUrl", callbacks.base() + cb);
      call("POST", "/", MiniJson.write(params));
      open.add(streams.awaitStream().send("data: hi\n\n"));
      assertThat(callbacks.await(cb, 1)).isEqualTo(event("message", "hi", ""));
    }
    assertThat(threads("contract-callbacks-")).hasSizeGreaterThanOrEqualTo(2);

    assertThat(call("DELETE", "/", null).statusCode()).isBetween(200, 299);
    for (TestSseServer.Stream s : open) {
      await().atMost(Duration.ofSeconds(5)).until(s::clientGone);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(threads("contract-callbacks-")).as("callback threads").isEmpty();
              assertThat(threads("ssekit-sse-client-")).as("SseClient default threads").isEmpty();
            });
    assertThat(service.openStreams()).isZero();
  }

  private static List<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(prefix))
        .toList();
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

  /** A stream as the harness sends it (chunks) and the callbacks it then expects, in order. */
  record Case(String name, List<byte[]> chunks, List<Map<String, Object>> expected) {
    Case(String name, List<String> chunks, List<Map<String, Object>> expected, boolean text) {
      this(name, chunks.stream().map(ContractTestServiceIT::utf8).toList(), expected);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> parsingCases() {
    String bom = "\uFEFF";
    byte[] bomBytes = utf8(bom);
    return List.of(
        new Case("message in two chunks", List.of("data: Hel", "lo\n\n"), List.of(event("message", "Hello", "")), true),
        new Case(
            "two-line data, no space after the colon",
            List.of("data: Hello\ndata:World\n\n"),
            List.of(event("message", "Hello\nWorld", "")), true),
        new Case("empty data", List.of("data:\n\n"), List.of(event("message", "", "")), true),
        new Case(
            "field without colon",
            List.of("data\n\ndata\ndata\n\n"),
            List.of(event("message", "", ""), event("message", "\n", "")), true),
        new Case(
            "extra leading space kept",
            List.of("data:  Hello\n\n"),
            List.of(event("message", " Hello", "")), true),
        new Case(
            "id with NUL ignored",
            List.of("id: a\u0000bc\ndata: Hello\n\n"),
            List.of(event("message", "Hello", "")), true),
        new Case(
            "last id persists, then reset by an empty id",
            List.of("id: abc\ndata: first\n\n", "data: second\n\n", "id: \ndata: third\n\n"),
            List.of(event("message", "first", "abc"), event("message", "second", "abc"), event("message", "third", "")), true),
        new Case(
            "CR line ends",
            List.of("data: event 1\r\rdata: line1\rdata:\rdata: line3\r\r"),
            List.of(event("message", "event 1", ""), event("message", "line1\n\nline3", "")), true),
        new Case(
            "CRLF with the CR ending a chunk",
            List.of("data: Hello\r", "\ndata: World\r", "\n\r\ndata: OK\r", "\n", "\r", "\n"),
            List.of(event("message", "Hello\nWorld", ""), event("message", "OK", "")), true),
        new Case(
            "extra blank lines ignored",
            List.of("data: 1\n\n\n\ndata: 2\n\n"),
            List.of(event("message", "1", ""), event("message", "2", "")), true),
        new Case(
            "multi-byte characters one byte at a time",
            bytewise(utf8("data: €豆腐\n\n")),
            List.of(event("message", "€豆腐", ""))),
        new Case(
            "BOM split across chunks, only the first one stripped",
            List.of(
                new byte[] {bomBytes[0], bomBytes[1]},
                concat(new byte[] {bomBytes[2]}, utf8("data: " + bom + "Hello\n\n"))),
            List.of(event("message", bom + "Hello", ""))),
        new Case(
            "comments before and after an event",
            List.of(":Hello\n", "data: Hello\n\n", ":World\n"),
            List.of(
                Map.of("kind", "comment", "comment", "Hello"),
                event("message", "Hello", ""),
                Map.of("kind", "comment", "comment", "World")), true));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> bytewise(byte[] all) {
    List<byte[]> out = new java.util.ArrayList<>();
    for (byte b : all) {
      out.add(new byte[] {b});
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parsingCases")
  void reportsWhatTheStreamCarries(Case c) throws Exception {
    String cb = callbacks.newEndpoint();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("streamUrl", streams.uri("/stream").toString());
    params.put("callbackUrl", callbacks.base() + cb);
    assertThat(call("POST", "/", MiniJson.write(params)).statusCode()).isBetween(200, 299);
    TestSseServer.Stream stream = streams.awaitStream();
    for (byte[] chunk : c.chunks()) {
      stream.send(chunk);
    }
    for (int i = 0; i < c.expected().size(); i++) {
      assertThat(callbacks.await(cb, i + 1)).as("callback %d", i + 1).isEqualTo(c.expected().get(i));
    }
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
