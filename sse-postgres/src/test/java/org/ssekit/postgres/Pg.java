package org.ssekit.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

  /** A JDBC URL for the test database reached through 127.0.0.1:{@code port} (a proxy). */
  static String urlThrough(int port) {
    Properties props = new Properties();
    String jdbc = PostgresBroker.jdbcUrl(URL, props);
    String db = jdbc.substring(jdbc.indexOf('/', "jdbc:postgresql://".length()));
    String password = props.getProperty("password");
    return "jdbc:postgresql://127.0.0.1:" + port + db + (db.contains("?") ? "&" : "?")
        + "user=" + URLEncoder.encode(props.getProperty("user", "postgres"), StandardCharsets.UTF_8)
        + (password == null ? "" : "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
  }

  static Connection connect() throws SQLException {
    Properties props = new Properties();
    String jdbc = PostgresBroker.jdbcUrl(URL, props);
    return DriverManager.getConnection(jdbc, props);
  }

  /** Drops the tables a broker with {@code prefix} created. */
  static void drop(String prefix) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + prefix + "events");
      s.execute("DROP TABLE IF EXISTS " + prefix + "groups");
    }
  }
}
