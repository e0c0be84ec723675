package org.ssekit.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.ssekit.Event;
import org.ssekit.Hub;

/** The broker keeps a topic only while it is used, and the topic bound of its own history. */
class InMemoryBrokerTopicsTest {

  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

  private void runAll() {
    Runnable r;
    while ((r = tasks.poll()) != null) {
      r.run();
    }
  }

  @Test
  void aTopicWithoutSubscribersIsDroppedOnceDelivered() {
    InMemoryBroker broker = InMemoryBroker.builder().executor(tasks::add).noHistory().build();
    for (int i = 0; i < 1_000; i++) {
      broker.publish("t" + i, Message.of("x")).toCompletableFuture().join();
    }
    assertThat(broker.topics()).isEqualTo(1_000); // messages waiting for delivery
    runAll();
    assertThat(broker.topics()).isZero();
  }

  @Test
  void aSubscribedTopicStaysUntilItsLastSubscriptionCloses() {
    InMemoryBroker broker = InMemoryBroker.builder().executor(tasks::add).noHistory().build();
    List<String> got = new ArrayList<>();
    Subscriber.Subscription s = broker.subscribe("t", (t, m) -> got.add(m.payloadAsString()));
    Subscriber.Subscription g = broker.subscribeGroup("t", "g", (t, m) -> got.add("g:" + m.payloadAsString()));
    broker.publish("t", Message.of("a")).toCompletableFuture().join();
    runAll();
    assertThat(broker.topics()).isEqualTo(1);
    s.close();
    assertThat(broker.topics()).isEqualTo(1); // the group member still listens
    g.close();
    assertThat(broker.topics()).isZero();
    // a new subscription on the same name gets what is published from then on
    Subscriber.Subscription again = broker.subscribe("t", (t, m) -> got.add(m.payloadAsString()));
    broker.publish("t", Message.of("b")).toCompletableFuture().join();
    runAll();
    assertThat(got).containsExactly("a", "g:a", "b");
    again.close();
  }

  @Test
  void aHubsOwnBrokerRefusesATopicBeyondMaxTopics() {
    try (Hub hub = Hub.builder().maxTopics(1).historyBudget(1 << 20).build()) {
      hub.publish("a", Event.of("1")).toCompletableFuture().join();
      assertThatThrownBy(() -> hub.publish("b", Event.of("1")).toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(CapacityExceededException.class)
          .hasMessageContaining("history maxTopics (1) reached");
      hub.publish("a", Event.of("2")).toCompletableFuture().join();
    }
  }

  @Test
  void historyOptionsOfTheHubConflictWithAnInjectedBroker() {
    InMemoryBroker broker = InMemoryBroker.create();
    try {
      assertThatThrownBy(() -> Hub.builder().broker(broker).historyBudget(1_000))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("broker(Broker) was already set");
      assertThatThrownBy(() -> Hub.builder().maxTopics(10).broker(broker))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("maxTopics was already set");
    } finally {
      broker.close();
    }
  }
}
