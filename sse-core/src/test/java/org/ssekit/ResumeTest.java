package org.ssekit;

import org.ssekit.broker.Broker;
import org.ssekit.broker.BrokerHealth;
import org.ssekit.broker.DuplicateIdException;
import org.ssekit.broker.Subscriber;
import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.broker.TestLogs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResumeTest {

  private final AtomicLong clock = new AtomicLong();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Hub hub(InMemoryBroker broker) {
    Hub hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build();
    closeables.add(hub);
    closeables.add(broker);
    return hub;
  }

  private Hub syncHub(int maxEvents) {
    return hub(
        InMemoryBroker.builder()
            .executor(Runnable::run)
            .history(TestLogs.inMemory(maxEvents, Duration.ofMinutes(1), clock::get))
            .build());
  }

  private static RecordingSink resume(Hub hub, String topic, @Nullable String lastEventId) {
    return resume(hub, topic, StreamAdapter.passThrough(), lastEventId);
  }

  private static RecordingSink resume(
      Hub hub, String topic, StreamAdapter adapter, @Nullable String lastEventId) {
    RecordingSink s = RecordingSink.create();
    s.open(hub, topic, adapter, StreamRequest.builder().lastEventId(lastEventId).build());
    return s;
  }

  private static String publish(Hub hub, String topic, String data) {
    return hub.publish(topic, Event.of(data)).toCompletableFuture().join().id().orElseThrow();
  }

  @Test
  void replaysMissedEventsAfterLastEventIdThenGoesLive() {
    Hub hub = syncHub(100);
    publish(hub, "t", "a");
    String b = publish(hub, "t", "b");
    publish(hub, "t", "c");
    publish(hub, "t", "d");
    RecordingSink s = resume(hub, "t", b);
    publish(hub, "t", "e");
    assertThat(s.data()).containsExactly("c", "d", "e");
    assertThat(s.events()).noneMatch(e -> e.name().isPresent());
  }

  /**
   * Issue 15.3: a publisher's id shaped like the ids the history assigns ({@code <run>-5} as the
   * 2nd event) made a client resuming from it skip three events without a reset. It is refused
   * now, and resuming from any id either replays exactly what followed or signals the gap.
   */
  @Test
  void aPublisherIdAliasingAnAssignedIdIsRefusedSoNoResumeSkipsEventsSilently() {
    Hub hub = syncHub(100);
    String first = publish(hub, "t", "1");
    String run = first.substring(0, first.lastIndexOf('-'));
    var alias = hub.publish("t", Event.builder().id(run + "-5").data("2").build()).toCompletableFuture();
    assertThat(alias).isCompletedExceptionally();
    assertThatThrownBy(alias::join).hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has the form of the ids this history assigns");
    publish(hub, "t", "3");
    publish(hub, "t", "4");
    publish(hub, "t", "5");

    RecordingSink fromAlias = resume(hub, "t", run + "-5");
    assertThat(fromAlias.events().get(0).name()).contains(StreamAdapter.RESET_EVENT);
    assertThat(fromAlias.data()).endsWith("1", "3", "4", "5");
    RecordingSink fromFirst = resume(hub, "t", first);
    assertThat(fromFirst.data()).containsExactly("3", "4", "5");
  }

  @Test
  void aDuplicatePublisherIdIsRefusedAndNotDelivered() {
    Hub hub = syncHub(100);
    RecordingSink live = resume(hub, "t", null);
    hub.publish("t", Event.builder().id("order-1").data("a").build()).toCompletableFuture().join();
    var again = hub.publish("t", Event.builder().id("order-1").data("b").build()).toCompletableFuture();
    assertThatThrownBy(again::join).hasCauseInstanceOf(DuplicateIdException.class);
    publish(hub, "t", "c");
    assertThat(live.data()).containsExactly("a", "c");
    assertThat(resume(hub, "t", "order-1").data()).containsExactly("c");
  }

  @Test
  void resumingFromTheNewestIdReplaysNothingAndSendsNoGapSignal() {
    Hub hub = syncHub(100);
    publish(hub, "t", "a");
    String newest = publish(hub, "t", "b");
    RecordingSink s = resume(hub, "t", newest);
    publish(hub, "t", "c");
    assertThat(s.data()).containsExactly("c");
  }

  @Test
  void unknownIdSendsTheHistoryGapSignalFirst() {
    Hub hub = syncHub(100);
    publish(hub, "t", "a");
    publish(hub, "t", "b");
    RecordingSink s = resume(hub, "t", "from-another-run-1");
    publish(hub, "t", "c");
    List<Event> got = s.events();
    assertThat(got.get(0).name()).contains(StreamAdapter.RESET_EVENT);
    assertThat(got.get(0).data()).contains("from-another-run-1");
    assertThat(s.data()).containsExactly("from-another-run-1", "a", "b", "c");
  }

  @Test
  void expiredIdSendsTheHistoryGapSignalFirst() {
    Hub hub = syncHub(100);
    String old = publish(hub, "t", "old");
    clock.addAndGet(Duration.ofMinutes(2).toNanos());
    publish(hub, "t", "fresh");
    RecordingSink s = resume(hub, "t", old);
    assertThat(s.events().get(0).name()).contains(StreamAdapter.RESET_EVENT);
    assertThat(s.data()).containsExactly(old, "fresh");
  }

  @Test
  void idEvictedByTheCountBoundSendsTheGapSignal() {
    Hub hub = syncHub(3);
    String first = publish(hub, "t", "1");
    for (int i = 2; i <= 6; i++) {
      publish(hub, "t", Integer.toString(i));
    }
    RecordingSink s = resume(hub, "t", first);
    assertThat(s.events().get(0).name()).contains(StreamAdapter.RESET_EVENT);
    assertThat(s.data()).containsExactly(first, "4", "5", "6");
  }

  @Test
  void adapterDecidesTheGapSignal() {
    Hub hub = syncHub(100);
    publish(hub, "t", "a");
    StreamAdapter silent =
        new StreamAdapter() {
          @Override
          public @Nullable Event historyGap(StreamRequest request, String lastEventId) {
            return null;
          }
        };
    StreamAdapter reload =
        new StreamAdapter() {
          @Override
          public Event historyGap(StreamRequest request, String lastEventId) {
            return Event.of("reload", "");
          }
        };
    assertThat(resume(hub, "t", silent, "unknown").data()).containsExactly("a");
    RecordingSink r = resume(hub, "t", reload, "unknown");
    assertThat(r.events().get(0)).isEqualTo(Event.of("reload", ""));
  }

  @Test
  void failingHistoryGapClosesOnlyThatStream() {
    Hub hub = syncHub(100);
    StreamAdapter failing =
        new StreamAdapter() {
          @Override
          public Event historyGap(StreamRequest request, String lastEventId) {
            throw new IllegalStateException("boom");
          }
        };
    RecordingSink s = resume(hub, "t", failing, "unknown");
    assertThat(s.connection().stream().isOpen()).isFalse();
    assertThat(s.closedCalls()).isEqualTo(1);
    assertThat(hub.streamCount()).isZero();
  }

  @Test
  void replayHonoursTheStreamsRoutingKey() {
    Hub hub = syncHub(100);
    String start = publish(hub, "t", "start");
    hub.publish("t", "a", Event.of("for a"));
    hub.publish("t", "b", Event.of("for b"));
    hub.publish("t", Event.of("for all"));
    StreamAdapter byKey =
        new StreamAdapter() {
          @Override
          public Optional<String> routingKey(StreamRequest request) {
            return request.queryParam("key");
          }
        };
    RecordingSink s = RecordingSink.create();
    s.open(hub, "t", byKey, StreamRequest.builder().queryParam("key", "a").lastEventId(start).build());
    assertThat(s.data()).containsExactly("for a", "for all");
  }

  @Test
  void noLastEventIdMeansNoReplay() {
    Hub hub = syncHub(100);
    publish(hub, "t", "a");
    RecordingSink s = resume(hub, "t", null);
    publish(hub, "t", "b");
    assertThat(s.data()).containsExactly("b");
  }

  /**
   * A broker whose deliveries the test makes by hand, with a hook that runs inside the history
   * read: it simulates live delivery racing with a resuming stream's replay.
   */
  static final class ManualBroker implements Broker {
    final EventLog log = TestLogs.inMemory(100, Duration.ofMinutes(1), System::nanoTime);
    final List<Message> published = new ArrayList<>();
    Subscriber.@Nullable MessageHandler handler;
    Runnable duringRead = () -> {};

    @Override
    public Optional<EventLog> history() {
      return Optional.of(
          new EventLog() {
            @Override
            public Message append(String topic, Message message) {
              return log.append(topic, message);
            }

            @Override
            public Replay readAfter(String topic, String lastEventId, int limit) {
              duringRead.run();
              return log.readAfter(topic, lastEventId, limit);
            }
          });
    }

    @Override
    public java.util.concurrent.CompletionStage<Message> publish(String topic, Message message) {
      Message stored = log.append(topic, message);
      published.add(stored);
      return java.util.concurrent.CompletableFuture.completedFuture(stored);
    }

    @Override
    public Subscription subscribe(String topic, MessageHandler h) {
      handler = h;
      return () -> handler = null;
    }

    void deliver(int index) {
      java.util.Objects.requireNonNull(handler).onMessage("t", published.get(index));
    }

    @Override
    public BrokerHealth health() {
      return BrokerHealth.up("test");
    }

    @Override
    public void close() {}
  }

  @Test
  void resumeSkipsWhatTheClientHasWhenLiveDeliveryLagsBehindIt() {
    ManualBroker broker = new ManualBroker();
    Hub hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build();
    closeables.add(hub);
    RecordingSink other = resume(hub, "t", null); // keeps the topic subscribed
    for (int i = 0; i < 3; i++) {
      hub.publish("t", Event.of("m" + i));
    }
    String m0 = broker.published.get(0).id().orElseThrow();
    // the client got m0 elsewhere; this instance's delivery of m0 and m1 runs during the replay
    broker.duringRead = () -> {
      broker.deliver(0);
      broker.deliver(1);
    };
    RecordingSink s = resume(hub, "t", m0);
    broker.duringRead = () -> {};
    broker.deliver(2); // replayed already: must not come again
    hub.publish("t", Event.of("m3"));
    broker.deliver(3);
    assertThat(s.data()).containsExactly("m1", "m2", "m3");
    assertThat(other.data()).containsExactly("m0", "m1", "m2", "m3");
  }

  /**
   * Many threads publish while clients keep reconnecting with the id of an event they received. A reference stream open from the start receives everything in history order;
   * every resumed stream must receive exactly the reference's events after its last event id: no
   * gap, no duplicate, same order.
   */
  @Test
  void resumesWithoutGapOrDuplicateWhilePublishersRunConcurrently() throws Exception {
    int publishers = 8;
    int perPublisher = 1_000;
    int total = publishers * perPublisher;
    ExecutorService dispatch = Executors.newFixedThreadPool(2);
    closeables.add(dispatch::shutdownNow);
    InMemoryBroker broker =
        InMemoryBroker.builder()
            .executor(dispatch)
            .history(EventLog.inMemory(total + 10, Duration.ofMinutes(5)))
            .build();
    // Live delivery may fall far behind publishing here: let a replay cover the whole history, and
    // let live events pile up while a resuming stream's sink is not attached yet (the opening
    // thread competes with the publishers for the CPU): this test is about order, not slowness.
    Hub hub =
        Hub.builder()
            .broker(broker)
            .heartbeat(Duration.ZERO)
            .replayLimit(total + 10)
            .queueCapacity(total + 10)
            .build();
    closeables.add(hub);
    closeables.add(broker);
    String topic = "resume-" + System.nanoTime();
    RecordingSink reference = resume(hub, topic, null);
    String seed = publish(hub, topic, "seed");
    await().atMost(Duration.ofSeconds(10)).until(() -> reference.ids().contains(seed));

    ExecutorService pool = Executors.newFixedThreadPool(publishers + 1);
    closeables.add(pool::shutdownNow);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int publisher = p;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perPublisher; i++) {
                  hub.publish(topic, Event.of(publisher + ":" + i));
                }
                return null;
              }));
    }
    List<RecordingSink> resumed = new ArrayList<>();
    List<String> resumedFrom = new ArrayList<>();
    Future<?> reconnecting =
        pool.submit(
            () -> {
              start.await();
              for (int i = 0; i < 30; i++) {
                // a client resumes from an id it received: the newest one the reference stream
                // got (the history is then usually ahead of live delivery), or an older one
                List<String> seen = reference.ids();
                String from = seen.get(i % 3 == 0 ? seen.size() / 2 : seen.size() - 1);
                resumedFrom.add(from);
                resumed.add(resume(hub, topic, from));
                Thread.yield();
              }
              return null;
            });
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    reconnecting.get(60, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(30)).until(() -> reference.ids().size() == total + 1);
    List<String> all = reference.ids();
    assertThat(all).doesNotHaveDuplicates();
    for (int i = 0; i < resumed.size(); i++) {
      RecordingSink s = resumed.get(i);
      int from = all.indexOf(resumedFrom.get(i));
      assertThat(from).isNotNegative();
      List<String> expected = all.subList(from + 1, all.size());
      int n = i;
      try {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> s.ids().size() >= expected.size() || !s.connection().stream().isOpen());
      } catch (ConditionTimeoutException e) {
        // fall through: the assertion below says what is missing
      }
      assertThat(s.connection().stream().isOpen()).as("stream %d open", n).isTrue();
      assertThat(s.events()).as("stream %d", n).noneMatch(e -> e.name().isPresent());
      List<String> got = s.ids();
      assertThat(got)
          .as("stream %d resumed after %s: %s", n, resumedFrom.get(i), difference(expected, got))
          .isEqualTo(expected);
    }
  }

  private static String difference(List<String> expected, List<String> got) {
    int i = 0;
    while (i < expected.size() && i < got.size() && expected.get(i).equals(got.get(i))) {
      i++;
    }
    return "expected " + expected.size() + " ids, got " + got.size() + ", first difference at " + i
        + ": expected " + (i < expected.size() ? expected.get(i) : "<end>")
        + ", got " + (i < got.size() ? got.get(i) : "<end>")
        + (got.size() != new java.util.HashSet<>(got).size() ? " (duplicates)" : "");
  }
}
