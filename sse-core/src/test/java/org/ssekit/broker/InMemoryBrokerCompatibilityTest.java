package org.ssekit.broker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.ssekit.testkit.BrokerCompatibilityKit;

/** The in-memory broker keeps the broker contract; instances share one history and one broker. */
class InMemoryBrokerCompatibilityTest extends BrokerCompatibilityKit {

  private final InMemoryBroker shared = InMemoryBroker.create();

  @Override
  protected Broker newBroker() {
    // Two "instances" of the in-memory broker are views of one in-process broker.
    return new Broker() {
      @Override
      public BrokerHealth health() {
        return shared.health();
      }

      @Override
      public Optional<EventLog> history() {
        return shared.history();
      }

      @Override
      public CompletionStage<Message> publish(String topic, Message message) {
        return shared.publish(topic, message);
      }

      @Override
      public Subscription subscribe(String topic, MessageHandler handler) {
        return shared.subscribe(topic, handler);
      }

      @Override
      public Subscription subscribeGroup(String topic, String group, MessageHandler handler) {
        return shared.subscribeGroup(topic, group, handler);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  protected Broker newBrokerWithHistory(int maxEvents) {
    return InMemoryBroker.builder().history(EventLog.inMemory(maxEvents, Duration.ofMinutes(5))).build();
  }

  /** Opted out: an in-process broker has no connection to lose. */
  @Override
  protected boolean survivesOutages() {
    return false;
  }
}
