package org.ssekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 15's probe of the demo (items 2, 9, 10) and issue 11 item 6, over real sockets. */
class DemoHardeningIT {

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

  /** Sends {@code request} as is and reads until the server closes or {@code timeout} passes. */
  static String exchange(Socket s, String request, Duration timeout) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return readAll(s, timeout);
  }

  static String readAll(Socket s, Duration timeout) throws IOException {
    s.setSoTimeout(100);
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException e) {
        continue;
      } catch (java.net.SocketException e) {
        break;
      }
      if (n < 0) {
        break;
      }
      got.write(buf, 0, n);
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  Socket connect(String from) throws IOException {
    Socket s = new Socket();
    if (from != null) {
      s.bind(new InetSocketAddress(from, 0));
    }
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    return s;
  }

  String raw(String request) throws IOException {
    try (Socket s = connect(null)) {
      return exchange(s, request, Duration.ofSeconds(5));
    }
  }

  static int status(String raw) {
    return raw.startsWith("HTTP/1.1 ") ? Integer.parseInt(raw.substring(9, 12)) : -1;
  }

  static void assertJsonError(String raw, int status) {
    assertThat(status(raw)).as(raw).isEqualTo(status);
    String head = raw.substring(0, Math.max(0, raw.indexOf("\r\n\r\n"))).toLowerCase();
    assertThat(head).as(raw).contains("content-type: application/json").contains("x-content-type-options: nosniff");
    assertThat(raw.substring(raw.indexOf("\r\n\r\n") + 4)).as(raw).contains("\"error\"").doesNotContain("<html", "Exception");
  }

  HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void slowBodiesHoldNoThreadAndEveryoneElseIsStillAnswered() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 250; i++) {
        Socket s = connect(null);
        String path = i % 2 == 0 ? "/audit" : "/notifications";
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            + "Content-Length: 100\r\n\r\na").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        slow.add(s);
      }
      // 250 bodies trickling in: pages, posts and streams still answer at once
      long t0 = System.nanoTime();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.uri().resolve("audit")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(post("audit", "application/x-www-form-urlencoded", "actor=a&action=b&target=c").statusCode()).isEqualTo(202);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
      assertThat(DisconnectStormIT.poolThreads()).isLessThan(DemoServer.MAX_THREADS / 2);
      // and a slow body ends with a JSON answer, not a held thread or an HTML page
      assertJsonError(readAll(slow.get(0), AsyncBody.TIMEOUT.plusSeconds(5)), 408);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void crossSitePostsAreRefused() throws Exception {
    String self = "http://127.0.0.1:" + server.port();
    String form = "actor=mallory&action=forged&target=x";
    for (String[] h : List.of(new String[] {"Origin", "https://evil.example"}, new String[] {"Origin", "null"},
        new String[] {"Sec-Fetch-Site", "cross-site"})) {
      assertThat(post("audit", "application/x-www-form-urlencoded", form, h).statusCode()).as(h[1]).isEqualTo(403);
      assertThat(post("notifications", "application/x-www-form-urlencoded", "to=bob&from=eve&text=hi", h).statusCode()).isEqualTo(403);
      assertThat(post("posts/1/reactions/like", "application/x-www-form-urlencoded", "", h).statusCode()).isEqualTo(403);
    }
    assertThat(post("audit", "application/x-www-form-urlencoded", form, "Origin", self).statusCode()).isEqualTo(202);
    assertThat(post("posts/1/reactions/like", "application/x-www-form-urlencoded", "", "Origin", self, "Sec-Fetch-Site", "same-origin").statusCode())
        .isEqualTo(204);
    // only the same-origin post was recorded
    assertThat(server.audit().snapshot().entries()).filteredOn(e -> e.item().actor().equals("mallory")).hasSize(1);
  }

  @Test
  void traceIsOffAndResponsesNameNoServerAndAreNotSniffed() throws Exception {
    String trace = raw("TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer secret\r\nCookie: s=1\r\nConnection: close\r\n\r\n");
    assertJsonError(trace, 405);
    assertThat(trace).doesNotContain("secret", "s=1");
    HttpResponse<String> index = http.send(HttpRequest.newBuilder(server.uri()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(index.headers().firstValue("server")).isEmpty();
    assertThat(index.headers().firstValue("x-content-type-options")).contains("nosniff");
  }

  @Test
  void containerErrorsAnswerJson() throws Exception {
    assertJsonError(raw("PUT /audit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), 405);
    assertJsonError(raw("GET /notifications?user=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 400);
    assertJsonError(raw("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 414);
    assertJsonError(raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000) + "\r\nConnection: close\r\n\r\n"), 431);
    assertJsonError(raw("GET /posts/%zz/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n"), 400);
    assertJsonError(raw("GET /audit/stream?a=%ff HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n"), 400);
  }

  @Test
  void theAuditParserRefusesDuplicateKeysTrailingJunkAndNonStrings() throws Exception {
    int before = server.audit().snapshot().entries().size();
    for (String body : List.of(
        "{\"actor\":\"a\",\"actor\":\"b\",\"action\":\"x\",\"target\":\"y\"}",
        "{\"actor\":\"a\",\"action\":\"x\",\"target\":\"y\"} junk",
        "{\"actor\":\"a\",\"action\":\"x\",\"target\":\"y\"}{}",
        "{\"actor\":1,\"action\":\"x\",\"target\":\"y\"}",
        "[]")) {
      HttpResponse<String> r = post("audit", "application/json", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }
    // a look-alike media type is not JSON: read as a form, it has no fields
    assertThat(post("audit", "application/jsonp-evil", "{\"actor\":\"a\",\"action\":\"x\",\"target\":\"y\"}").statusCode()).isEqualTo(400);
    assertThat(post("audit", "application/x-www-form-urlencoded", "actor=%ff&action=x&target=y").statusCode()).isEqualTo(400);
    assertThat(server.audit().snapshot().entries()).hasSize(before);
  }

  @Test
  void oneAddressMayHoldOnlySoManyStreams() throws Exception {
    List<Socket> streams = new ArrayList<>();
    try {
      for (int i = 0; i < DemoServer.STREAMS_PER_ADDRESS; i++) {
        Socket s = connect("127.0.0.77");
        s.getOutputStream().write("GET /audit/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        streams.add(s);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> server.hub().streamCount() >= DemoServer.STREAMS_PER_ADDRESS);
      try (Socket one = connect("127.0.0.77")) {
        String r = exchange(one, "GET /audit/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n",
            Duration.ofSeconds(5));
        assertJsonError(r, 503);
        assertThat(r.toLowerCase()).contains("retry-after:");
      }
      try (Socket other = connect("127.0.0.78")) {
        String r = exchange(other, "GET /audit/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n", Duration.ofMillis(500));
        assertThat(status(r)).isEqualTo(200);
      }
    } finally {
      for (Socket s : streams) {
        s.close();
      }
    }
  }

  @Test
  void aBrokerOutageIsACleanJson503() throws Exception {
    server.hub().broker().close();
    HttpResponse<String> r = post("audit", "application/x-www-form-urlencoded", "actor=a&action=b&target=c");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(r.body()).contains("broker is unavailable").doesNotContain("Exception");
    HttpResponse<String> n = post("notifications", "application/x-www-form-urlencoded", "to=bob&from=alice&text=hi");
    assertThat(n.statusCode()).isEqualTo(503);
  }
}
