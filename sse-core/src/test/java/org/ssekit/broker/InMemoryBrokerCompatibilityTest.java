package org.ssekit.broker;

import org.ssekit.broker.Broker;
import org.ssekit.broker.Message;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.InMemoryBroker;
import org.ssekit.testkit.BrokerCompatibilityKit;

/** The in-memory broker keeps the broker contract; instances share one history and one broker. */
class InMemoryBrokerCompatibilityTest extends BrokerCompatibilityKit {

  private final InMemoryBroker shared = InMemoryBroker.create();

  @Override
  protected Broker newBroker() {
    // Two "instances" of the in-memory broker are views of one in-process broker.
    return new Broker() {
   @Override
   public org.ssekit.broker.BrokerHealth health() {
     return shared.health();
   }

      @Override
      public java.util.Optional<EventLog> history() {
        return shared.history();
      }

      @Override
      public java.util.concurrent.CompletionStage<Message> publish(String topic, Message message) {
        return shared.publish(topic, message);
      }

      @Override
      public Subscription subscribe(String topic, MessageHandler handler) {
        return shared.subscribe(topic, handler);
      }

      @Override
      public void close() {}
    };
  }
}
