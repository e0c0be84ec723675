package org.ssekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssekit.broker.Broker;
import org.ssekit.broker.BrokerHealth;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.broker.Message;

/**
 * The races of the topic index and of resumption, now that neither the network nor user code runs
 * under a hub, topic or stream monitor: two first streams of one topic, a close while the broker
 * subscribes, a failed subscribe, live delivery while the adapter replays, and a seeded
 * many-thread open/close storm that must leave no subscription behind.
 */
class TopicIndexRaceTest {

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A broker whose subscribe waits for a gate (a slow network), counting what is open. */
  static final class GatedBroker implements Broker {
    final InMemoryBroker inner = InMemoryBroker.builder().executor(Runnable::run).build();
    final AtomicInteger subscribes = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile @Nullable RuntimeException failure;

    @Override
    public BrokerHealth health() {
      return inner.health();
    }

    @Override
    public Optional<EventLog> history() {
      return inner.history();
    }

    @Override
    public CompletionStage<Message> publish(String topic, Message message) {
      return inner.publish(topic, message);
    }

    @Override
    public Subscription subscribe(String topic, MessageHandler handler) {
      subscribes.incrementAndGet();
      entered.countDown();
      try {
        if (!gate.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
      Subscription s = inner.subscribe(topic, handler);
      open.incrementAndGet();
      return () -> {
        open.decrementAndGet();
        s.close();
      };
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static StreamRequest plain() {
    return StreamRequest.builder().build();
  }

  @Test
  void twoFirstStreamsOfATopicSubscribeOnceAndNeitherHoldsTheTopicWhileTheBrokerIsSlow()
      throws Exception {
    GatedBroker broker = new GatedBroker();
    broker.gate = new CountDownLatch(1);
    try (Hub hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build()) {
      RecordingSink a = RecordingSink.create();
      RecordingSink b = RecordingSink.create();
      Future<StreamConnection> first = pool.submit(() -> a.open(hub, "t", StreamAdapter.passThrough(), plain()));
      assertThat(broker.entered.await(5, TimeUnit.SECONDS)).isTrue();
      Future<StreamConnection> second = pool.submit(() -> b.open(hub, "t", StreamAdapter.passThrough(), plain()));
      // both are members while the broker still subscribes; reading the index does not wait for it
      await().atMost(Duration.ofSeconds(5)).until(() -> hub.streamCount("t") == 2);
      assertThat(second).isNotDone(); // it waits for the subscription, so its replay would miss nothing
      broker.gate.countDown();
      first.get(5, TimeUnit.SECONDS);
      second.get(5, TimeUnit.SECONDS);
      assertThat(broker.subscribes).hasValue(1);
      hub.publish("t", Event.of("x")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> a.data().equals(List.of("x")) && b.data().equals(List.of("x")));
    }
  }

  @Test
  void aStreamClosedWhileItsTopicSubscribesLeavesNoSubscriptionBehind() throws Exception {
    GatedBroker broker = new GatedBroker();
    broker.gate = new CountDownLatch(1);
    try (Hub hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build()) {
      RecordingSink a = RecordingSink.create();
      Future<StreamConnection> opening = pool.submit(() -> a.open(hub, "t", StreamAdapter.passThrough(), plain()));
      assertThat(broker.entered.await(5, TimeUnit.SECONDS)).isTrue();
      EventStream s = hub.streams().iterator().next();
      s.close(); // from another thread, while the broker is still subscribing
      assertThat(hub.streamCount("t")).isZero();
      broker.gate.countDown();
      opening.get(5, TimeUnit.SECONDS);
      assertThat(broker.subscribes).hasValue(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> broker.open.get() == 0);
      assertThat(a.closedCalls()).isEqualTo(1);
      // the topic starts afresh for the next stream
      RecordingSink again = RecordingSink.create();
      again.open(hub, "t", StreamAdapter.passThrough(), plain());
      assertThat(broker.subscribes).hasValue(2);
      assertThat(broker.open).hasValue(1);
    }
  }

  @Test
  void aFailedSubscribeRejectsTheStreamsWaitingForItAndTheNextStreamRetries() throws Exception {
    GatedBroker broker = new GatedBroker();
    broker.gate = new CountDownLatch(1);
    broker.failure = new IllegalStateException("network down");
    try (Hub hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build()) {
      Future<StreamConnection> first =
          pool.submit(() -> RecordingSink.create().open(hub, "t", StreamAdapter.passThrough(), plain()));
      assertThat(broker.entered.await(5, TimeUnit.SECONDS)).isTrue();
      Future<StreamConnection> second =
          pool.submit(() -> RecordingSink.create().open(hub, "t", StreamAdapter.passThrough(), plain()));
      await().atMost(Duration.ofSeconds(5)).until(() -> hub.streamCount("t") == 2);
      broker.gate.countDown();
      for (Future<StreamConnection> f : List.of(first, second)) {
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
            .hasCauseInstanceOf(StreamRejectedException.class);
      }
      assertThat(hub.streamCount()).isZero();
      broker.failure = null;
      RecordingSink ok = RecordingSink.create();
      ok.open(hub, "t", StreamAdapter.passThrough(), plain());
      hub.publish("t", Event.of("y")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(5)).until(() -> ok.data().equals(List.of("y")));
    }
  }

  @Test
  void liveDeliveryIsNotHeldUpWhileTheAdapterReplaysAndNothingIsLostOrDoubled() throws Exception {
    InMemoryBroker broker = InMemoryBroker.builder().executor(Runnable::run).build();
    try (Hub hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(hub.publish("t", Event.of("old" + i)).toCompletableFuture().get().id().orElseThrow());
      }
      // gates on the adapter: one while it maps the first history message, one while it maps the
      // first buffered live message (the drain, which used to run under the stream's monitor)
      CountDownLatch inHistory = new CountDownLatch(1);
      CountDownLatch releaseHistory = new CountDownLatch(1);
      CountDownLatch inDrain = new CountDownLatch(1);
      CountDownLatch releaseDrain = new CountDownLatch(1);
      AtomicInteger underLock = new AtomicInteger();
      StreamAdapter slow =
          new StreamAdapter() {
            @Override
            public @Nullable Event next(StreamRequest request, Message message) {
              for (EventStream s : hub.streams()) {
                if (Thread.holdsLock(s)) {
                  underLock.incrementAndGet();
                }
              }
              String data = message.toEvent().data().orElse("");
              if (data.equals("old1")) {
                pass(inHistory, releaseHistory);
              } else if (data.equals("live1")) {
                pass(inDrain, releaseDrain);
              }
              return StreamAdapter.passThrough().next(request, message);
            }
          };
      RecordingSink sink = RecordingSink.create();
      Future<StreamConnection> opening =
          pool.submit(() -> sink.open(hub, "t", slow, StreamRequest.builder().lastEventId(ids.get(0)).build()));
      assertThat(inHistory.await(5, TimeUnit.SECONDS)).isTrue();
      // published while the history is replayed: buffered for the drain
      assertThat(hub.publish("t", Event.of("live1")).toCompletableFuture().get(2, TimeUnit.SECONDS).id()).isPresent();
      releaseHistory.countDown();
      assertThat(inDrain.await(5, TimeUnit.SECONDS)).isTrue();
      // the opener is inside the adapter, draining; a live publish (delivered synchronously on
      // this thread) must not wait for it
      CompletableFuture<Message> live2 = hub.publish("t", Event.of("live2")).toCompletableFuture();
      assertThat(live2.get(2, TimeUnit.SECONDS).id()).isPresent();
      releaseDrain.countDown();
      opening.get(5, TimeUnit.SECONDS);
      hub.publish("t", Event.of("live3")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> sink.data().equals(List.of("old1", "old2", "live1", "live2", "live3")));
      assertThat(underLock).hasValue(0);
    }
  }

  private static void pass(CountDownLatch entered, CountDownLatch release) {
    if (entered.getCount() == 0) {
      return;
    }
    entered.countDown();
    try {
      if (!release.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aSeededStormOfOpensAndClosesOnFewTopicsLeavesNoStreamAndNoSubscription() throws Exception {
    GatedBroker broker = new GatedBroker(); // gate open: subscribes are quick but concurrent
    int threads = 8;
    int rounds = 400;
    try (Hub hub = Hub.builder().broker(broker).heartbeat(Duration.ZERO).build()) {
      List<Future<?>> work = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        Random random = new Random(42 + w);
        work.add(
            pool.submit(
                () -> {
                  List<StreamConnection> mine = new ArrayList<>();
                  for (int i = 0; i < rounds; i++) {
                    if (mine.isEmpty() || random.nextInt(3) > 0) {
                      String topic = "storm-" + random.nextInt(4);
                      mine.add(RecordingSink.create().open(hub, topic, StreamAdapter.passThrough(), plain()));
                    } else {
                      mine.remove(random.nextInt(mine.size())).stream().close();
                    }
                  }
                  for (StreamConnection c : mine) {
                    assertThat(c.stream().isOpen()).isTrue();
                    c.stream().close();
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(hub.streamCount()).isZero();
      for (int t = 0; t < 4; t++) {
        assertThat(hub.streamCount("storm-" + t)).isZero();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> broker.open.get() == 0);
      assertThat(broker.subscribes.get()).isPositive();
    }
  }
}
