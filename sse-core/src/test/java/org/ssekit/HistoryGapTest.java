package org.ssekit;

import org.ssekit.broker.Broker;
import org.ssekit.broker.BrokerHealth;
import org.ssekit.broker.Subscriber;
import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.broker.TestLogs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A broker subscription that skips messages ({@code onGap}) makes the hub resume its streams. */
class HistoryGapTest {

  /**
   * An in-memory broker whose messages can also be appended to the history only, as if this
   * instance's subscription never read them before they were trimmed, and whose subscriptions
   * can be told of that gap like a network broker's.
   */
  private static final class GappyBroker implements Broker {
    final EventLog log = TestLogs.inMemory(2, Duration.ofMinutes(1), System::nanoTime);
    final InMemoryBroker delegate =
        InMemoryBroker.builder().executor(Runnable::run).history(log).build();
    final Map<String, List<Subscriber.MessageHandler>> handlers = new ConcurrentHashMap<>();

    void appendUndelivered(String topic, String data) {
      log.append(topic, Message.fromEvent(Event.of(data)));
    }

    void gap(String topic) {
      for (Subscriber.MessageHandler h : handlers.getOrDefault(topic, List.of())) {
        h.onGap(topic);
      }
    }

    @Override
    public Optional<EventLog> history() {
      return Optional.of(log);
    }

    @Override
    public CompletionStage<Message> publish(String topic, Message message) {
      return delegate.publish(topic, message);
    }

    @Override
    public Subscription subscribe(String topic, MessageHandler handler) {
      List<MessageHandler> list =
          handlers.computeIfAbsent(topic, k -> new CopyOnWriteArrayList<>());
      list.add(handler);
      Subscription s = delegate.subscribe(topic, handler);
      return () -> {
        list.remove(handler);
        s.close();
      };
    }

    @Override
    public BrokerHealth health() {
      return BrokerHealth.up("test");
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private final GappyBroker broker = new GappyBroker();
  private final RecordingListener listener = new RecordingListener();
  private final Hub hub =
      Hub.builder().broker(broker).heartbeat(Duration.ZERO).listener(listener).build();

  @AfterEach
  void close() {
    hub.close();
    broker.close();
  }

  private RecordingSink open(String topic, StreamAdapter adapter, StreamRequest request) {
    RecordingSink s = RecordingSink.create();
    s.open(hub, topic, adapter, request);
    return s;
  }

  private String publish(String topic, String data) {
    return hub.publish(topic, Event.of(data)).toCompletableFuture().join().id().orElseThrow();
  }

  @Test
  void gapClosesEveryStreamOfThatTopicWithHistoryGapAndNoOtherTopics() {
    StreamAdapter keyed =
        new StreamAdapter() {
          @Override
          public Optional<String> routingKey(StreamRequest request) {
            return Optional.of("k");
          }
        };
    RecordingSink a = open("gap-t", StreamAdapter.passThrough(), StreamRequest.builder().build());
    RecordingSink b = open("gap-t", keyed, StreamRequest.builder().build());
    RecordingSink other =
        open("gap-other", StreamAdapter.passThrough(), StreamRequest.builder().build());

    broker.gap("gap-t");

    String idA = a.connection().stream().id();
    String idB = b.connection().stream().id();
    String idOther = other.connection().stream().id();
    assertThat(listener.calls("closed"))
        .containsExactlyInAnyOrder(
            "closed " + idA + " " + CloseReason.HISTORY_GAP,
            "closed " + idB + " " + CloseReason.HISTORY_GAP);
    assertThat(a.connection().stream().isOpen()).isFalse();
    assertThat(b.connection().stream().isOpen()).isFalse();
    assertThat(other.connection().stream().isOpen()).isTrue();
    assertThat(hub.streamCount("gap-t")).isZero();
    assertThat(hub.streamCount("gap-other")).isEqualTo(1);
    assertThat(listener.calls("closed")).noneMatch(c -> c.contains(idOther));
  }

  @Test
  void reconnectAfterTheGapWithTheOldIdGetsTheResetEvent() {
    RecordingSink s = open("gap-r", StreamAdapter.passThrough(), StreamRequest.builder().build());
    String last = publish("gap-r", "seen");
    assertThat(s.data()).containsExactly("seen");
    // the subscription misses these, and the history bound (2) trims "seen"
    broker.appendUndelivered("gap-r", "missed-1");
    broker.appendUndelivered("gap-r", "missed-2");
    broker.gap("gap-r");
    assertThat(listener.calls("closed"))
        .containsExactly("closed " + s.connection().stream().id() + " " + CloseReason.HISTORY_GAP);

    RecordingSink again =
        open(
            "gap-r",
            StreamAdapter.passThrough(),
            StreamRequest.builder().lastEventId(last).build());
    List<Event> got = again.events();
    assertThat(got.get(0).name()).contains(StreamAdapter.RESET_EVENT);
    assertThat(got.get(0).data()).contains(last);
    assertThat(again.data()).containsExactly(last, "missed-1", "missed-2");
    assertThat(again.connection().stream().isOpen()).isTrue();
  }
}
