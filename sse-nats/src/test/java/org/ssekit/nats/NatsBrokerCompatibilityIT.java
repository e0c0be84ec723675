package org.ssekit.nats;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.ssekit.broker.Broker;
import org.ssekit.testkit.BrokerCompatibilityKit;

/** NatsBroker keeps the broker contract: each {@link #newBroker()} is a new connection. */
class NatsBrokerCompatibilityIT extends BrokerCompatibilityKit {

  private static final TestNats.Names NAMES = TestNats.Names.unique("kit");
  private static final Duration MAX_AGE = Duration.ofMinutes(5);

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
    return NAMES.builder().history(2_000, MAX_AGE).build();
  }

  /**
   * The limits are the JetStream stream's: building this broker brings the shared stream (every
   * topic of it) down to {@code maxEvents}, until the next {@link #newBroker()} raises them again.
   */
  @Override
  protected Broker newBrokerWithHistory(int maxEvents) {
    return NAMES.builder().history(maxEvents, MAX_AGE).build();
  }

  @Override
  protected InetSocketAddress serverAddress() {
    return new InetSocketAddress(TestNats.HOST, TestNats.PORT);
  }

  @Override
  protected Broker newBrokerThrough(int port) {
    return NAMES.builder("nats://127.0.0.1:" + port)
        .history(2_000, MAX_AGE)
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .build();
  }
}
