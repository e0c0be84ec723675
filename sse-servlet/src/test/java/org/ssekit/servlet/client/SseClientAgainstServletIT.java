package org.ssekit.servlet.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;
import org.ssekit.EventStream;
import org.ssekit.InitialResponse;
import org.ssekit.client.MessageEvent;
import org.ssekit.StreamAdapter;
import org.ssekit.StreamRequest;
import org.ssekit.client.ConnectionListener;
import org.ssekit.client.EventIterator;
import org.ssekit.client.SseClient;
import org.ssekit.client.SseException;
import org.ssekit.servlet.SseRouter;

/**
 * {@link SseClient} against a real ssekit server: an {@link SseRouter} stream servlet on embedded
 * Jetty 12, over a loopback socket. The server drops the connection by closing the hub's stream.
 */
class SseClientAgainstServletIT {

  private static final String TOPIC = "news";

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final List<Long> openedAt = new CopyOnWriteArrayList<>();
  private final List<Long> droppedAt = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private URI serve(SseRouter router) throws Exception {
    return serve(router, StreamAdapter.passThrough());
  }

  private URI serve(SseRouter router, StreamAdapter adapter) throws Exception {
    toClose.add(router);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder(router.handler(TOPIC, adapter));
    holder.setAsyncSupported(true);
    ctx.addServlet(holder, "/events");
    server.setHandler(ctx);
    server.setStopTimeout(0);
    server.start();
    toClose.add(server::stop);
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/events");
  }

  private SseClient client(URI uri, Duration initialDelay) {
    SseClient client =
        SseClient.builder(uri)
            .initialDelay(initialDelay)
            .jitter(0)
            .listener(
                new ConnectionListener() {
                  @Override
                  public void onOpen(HttpResponse.ResponseInfo response) {
                    openedAt.add(System.nanoTime());
                    log.add("open");
                  }

                  @Override
                  public void onError(SseException error) {
                    droppedAt.add(System.nanoTime());
                    log.add("error:" + error.kind());
                  }

                  @Override
                  public void onReconnecting(Duration delay) {
                    log.add("reconnecting:" + delay.toMillis());
                  }
                })
            .build();
    toClose.add(client);
    return client;
  }

  private static void publish(SseRouter router, String data) {
    router.hub().publish(TOPIC, Event.of(data)).toCompletableFuture().join();
  }

  @Test
  void resumesAfterTheServerDropsTheConnectionWithoutGapOrDuplicate() throws Exception {
    SseRouter router = SseRouter.create();
    SseClient client = client(serve(router), Duration.ofMillis(300));
    EventIterator events = client.events();
    client.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> router.hub().streamCount(TOPIC) == 1);

    publish(router, "one");
    publish(router, "two");
    MessageEvent one = events.next();
    MessageEvent two = events.next();
    assertThat(List.of(one.data(), two.data())).containsExactly("one", "two");
    assertThat(two.lastEventId()).isNotEmpty().isNotEqualTo(one.lastEventId());

    router.hub().streams().forEach(EventStream::close); // the server drops the connection
    await().atMost(Duration.ofSeconds(5)).until(() -> log.contains("reconnecting:300"));
    publish(router, "three"); // while the client is away
    publish(router, "four");

    assertThat(events.poll(Duration.ofSeconds(10))).map(MessageEvent::data).contains("three");
    assertThat(events.poll(Duration.ofSeconds(5))).map(MessageEvent::data).contains("four");
    EventStream resumed = router.hub().streams().iterator().next();
    assertThat(resumed.request().lastEventId()).contains(two.lastEventId());
    publish(router, "five");
    assertThat(events.poll(Duration.ofSeconds(5))).map(MessageEvent::data).contains("five");
    assertThat(log).containsSubsequence("open", "error:END_OF_STREAM", "reconnecting:300", "open");
  }

  @Test
  void honoursTheRetryTheServerSends() throws Exception {
    SseRouter router = SseRouter.builder().hub(h -> h.retry(Duration.ofMillis(700))).build();
    SseClient client = client(serve(router), Duration.ofMillis(10));
    EventIterator events = client.events();
    client.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> router.hub().streamCount(TOPIC) == 1);
    publish(router, "hello"); // the retry hint precedes it on the stream
    assertThat(events.next().data()).isEqualTo("hello");

    router.hub().streams().forEach(EventStream::close);
    await().atMost(Duration.ofSeconds(10)).until(() -> openedAt.size() == 2);

    Duration waited = Duration.ofNanos(openedAt.get(1) - droppedAt.get(0));
    assertThat(log).contains("reconnecting:700");
    assertThat(waited).isBetween(Duration.ofMillis(700), Duration.ofMillis(700 + 4000));
  }

  @Test
  void backsOffBoundedWhileTheServerIsUnavailableThenConnects() throws Exception {
    SseRouter router = SseRouter.create();
    AtomicInteger attempts = new AtomicInteger();
    StreamAdapter flaky =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            return attempts.incrementAndGet() <= 5
                ? InitialResponse.reject(503, "warming up")
                : InitialResponse.accept();
          }
        };
    SseClient client =
        SseClient.builder(serve(router, flaky))
            .initialDelay(Duration.ofMillis(20))
            .maxDelay(Duration.ofMillis(100))
            .listener(
                new ConnectionListener() {
                  @Override
                  public void onError(SseException error) {
                    log.add("error:" + error.status().orElse(0));
                  }

                  @Override
                  public void onReconnecting(Duration delay) {
                    log.add("reconnecting:" + delay.toMillis());
                  }
                })
            .build();
    toClose.add(client);
    client.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == SseClient.State.OPEN);
    assertThat(attempts.get()).isEqualTo(6);
    List<Long> delays =
        log.stream()
            .filter(l -> l.startsWith("reconnecting:"))
            .map(l -> Long.parseLong(l.substring("reconnecting:".length())))
            .toList();
    assertThat(log).filteredOn(l -> l.startsWith("error:")).containsOnly("error:503").hasSize(5);
    assertThat(delays).hasSize(5).allSatisfy(d -> assertThat(d).isBetween(20L, 100L));
    assertThat(delays.get(4)).isEqualTo(100L); // 20 * 2^4 = 320, capped
  }

  @Test
  void stopsWhenTheServerRefusesTheClient() throws Exception {
    SseRouter router = SseRouter.create();
    AtomicInteger attempts = new AtomicInteger();
    StreamAdapter forbidden =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            attempts.incrementAndGet();
            return InitialResponse.reject(403, "no");
          }
        };
    SseClient client = client(serve(router, forbidden), Duration.ofMillis(10)).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == SseClient.State.CLOSED);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> attempts.get() == 1);
    assertThat(log).containsExactly("error:HTTP_STATUS");
  }

  @Test
  void stopsReconnectingWhenTheServerAnswers204() throws Exception {
    SseRouter router = SseRouter.create();
    AtomicInteger attempts = new AtomicInteger();
    StreamAdapter endsAfterFirst =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            return attempts.incrementAndGet() == 1
                ? InitialResponse.accept(Event.of("hello"))
                : InitialResponse.noContent();
          }
        };
    SseClient client = client(serve(router, endsAfterFirst), Duration.ofMillis(10)).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> log.contains("open"));
    router.hub().streams().forEach(EventStream::close); // the server ends the stream; the client retries
    await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == SseClient.State.CLOSED);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> attempts.get() == 2);
  }
}
