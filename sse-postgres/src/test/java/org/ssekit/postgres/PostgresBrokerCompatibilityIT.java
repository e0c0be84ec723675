package org.ssekit.postgres;

import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.ssekit.broker.Broker;
import org.ssekit.testkit.BrokerCompatibilityKit;

/** PostgreSQL keeps the broker contract: each {@link #newBroker()} is another instance. */
class PostgresBrokerCompatibilityIT extends BrokerCompatibilityKit {

  private static final String PREFIX = Pg.uniquePrefix();

  @BeforeAll
  static void requirePostgres() {
    Pg.assumeReachable();
  }

  @AfterAll
  static void dropTable() throws SQLException {
    Pg.drop(PREFIX);
  }

  @Override
  protected Broker newBroker() {
    return PostgresBroker.builder(Pg.URL).tablePrefix(PREFIX).build();
  }

  /** Prunes every 50 ms, so the history is soon down to {@code maxEvents} per topic. */
  @Override
  protected Broker newBrokerWithHistory(int maxEvents) {
    return PostgresBroker.builder(Pg.URL)
        .tablePrefix(PREFIX)
        .history(maxEvents, Duration.ofMinutes(15))
        .pruneInterval(Duration.ofMillis(50))
        .build();
  }

  @Override
  protected InetSocketAddress serverAddress() {
    return new InetSocketAddress("127.0.0.1", 5432);
  }

  @Override
  protected Broker newBrokerThrough(int port) {
    return PostgresBroker.builder(Pg.urlThrough(port))
        .tablePrefix(PREFIX)
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .timeout(Duration.ofSeconds(10))
        .build();
  }
}
