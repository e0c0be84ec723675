package org.ssekit.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import org.ssekit.testkit.BrokerAvailability;

/** The test database: its URL, availability check, unique prefixes and cleanup. */
final class Pg {

  /** Overridable with the environment variable {@code SSEKIT_POSTGRES_URL}. */
  static final String URL =
      System.getenv().getOrDefault("SSEKIT_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test");

  private Pg() {}

  static void assumeReachable() {
    BrokerAvailability.assumeReachable("PostgreSQL", "127.0.0.1", 5432);
  }

  /** A table prefix no other test run uses. */
  static String uniquePrefix() {
    return "sset_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  }

  static Connection connect() throws SQLException {
    Properties props = new Properties();
    String jdbc = PostgresBroker.jdbcUrl(URL, props);
    return DriverManager.getConnection(jdbc, props);
  }

  /** Drops the table a broker with {@code prefix} created. */
  static void drop(String prefix) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + prefix + "events");
    }
  }
}
