package org.ssekit.nats;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.ssekit.broker.Broker;
import org.ssekit.testkit.BrokerCompatibilityKit;

/** NatsBroker keeps the broker contract: each {@link #newBroker()} is a new connection. */
class NatsBrokerCompatibilityIT extends BrokerCompatibilityKit {

  private static final TestNats.Names NAMES = TestNats.Names.unique("kit");

  @BeforeEach
  void natsIsUp() {
    TestNats.assumeReachable();
  }

  @AfterAll
  static void deleteStream() throws Exception {
    NAMES.delete();
  }

  @Override
  protected Broker newBroker() {
    return NAMES.builder().history(2_000, Duration.ofMinutes(5)).build();
  }
}
