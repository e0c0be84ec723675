package org.ssekit.servlet;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ssekit.StreamAdapter;

/**
 * Run by {@link JettySmallHeapPublishIT} in a JVM of its own with a small heap: a Jetty server
 * with a router whose hub keeps the default history budget and {@code maxTopics}, POSTs of 64 KiB
 * events to many topics (far more than the heap), then a stream. Prints {@code statuses={202=N,
 * 429=N} live=true|false heapUsedAfterGc=N} and exits 0; an {@link OutOfMemoryError} exits 3 (the
 * JVM runs with {@code -XX:+ExitOnOutOfMemoryError}).
 *
 * <p>Arguments: topics, POSTs per topic, maxTopics.
 */
public final class SmallHeapPublishMain {

  private SmallHeapPublishMain() {}

  /** Runs the server, the POSTs and the stream; see the class description. */
  public static void main(String[] args) throws Exception {
    int topics = Integer.parseInt(args[0]);
    int perTopic = Integer.parseInt(args[1]);
    int maxTopics = Integer.parseInt(args[2]);
    SseRouter router =
        SseRouter.builder()
            .maxPublishBytes(128 * 1024)
            .retryAfter(Duration.ofSeconds(1))
            .hub(h -> h.maxTopics(maxTopics).heartbeat(Duration.ZERO))
            .build();
    String body = "{\"data\":\"" + "x".repeat(64 * 1024) + "\"}";
    Map<Integer, Integer> statuses = new TreeMap<>();
    try (TestServer server =
        JettyServer.factory(false)
            .start(
                Map.of(
                    "/publish/*", router.publishHandler("/publish/{topic}", "{topic}"),
                    "/t/*", router.handler("/t/{topic}", "{topic}", StreamAdapter.passThrough())),
                0)) {
      HttpClient client = HttpClient.newHttpClient();
      for (int round = 0; round < perTopic; round++) {
        for (int t = 0; t < topics; t++) {
          HttpResponse<String> r = client.send(post(server.uri("/publish/t" + t), body), HttpResponse.BodyHandlers.ofString());
          statuses.merge(r.statusCode(), 1, Integer::sum);
        }
      }
      // a stream opened afterwards gets a live event
      HttpResponse<InputStream> stream =
          client.send(
              HttpRequest.newBuilder(server.uri("/t/t0")).header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      CompletableFuture<Boolean> live =
          CompletableFuture.supplyAsync(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    if (line.equals("data: after")) {
                      return true;
                    }
                  }
                  return false;
                } catch (Exception e) {
                  return false;
                }
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> router.hub().streamCount("t0") == 1);
      client.send(post(server.uri("/publish/t0"), "{\"data\":\"after\"}"), HttpResponse.BodyHandlers.ofString());
      boolean gotIt = live.get(10, TimeUnit.SECONDS);
      router.close();
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.println("statuses=" + statuses + " live=" + gotIt + " heapUsedAfterGc=" + heap);
    }
    System.exit(0);
  }

  private static HttpRequest post(URI uri, String body) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

}
