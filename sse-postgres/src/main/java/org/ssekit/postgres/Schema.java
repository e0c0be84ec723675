package org.ssekit.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The names and SQL of one broker's table and channels. For prefix {@code p} the table is {@code
 * p_events}-style {@code <p>events}, the NOTIFY channel has the same name. Immutable.
 */
final class Schema {

  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  final String table;
  final String channel;
  /** The first key of every advisory lock this broker takes: a hash of the table name. */
  final int lockClass;

  final String lockMany;
  final String insert;
  final String prevMany;
  final String insertRow;
  final String notifyMany;
  final String maxId;
  final String readAfter;
  final String readAfterChecked;
  final String newest;
  final String pruneAge;
  final String trim;

  Schema(String prefix) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "table prefix must match " + PREFIX.pattern() + " (lower-case SQL identifier): " + prefix);
    }
    table = prefix + "events";
    channel = table;
    lockClass = hash(table);
    insert =
        "WITH p AS (SELECT coalesce(max(id), 0) AS prev FROM " + table + " WHERE topic = ?),"
            + " i AS (INSERT INTO " + table + " (topic, payload, metadata) VALUES (?, ?, ?) RETURNING id)"
            + " SELECT i.id, pg_notify(?, i.id || ' ' || p.prev || ?) FROM i, p";
    // a plain function scan: the locks are taken in array order
    lockMany = "SELECT pg_advisory_xact_lock(?, k) FROM unnest(?::int4[]) AS k";
    prevMany =
        "SELECT t, (SELECT coalesce(max(id), 0) FROM " + table + " WHERE topic = t) FROM unnest(?::text[]) AS t";
    insertRow = "INSERT INTO " + table + " (topic, payload, metadata) VALUES (?, ?, ?)";
    notifyMany = "SELECT pg_notify(?, n) FROM unnest(?::text[]) AS n";
    maxId = "SELECT coalesce(max(id), 0) FROM " + table + " WHERE topic = ?";
    readAfter =
        "SELECT id, payload, metadata FROM " + table + " WHERE topic = ? AND id > ? ORDER BY id LIMIT ?";
    // one statement, one snapshot: whether the id is there, and what follows it
    readAfterChecked =
        "SELECT -1::bigint AS id, NULL::bytea AS payload, NULL::text AS metadata"
            + " WHERE EXISTS (SELECT 1 FROM " + table + " WHERE topic = ? AND id = ?)"
            + " UNION ALL (SELECT id, payload, metadata FROM " + table
            + " WHERE topic = ? AND id > ? ORDER BY id LIMIT ?)";
    newest =
        "SELECT id, payload, metadata FROM " + table + " WHERE topic = ? ORDER BY id DESC LIMIT ?";
    pruneAge = "DELETE FROM " + table + " WHERE created_at < now() - make_interval(secs => ?)";
    trim =
        "DELETE FROM " + table + " WHERE topic = ? AND id <= (SELECT id FROM " + table
            + " WHERE topic = ? ORDER BY id DESC OFFSET ? LIMIT 1)";
  }

  /** Creates the table and its indexes if missing; serialised between instances by a lock. */
  void create(Connection c) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, 0)");
        Statement s = c.createStatement()) {
      lock.setInt(1, lockClass);
      lock.execute();
      s.execute(
          "CREATE TABLE IF NOT EXISTS " + table + " (id bigserial PRIMARY KEY, topic text NOT NULL,"
              + " payload bytea NOT NULL, metadata text NOT NULL DEFAULT '{}',"
              + " created_at timestamptz NOT NULL DEFAULT now())");
      s.execute("CREATE INDEX IF NOT EXISTS " + table + "_topic_id ON " + table + " (topic, id)");
      s.execute("CREATE INDEX IF NOT EXISTS " + table + "_created_at ON " + table + " USING brin (created_at)");
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** The second key of a topic's advisory lock: a stable 32-bit FNV-1a hash of its UTF-8 bytes. */
  static int topicKey(String topic) {
    return hash(topic);
  }

  private static int hash(String s) {
    int h = 0x811c9dc5;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  /** Whether {@code e} means the connection is gone (class 08, or the server shutting it down). */
  static boolean isConnectionError(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
          return true;
        }
      }
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }
}
