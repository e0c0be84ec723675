package org.ssekit;

import org.ssekit.broker.Broker;
import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubTest {

  private final RecordingListener listener = new RecordingListener();
  private final List<Hub> hubs = new ArrayList<>();

  /** A hub whose broker delivers on the publishing thread, so publish returns after delivery. */
  private Hub hub(SlowConsumerPolicy policy, int capacity) {
    Hub h =
        Hub.builder()
            .broker(InMemoryBroker.builder().executor(Runnable::run).build())
            .heartbeat(Duration.ZERO)
            .slowConsumerPolicy(policy)
            .queueCapacity(capacity)
            .listener(listener)
            .build();
    hubs.add(h);
    return h;
  }

  private Hub hub() {
    return hub(SlowConsumerPolicy.CLOSE, 1024);
  }

  @AfterEach
  void closeHubs() {
    hubs.forEach(h -> {
      h.close();
      h.broker().close();
    });
  }

  private static StreamRequest user(String user) {
    return StreamRequest.builder().path("/s").principal(user).build();
  }

  private static RecordingSink open(Hub hub, String topic) {
    return open(hub, topic, StreamAdapter.passThrough(), StreamRequest.of("/s"));
  }

  private static RecordingSink open(Hub hub, String topic, StreamAdapter a, StreamRequest r) {
    RecordingSink sink = RecordingSink.create();
    sink.open(hub, topic, a, r);
    return sink;
  }

  /** An adapter routing by the request's path parameter {@code key}. */
  private static final StreamAdapter BY_KEY =
      new StreamAdapter() {
        @Override
        public Optional<String> routingKey(StreamRequest request) {
          return request.pathParam("key");
        }
      };

  private static StreamRequest key(String k) {
    return StreamRequest.builder().pathParam("key", k).build();
  }

  @Test
  void deliversPublishedEventsInOrderToEveryStreamOfTheTopic() {
    Hub hub = hub();
    RecordingSink a = open(hub, "t");
    RecordingSink b = open(hub, "t");
    RecordingSink other = open(hub, "u");
    for (int i = 0; i < 5; i++) {
      hub.publish("t", Event.of("e" + i)).toCompletableFuture().join();
    }
    assertThat(a.data()).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(b.data()).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(other.events()).isEmpty();
    assertThat(hub.streamCount()).isEqualTo(3);
    assertThat(hub.streamCount("t")).isEqualTo(2);
  }

  @Test
  void publishAssignsHistoryIdsThatStreamsSee() {
    Hub hub = hub();
    RecordingSink a = open(hub, "t");
    Message stored = hub.publish("t", Event.of("x")).toCompletableFuture().join();
    assertThat(stored.id()).isPresent();
    assertThat(a.ids()).containsExactly(stored.id().orElseThrow());
    assertThat(a.connection().stream().lastEventId()).isEqualTo(stored.id());
  }

  @Test
  void rejectionCarriesStatusAndBodyAndOpensNothing() {
    Hub hub = hub();
    StreamAdapter forbidding =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            return InitialResponse.reject(403, "not yours");
          }
        };
    assertThatThrownBy(() -> open(hub, "t", forbidding, StreamRequest.of("/s")))
        .isInstanceOfSatisfying(
            StreamRejectedException.class,
            e -> {
              assertThat(e.response().status()).isEqualTo(403);
              assertThat(e.response().contentType()).isEqualTo("application/json");
              assertThat(new String(e.response().body(), UTF_8)).isEqualTo("{\"error\":\"not yours\"}");
            });
    assertThat(hub.streamCount()).isZero();
    assertThat(listener.calls()).isEmpty();
  }

  @Test
  void adapterFailureInInitialOrRoutingKeyRejectsWith500() {
    Hub hub = hub();
    StreamAdapter throwingInitial =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            throw new IllegalStateException("boom");
          }
        };
    StreamAdapter throwingKey =
        new StreamAdapter() {
          @Override
          public Optional<String> routingKey(StreamRequest request) {
            throw new IllegalStateException("boom");
          }
        };
    for (StreamAdapter a : List.of(throwingInitial, throwingKey)) {
      assertThatThrownBy(() -> open(hub, "t", a, StreamRequest.of("/s")))
          .isInstanceOfSatisfying(
              StreamRejectedException.class, e -> assertThat(e.response().status()).isEqualTo(500));
    }
    assertThat(hub.streamCount()).isZero();
    assertThat(hub.streamCount("t")).isZero();
  }

  @Test
  void adapterFailureInNextClosesOnlyThatStream() {
    Hub hub = hub();
    StreamAdapter failing =
        new StreamAdapter() {
          @Override
          public @Nullable Event next(StreamRequest request, Message message) {
            throw new IllegalStateException("boom");
          }
        };
    RecordingSink bad = open(hub, "t", failing, StreamRequest.of("/s"));
    RecordingSink good = open(hub, "t");
    hub.publish("t", Event.of("x")).toCompletableFuture().join();
    hub.publish("t", Event.of("y")).toCompletableFuture().join();
    assertThat(bad.connection().stream().isOpen()).isFalse();
    assertThat(bad.closedCalls()).isEqualTo(1);
    assertThat(good.data()).containsExactly("x", "y");
    assertThat(listener.calls("closed")).containsExactly("closed " + bad.connection().stream().id() + " ERROR");
    assertThat(hub.streamCount()).isEqualTo(1);
  }

  @Test
  void nextReturningNullSkipsTheMessageForThatStream() {
    Hub hub = hub();
    StreamAdapter evenOnly =
        new StreamAdapter() {
          @Override
          public @Nullable Event next(StreamRequest request, Message message) {
            int n = Integer.parseInt(message.payloadAsString());
            return n % 2 == 0 ? Event.of("even " + n) : null;
          }
        };
    RecordingSink s = open(hub, "t", evenOnly, StreamRequest.of("/s"));
    for (int i = 0; i < 5; i++) {
      hub.publish("t", Event.of(Integer.toString(i)));
    }
    assertThat(s.data()).containsExactly("even 0", "even 2", "even 4");
  }

  @Test
  void sendsRetryHintAndInitialEventsBeforeLiveOnes() {
    Hub hub =
        Hub.builder()
            .broker(InMemoryBroker.builder().executor(Runnable::run).build())
            .heartbeat(Duration.ZERO)
            .retry(Duration.ofSeconds(2))
            .build();
    hubs.add(hub);
    StreamAdapter withInitial =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            return InitialResponse.accept(Event.of("state", "s0"), Event.of("s1"));
          }
        };
    RecordingSink s = open(hub, "t", withInitial, StreamRequest.of("/s"));
    hub.publish("t", Event.of("live"));
    List<Event> got = s.events();
    assertThat(got).hasSize(4);
    assertThat(got.get(0).retry()).contains(Duration.ofSeconds(2));
    assertThat(got.get(1)).isEqualTo(Event.of("state", "s0"));
    assertThat(got.get(2)).isEqualTo(Event.of("s1"));
    assertThat(got.get(3).data()).contains("live");
  }

  @Test
  void routingKeysLetAMessageVisitOnlyMatchingStreams() {
    Hub hub = hub();
    AtomicInteger nextCalls = new AtomicInteger();
    StreamAdapter counting =
        new StreamAdapter() {
          @Override
          public Optional<String> routingKey(StreamRequest request) {
            return request.pathParam("key");
          }

          @Override
          public @Nullable Event next(StreamRequest request, Message message) {
            nextCalls.incrementAndGet();
            return message.toEvent();
          }
        };
    RecordingSink a1 = open(hub, "posts", counting, key("a"));
    RecordingSink a2 = open(hub, "posts", counting, key("a"));
    RecordingSink b = open(hub, "posts", counting, key("b"));
    RecordingSink all = open(hub, "posts", counting, StreamRequest.of("/all"));
    hub.publish("posts", "a", Event.of("for a"));
    assertThat(nextCalls.get()).isEqualTo(3); // a1, a2 and the stream taking everything; not b
    hub.publish("posts", "c", Event.of("for c"));
    hub.publish("posts", Event.of("for everyone"));
    assertThat(a1.data()).containsExactly("for a", "for everyone");
    assertThat(a2.data()).containsExactly("for a", "for everyone");
    assertThat(b.data()).containsExactly("for everyone");
    assertThat(all.data()).containsExactly("for a", "for c", "for everyone");
  }

  @Test
  void sendToUserReachesEveryStreamOfThatUserOnly() {
    Hub hub = hub();
    RecordingSink u1a = open(hub, "t", StreamAdapter.passThrough(), user("u1"));
    RecordingSink u1b = open(hub, "other", StreamAdapter.passThrough(), user("u1"));
    RecordingSink u2 = open(hub, "t", StreamAdapter.passThrough(), user("u2"));
    assertThat(hub.sendToUser("u1", Event.of("hi u1"))).isEqualTo(2);
    assertThat(u1a.data()).containsExactly("hi u1");
    assertThat(u1b.data()).containsExactly("hi u1");
    assertThat(u2.data()).isEmpty();
    assertThat(u1a.connection().stream().userId()).contains("u1");
    assertThat(hub.sendToUser("nobody", Event.of("lost"))).isZero();
    assertThat(listener.calls("pushFailed")).containsExactly("pushFailed nobody lost");
    u1a.connection().close(CloseReason.CLIENT_GONE);
    u1b.connection().close(CloseReason.CLIENT_GONE);
    assertThat(hub.sendToUser("u1", Event.of("gone"))).isZero();
    assertThat(listener.calls("pushFailed")).endsWith("pushFailed u1 gone");
  }

  @Test
  void sendReachesOneStreamAndReportsUnknownIds() {
    Hub hub = hub();
    RecordingSink a = open(hub, "t");
    RecordingSink b = open(hub, "t");
    String id = a.connection().stream().id();
    assertThat(hub.send(id, Event.of("only a"))).isTrue();
    assertThat(a.data()).containsExactly("only a");
    assertThat(b.data()).isEmpty();
    assertThat(hub.stream(id)).containsSame(a.connection().stream());
    assertThat(hub.send("no-such-stream", Event.of("x"))).isFalse();
    assertThat(listener.calls("pushFailed")).containsExactly("pushFailed no-such-stream x");
    assertThat(a.connection().stream().send(Event.of("direct"))).isTrue();
    assertThat(a.data()).containsExactly("only a", "direct");
  }

  @Test
  void broadcastReachesEveryOpenStreamOfEveryTopic() {
    Hub hub = hub();
    RecordingSink a = open(hub, "t");
    RecordingSink b = open(hub, "u");
    RecordingSink c = open(hub, "u", BY_KEY, key("k"));
    c.connection().close(CloseReason.CLIENT_GONE);
    assertThat(hub.broadcast(Event.of("all"))).isEqualTo(2);
    assertThat(a.data()).containsExactly("all");
    assertThat(b.data()).containsExactly("all");
    assertThat(c.data()).isEmpty();
  }

  @Test
  void listenersHearConnectedOnceAndClosedExactlyOnce() throws Exception {
    Hub hub = hub();
    RecordingSink s = open(hub, "t");
    EventStream stream = s.connection().stream();
    assertThat(listener.calls()).containsExactly("connected " + stream.id());
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int i = 0; i < threads; i++) {
      int n = i;
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            if (n % 2 == 0) {
              stream.close();
            } else {
              s.connection().close(CloseReason.CLIENT_GONE);
            }
          });
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    hub.close();
    assertThat(listener.calls("closed")).hasSize(1);
    assertThat(s.closedCalls()).isEqualTo(1);
    assertThat(stream.isOpen()).isFalse();
    assertThat(stream.send(Event.of("late"))).isFalse();
    assertThat(listener.calls("pushFailed")).containsExactly("pushFailed " + stream.id() + " late");
  }

  @Test
  void aThrowingListenerDoesNotBreakTheHub() {
    RecordingListener after = new RecordingListener();
    Hub hub =
        Hub.builder()
            .broker(InMemoryBroker.builder().executor(Runnable::run).build())
            .heartbeat(Duration.ZERO)
            .listener(
                new HubListener() {
                  @Override
                  public void connected(EventStream stream) {
                    throw new IllegalStateException("listener bug");
                  }

                  @Override
                  public void closed(EventStream stream, CloseReason reason) {
                    throw new IllegalStateException("listener bug");
                  }
                })
            .listener(after)
            .build();
    hubs.add(hub);
    RecordingSink s = open(hub, "t");
    hub.publish("t", Event.of("x"));
    s.connection().close(CloseReason.CLIENT_GONE);
    assertThat(s.data()).containsExactly("x");
    assertThat(after.calls()).hasSize(2);
    assertThat(hub.streamCount()).isZero();
  }

  @Test
  void aThrowingSinkClosesOnlyItsStream() {
    Hub hub = hub();
    RecordingSink good = open(hub, "t");
    EventSink throwing =
        new EventSink() {
          @Override
          public void wake() {
            throw new IllegalStateException("sink bug");
          }

          @Override
          public void closed() {}
        };
    StreamConnection bad = hub.open("t", StreamAdapter.passThrough(), StreamRequest.of("/s"), throwing);
    hub.publish("t", Event.of("x"));
    assertThat(bad.stream().isOpen()).isFalse();
    assertThat(good.data()).containsExactly("x");
    assertThat(listener.calls("closed")).containsExactly("closed " + bad.stream().id() + " ERROR");
  }

  @Test
  void closePolicyClosesASlowStreamAndReportsThePushFailure() {
    Hub hub = hub(SlowConsumerPolicy.CLOSE, 2);
    RecordingSink slow = open(hub, "t");
    RecordingSink fast = open(hub, "t");
    slow.pause();
    for (int i = 1; i <= 3; i++) {
      hub.publish("t", Event.of("e" + i));
    }
    EventStream s = slow.connection().stream();
    assertThat(s.isOpen()).isFalse();
    assertThat(listener.calls("closed")).containsExactly("closed " + s.id() + " SLOW_CONSUMER");
    assertThat(listener.calls("pushFailed")).containsExactly("pushFailed " + s.id() + " e3");
    assertThat(fast.data()).containsExactly("e1", "e2", "e3");
    assertThat(hub.streamCount()).isEqualTo(1);
  }

  @Test
  void dropOldestPolicyDiscardsTheOldestQueuedEvent() {
    Hub hub = hub(SlowConsumerPolicy.DROP_OLDEST, 2);
    RecordingSink slow = open(hub, "t");
    slow.pause();
    for (int i = 1; i <= 4; i++) {
      hub.publish("t", Event.of("e" + i));
    }
    EventStream s = slow.connection().stream();
    assertThat(s.queued()).isEqualTo(2);
    slow.resume();
    assertThat(slow.data()).containsExactly("e3", "e4");
    assertThat(listener.calls("dropped")).hasSize(2);
    assertThat(listener.calls("dropped")).containsExactly("dropped " + s.id() + " e1", "dropped " + s.id() + " e2");
    assertThat(s.isOpen()).isTrue();
    assertThat(s.queued()).isZero();
  }

  @Test
  void dropNewestPolicyDiscardsTheArrivingEvent() {
    Hub hub = hub(SlowConsumerPolicy.DROP_NEWEST, 2);
    RecordingSink slow = open(hub, "t");
    slow.pause();
    for (int i = 1; i <= 4; i++) {
      hub.publish("t", Event.of("e" + i));
    }
    EventStream s = slow.connection().stream();
    assertThat(s.send(Event.of("direct"))).isFalse();
    slow.resume();
    assertThat(slow.data()).containsExactly("e1", "e2");
    assertThat(listener.calls("dropped"))
        .containsExactly("dropped " + s.id() + " e3", "dropped " + s.id() + " e4", "dropped " + s.id() + " direct");
    assertThat(s.isOpen()).isTrue();
  }

  @Test
  void initialEventsDoNotCountAgainstTheQueueCapacity() {
    Hub hub = hub(SlowConsumerPolicy.CLOSE, 2);
    StreamAdapter manyInitial =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            return InitialResponse.accept(
                Event.of("i1"), Event.of("i2"), Event.of("i3"), Event.of("i4"), Event.of("i5"));
          }
        };
    RecordingSink slow = RecordingSink.create();
    slow.pause();
    slow.open(hub, "t", manyInitial, StreamRequest.of("/s"));
    hub.publish("t", Event.of("l1"));
    hub.publish("t", Event.of("l2"));
    EventStream s = slow.connection().stream();
    assertThat(s.isOpen()).isTrue();
    assertThat(s.queued()).isEqualTo(7);
    hub.publish("t", Event.of("l3"));
    assertThat(s.isOpen()).isFalse();
  }

  @Test
  void queueAccountingStaysExactWhenLiveEventsInterleaveWithBacklog() {
    Hub hub = hub(SlowConsumerPolicy.CLOSE, 2);
    StreamAdapter twoInitial =
        new StreamAdapter() {
          @Override
          public InitialResponse initial(StreamRequest request) {
            return InitialResponse.accept(Event.of("i1"), Event.of("i2"));
          }
        };
    RecordingSink sink = RecordingSink.create();
    sink.pause();
    sink.open(hub, "t", twoInitial, StreamRequest.of("/s"));
    EventStream s = sink.connection().stream();
    hub.publish("t", Event.of("l1"));
    assertThat(s.queued()).isEqualTo(3);
    sink.resume();
    assertThat(s.queued()).isZero();
    sink.pause();
    // after draining, the full capacity is available to live events again
    hub.publish("t", Event.of("l2"));
    hub.publish("t", Event.of("l3"));
    assertThat(s.isOpen()).isTrue();
    assertThat(s.queued()).isEqualTo(2);
    hub.publish("t", Event.of("l4"));
    assertThat(s.isOpen()).isFalse();
  }

  @Test
  void closeEndsEveryStreamAndRefusesNewOnes() {
    Hub hub = hub();
    List<RecordingSink> sinks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sinks.add(open(hub, "t" + (i % 3)));
    }
    hub.publish("t0", Event.of("before close"));
    hub.close();
    assertThat(hub.streamCount()).isZero();
    assertThat(hub.streamCount("t0")).isZero();
    assertThat(hub.streams()).isEmpty();
    for (RecordingSink s : sinks) {
      assertThat(s.closedCalls()).isEqualTo(1);
      assertThat(s.connection().stream().isOpen()).isFalse();
    }
    assertThat(sinks.get(0).data()).containsExactly("before close");
    assertThat(listener.calls("closed")).hasSize(20).allMatch(c -> c.endsWith("HUB_CLOSED"));
    assertThatThrownBy(() -> open(hub, "t0"))
        .isInstanceOfSatisfying(
            StreamRejectedException.class, e -> assertThat(e.response().status()).isEqualTo(503));
    assertThatThrownBy(() -> hub.publish("t0", Event.of("after")).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    hub.close(); // idempotent
  }

  @Test
  void subscribesOncePerTopicAndUnsubscribesWhenTheLastStreamLeaves() {
    AtomicInteger subscribes = new AtomicInteger();
    AtomicInteger unsubscribes = new AtomicInteger();
    InMemoryBroker inner = InMemoryBroker.builder().executor(Runnable::run).build();
    Broker counting =
        new Broker() {
          @Override
          public org.ssekit.broker.BrokerHealth health() {
            return inner.health();
          }

          @Override
          public Optional<EventLog> history() {
            return inner.history();
          }

          @Override
          public java.util.concurrent.CompletionStage<Message> publish(String topic, Message message) {
            return inner.publish(topic, message);
          }

          @Override
          public Subscription subscribe(String topic, MessageHandler handler) {
            subscribes.incrementAndGet();
            Subscription s = inner.subscribe(topic, handler);
            return () -> {
              unsubscribes.incrementAndGet();
              s.close();
            };
          }

          @Override
          public void close() {
            inner.close();
          }
        };
    Hub hub = Hub.builder().broker(counting).heartbeat(Duration.ZERO).build();
    hubs.add(hub);
    List<StreamConnection> conns = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      conns.add(open(hub, "t", i % 2 == 0 ? BY_KEY : StreamAdapter.passThrough(), key("k" + i)).connection());
    }
    assertThat(subscribes.get()).isEqualTo(1);
    conns.forEach(c -> c.close(CloseReason.CLIENT_GONE));
    assertThat(unsubscribes.get()).isEqualTo(1);
    assertThat(hub.streamCount("t")).isZero();
    RecordingSink again = open(hub, "t");
    assertThat(subscribes.get()).isEqualTo(2);
    hub.publish("t", Event.of("x"));
    assertThat(again.data()).containsExactly("x");
  }

  @Test
  void aSubscriptionStillClosingDoesNotDeliverToTheStreamsOfAReopenedTopic() throws Exception {
    InMemoryBroker inner = InMemoryBroker.builder().executor(Runnable::run).build();
    CountDownLatch closing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger subscriptions = new AtomicInteger();
    Broker slowToUnsubscribe =
        new Broker() {
          @Override
          public org.ssekit.broker.BrokerHealth health() {
            return inner.health();
          }

          @Override
          public Optional<EventLog> history() {
            return inner.history();
          }

          @Override
          public java.util.concurrent.CompletionStage<Message> publish(String topic, Message message) {
            return inner.publish(topic, message);
          }

          @Override
          public Subscription subscribe(String topic, MessageHandler handler) {
            boolean first = subscriptions.incrementAndGet() == 1;
            Subscription s = inner.subscribe(topic, handler);
            return () -> {
              if (first) {
                closing.countDown();
                try {
                  release.await(); // like a network round trip: still delivering meanwhile
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              s.close();
            };
          }

          @Override
          public void close() {
            inner.close();
          }
        };
    Hub hub = Hub.builder().broker(slowToUnsubscribe).heartbeat(Duration.ZERO).build();
    hubs.add(hub);
    RecordingSink first = open(hub, "t");
    Thread leaving = new Thread(() -> first.connection().close(CloseReason.CLIENT_GONE));
    leaving.start();
    assertThat(closing.await(10, TimeUnit.SECONDS)).isTrue();
    RecordingSink second = open(hub, "t"); // a new subscription while the old one still delivers
    assertThat(subscriptions.get()).isEqualTo(2);
    hub.publish("t", Event.of("once"));
    release.countDown();
    leaving.join(10_000);
    assertThat(second.data()).containsExactly("once");
    assertThat(first.data()).isEmpty();
    inner.close();
  }

  @Test
  void streamExposesRequestAttributesAndLastEventId() {
    Hub hub = hub();
    StreamRequest req = StreamRequest.builder().path("/p").lastEventId("old-7").principal("u").build();
    RecordingSink s = RecordingSink.create();
    s.pause();
    s.open(hub, "t", StreamAdapter.passThrough(), req);
    EventStream stream = s.connection().stream();
    assertThat(stream.request()).isSameAs(req);
    assertThat(stream.topic()).isEqualTo("t");
    assertThat(stream.lastEventId()).contains("old-7");
    stream.attributes().put("a", 1);
    assertThat(stream.attributes()).containsEntry("a", 1);
    stream.send(Event.builder().id("n-1").data("x").build());
    assertThat(stream.lastEventId()).contains("old-7"); // not yet handed to the transport
    s.resume();
    assertThat(stream.lastEventId()).contains("n-1");
  }
}
