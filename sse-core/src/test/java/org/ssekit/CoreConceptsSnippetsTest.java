package org.ssekit;

import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** The snippets of docs/core-concepts.md, compiled and run against the real API. */
class CoreConceptsSnippetsTest {

  @Test
  void eventSnippet() {
    Event hello = Event.of("hello");
    Event tick = Event.of("tick", "{\"n\":1}");
    Event full =
        Event.builder().id("42").name("stats").data("a\nb").retry(Duration.ofSeconds(3)).build();
    Event keepAlive = Event.comment("");
    assertThat(wire(hello)).isEqualTo("data: hello\n\n");
    assertThat(wire(tick)).isEqualTo("event: tick\ndata: {\"n\":1}\n\n");
    assertThat(wire(full)).isEqualTo("id: 42\nevent: stats\nretry: 3000\ndata: a\ndata: b\n\n");
    assertThat(wire(keepAlive)).isEqualTo(":\n\n");
  }

  @Test
  void hubSnippet() {
    Hub hub =
        Hub.builder()
            .heartbeat(Duration.ofSeconds(15))
            .queueCapacity(1024)
            .slowConsumerPolicy(SlowConsumerPolicy.CLOSE)
            .build();
    try (hub) {
      RecordingSink news = RecordingSink.create();
      news.open(hub, "news", StreamAdapter.passThrough(), StreamRequest.builder().principal("alice").build());
      hub.publish("news", Event.of("breaking"));
      hub.publish("posts", "post-7", Event.of("views", "8"));
      assertThat(hub.sendToUser("alice", Event.of("notice", "hi"))).isEqualTo(1);
      assertThat(hub.broadcast(Event.of("maintenance at noon"))).isEqualTo(1);
      org.awaitility.Awaitility.await().until(() -> news.data().size() == 3);
      assertThat(news.data()).containsExactlyInAnyOrder("breaking", "hi", "maintenance at noon");
    }
  }

  /** The sink of the docs, with a direct executor and a byte buffer as its "socket". */
  static final class QueueDrainingSink implements EventSink {
    volatile StreamConnection connection;
    final Executor writerExecutor = Runnable::run;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Override
    public void wake() {
      writerExecutor.execute(this::drain);
    }

    @Override
    public void closed() {
      writerExecutor.execute(this::drain);
    }

    synchronized void drain() {
      StreamConnection c = connection;
      if (c == null) {
        return;
      }
      Event e;
      while ((e = c.poll()) != null) {
        write(e);
      }
    }

    void write(Event e) {
      byte[] b = new byte[e.encodedLength()];
      e.copyTo(b, 0);
      out.writeBytes(b);
    }
  }

  @Test
  void sinkSnippet() {
    try (Hub hub =
        Hub.builder().broker(InMemoryBroker.builder().executor(Runnable::run).noHistory().build()).build()) {
      QueueDrainingSink sink = new QueueDrainingSink();
      sink.connection = hub.open("t", StreamAdapter.passThrough(), StreamRequest.of("/t"), sink);
      sink.drain(); // poll once after open
      hub.publish("t", Event.of("x"));
      assertThat(sink.out.toString(UTF_8)).isEqualTo("data: x\n\n");
      hub.broker().close();
    }
  }

  /** The adapter of the docs. */
  static final class PostStatsAdapter implements StreamAdapter {
    @Override
    public InitialResponse initial(StreamRequest request) {
      Optional<String> post = request.pathParam("id");
      if (post.isEmpty()) {
        return InitialResponse.reject(404, "no such post");
      }
      if (request.principal().isEmpty()) {
        return InitialResponse.reject(401, "log in first");
      }
      return InitialResponse.accept(Event.of("stats", currentStats(post.get())));
    }

    @Override
    public Optional<String> routingKey(StreamRequest request) {
      return request.pathParam("id");
    }

    @Override
    public Optional<String> routingKey(Message message) {
      return message.key();
    }

    @Override
    public Event next(StreamRequest request, Message message) {
      return message.toEvent();
    }

    @Override
    public Event historyGap(StreamRequest request, String lastEventId) {
      return Event.of("reload", "");
    }

    static String currentStats(String post) {
      return "{\"post\":\"" + post + "\",\"views\":0}";
    }
  }

  @Test
  void adapterSnippet() {
    try (Hub hub = Hub.builder().broker(InMemoryBroker.builder().executor(Runnable::run).build()).build()) {
      PostStatsAdapter adapter = new PostStatsAdapter();
      assertThatThrownBy(() -> hub.open("posts", adapter, StreamRequest.of("/posts"), RecordingSink.create()))
          .isInstanceOfSatisfying(
              StreamRejectedException.class, e -> assertThat(e.response().status()).isEqualTo(404));
      RecordingSink seven = RecordingSink.create();
      seven.open(hub, "posts", adapter, StreamRequest.builder().pathParam("id", "7").principal("bob").build());
      RecordingSink eight = RecordingSink.create();
      eight.open(hub, "posts", adapter, StreamRequest.builder().pathParam("id", "8").principal("bob").build());
      hub.publish("posts", "7", Event.of("stats", "{\"post\":\"7\",\"views\":1}"));
      assertThat(seven.data()).containsExactly("{\"post\":\"7\",\"views\":0}", "{\"post\":\"7\",\"views\":1}");
      assertThat(eight.data()).containsExactly("{\"post\":\"8\",\"views\":0}");
      RecordingSink resumed = RecordingSink.create();
      resumed.open(
          hub,
          "posts",
          adapter,
          StreamRequest.builder().pathParam("id", "7").principal("bob").lastEventId("unknown").build());
      assertThat(resumed.events().get(1)).isEqualTo(Event.of("reload", ""));
      hub.broker().close();
    }
  }

  @Test
  void historySnippet() {
    InMemoryBroker broker =
        InMemoryBroker.builder()
            .history(5_000, 8 << 20, Duration.ofMinutes(30))
            .historyBudget(256 << 20)
            .maxTopics(50_000)
            .maxBacklog(10_000)
            .build();
    try (broker;
        Hub resumable = Hub.builder().broker(broker).replayLimit(5_000).build()) {
      assertThat(resumable.broker().history()).isPresent();
    }
    EventLog injected = EventLog.inMemory(5_000, Duration.ofMinutes(30));
    assertThat(injected.append("t", Message.of("x")).id()).isPresent();
  }

  private static String wire(Event e) {
    byte[] b = new byte[e.encodedLength()];
    e.copyTo(b, 0);
    return new String(b, UTF_8);
  }
}
