package org.ssekit.broker;

import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class InMemoryBrokerBacklogTest {

  /** Runs nothing until told: delivery falls behind on purpose. */
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

  private void runAll() {
    Runnable r;
    while ((r = tasks.poll()) != null) {
      r.run();
    }
  }

  @Test
  void aPublishBeyondTheBacklogFailsAndIsNeitherStoredNorDelivered() {
    EventLog log = EventLog.inMemory(100, java.time.Duration.ofMinutes(1));
    InMemoryBroker broker = InMemoryBroker.builder().executor(tasks::add).history(log).maxBacklog(2).build();
    List<String> received = new ArrayList<>();
    broker.subscribe("t", (topic, m) -> received.add(m.payloadAsString()));

    String first = broker.publish("t", Message.of("a")).toCompletableFuture().join().id().orElseThrow();
    broker.publish("t", Message.of("b")).toCompletableFuture().join();
    var third = broker.publish("t", Message.of("c")).toCompletableFuture();

    assertThat(third).isCompletedExceptionally();
    assertThatThrownBy(third::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("topic t")
        .hasMessageContaining("maxBacklog");
    assertThat(log.readAfter("t", first, 10).messages()).extracting(Message::payloadAsString)
        .containsExactly("b");
    // another topic has its own backlog
    assertThat(broker.publish("u", Message.of("x")).toCompletableFuture()).isNotCompletedExceptionally();

    runAll();
    assertThat(received).containsExactly("a", "b");
    // delivery caught up: publishing works again
    assertThat(broker.publish("t", Message.of("d")).toCompletableFuture()).isNotCompletedExceptionally();
    runAll();
    assertThat(received).containsExactly("a", "b", "d");
  }

  @Test
  void theBoundMustBePositive() {
    assertThatThrownBy(() -> InMemoryBroker.builder().maxBacklog(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBacklog");
  }
}
