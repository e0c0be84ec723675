package org.ssekit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class JdbcUrlTest {

  @Test
  void movesUserAndPasswordOutOfAPostgresqlUrl() {
    Properties p = new Properties();
    assertThat(PostgresBroker.jdbcUrl("postgresql://app:s%40cret@db.local:6543/events?sslmode=disable", p))
        .isEqualTo("jdbc:postgresql://db.local:6543/events?sslmode=disable");
    assertThat(p).containsEntry("user", "app").containsEntry("password", "s@cret");
  }

  @Test
  void acceptsPostgresSchemeAndJdbcUrlsAsTheyAre() {
    Properties p = new Properties();
    assertThat(PostgresBroker.jdbcUrl("postgres://u@h/d", p)).isEqualTo("jdbc:postgresql://h/d");
    assertThat(p).containsEntry("user", "u").doesNotContainKey("password");
    assertThat(PostgresBroker.jdbcUrl("jdbc:postgresql://h:1/d?user=x", new Properties()))
        .isEqualTo("jdbc:postgresql://h:1/d?user=x");
    assertThat(PostgresBroker.jdbcUrl("postgresql://h1:1,h2:2/d", new Properties()))
        .isEqualTo("jdbc:postgresql://h1:1,h2:2/d");
  }

  @Test
  void rejectsOtherSchemes() {
    assertThatThrownBy(() -> PostgresBroker.jdbcUrl("redis://h", new Properties()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgresql://");
  }

  @Test
  void rejectsATablePrefixThatIsNotAPlainIdentifier() {
    assertThatThrownBy(() -> new Schema("x; DROP TABLE y; --")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Schema("Upper_")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new Schema("app_").table).isEqualTo("app_events");
  }
}
