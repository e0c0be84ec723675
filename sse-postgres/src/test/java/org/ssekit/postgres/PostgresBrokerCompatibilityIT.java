package org.ssekit.postgres;

import java.sql.SQLException;
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
}
