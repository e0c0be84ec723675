package org.ssekit.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The names and SQL of one broker's tables and channel. For prefix {@code p} the messages are in
 * {@code <p>events}, consumer group positions in {@code <p>groups}, and the NOTIFY channel is
 * {@code <p>events_<hash of the schema-qualified table name>}. Immutable.
 */
final class Schema {

  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  final String table;
  final String groups;
  final String channel;
  /** The first key of every advisory lock this broker takes: a hash of the table name. */
  final int lockClass;

  /** Appends a batch: locks its topics, inserts its rows and notifies each, in one statement. */
  final String append;
  final String groupCreate;
  final String groupLock;
  final String groupAdvance;
  final String maxId;
  final String readAfter;
  final String readAfterChecked;
  final String newest;
  final String ownIdRow;
  final String pruneAge;
  final String trim;

  /** Checks {@code prefix}; for validation only (the channel is not the real one). */
  Schema(String prefix) {
    this(prefix, "public");
  }

  /**
   * The names for {@code prefix} in the database schema {@code dbSchema} (where the unqualified
   * table names resolve). NOTIFY channels and advisory locks are database-wide, so both are
   * derived from the schema-qualified table name: deployments in two schemas never cross-talk.
   */
  Schema(String prefix, String dbSchema) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "table prefix must match " + PREFIX.pattern() + " (lower-case SQL identifier): " + prefix);
    }
    table = prefix + "events";
    groups = prefix + "groups";
    int qualified = hash(dbSchema + "." + table);
    channel = table + "_" + String.format(java.util.Locale.ROOT, "%08x", qualified);
    lockClass = qualified;
    // Parameters: topics, payloads, metadata, notification tails, own ids (null for none; one array
    // element per message, in publish order), the lock class, the sorted distinct topic lock keys,
    // the channel.
    // The INSERT reads its rows through a join with the aggregate of the lock calls, so every lock
    // is held before the first id is drawn; ids are drawn in publish order (ORDER BY n, volatile
    // defaults are computed after the sort). "prev" (the topic's newest id before this row) comes
    // from the statement's snapshot, which may predate a commit made while we waited for a lock:
    // then it is too low, and the listener merely reads the rows instead of trusting the inline
    // message. The NOTIFYs are issued in id order.
    append =
        "WITH input AS (SELECT * FROM unnest(?::text[], ?::bytea[], ?::text[], ?::text[], ?::text[])"
            + " WITH ORDINALITY AS u(topic, payload, metadata, tail, own_id, n)),"
            + " locked AS (SELECT count(*) AS locks FROM"
            + " (SELECT pg_advisory_xact_lock(?, k) FROM unnest(?::int4[]) AS k) AS l),"
            + " prev AS (SELECT d.topic, (SELECT coalesce(max(e.id), 0) FROM " + table + " e"
            + " WHERE e.topic = d.topic) AS id FROM (SELECT DISTINCT topic FROM input) AS d),"
            + " ins AS (INSERT INTO " + table + " (topic, payload, metadata, own_id)"
            + " SELECT i.topic, i.payload, i.metadata, i.own_id FROM input i CROSS JOIN locked ORDER BY i.n"
            + " RETURNING id, topic),"
            + " numbered AS (SELECT id, topic, row_number() OVER (ORDER BY id) AS n,"
            + " lag(id) OVER (PARTITION BY topic ORDER BY id) AS before FROM ins)"
            + " SELECT x.n, x.id, pg_notify(?, x.id || ' ' || coalesce(x.before, p.id) || i.tail)"
            + " FROM numbered x JOIN input i ON i.n = x.n JOIN prev p ON p.topic = x.topic"
            + " ORDER BY x.id";
    groupCreate =
        "INSERT INTO " + groups + " (grp, topic, last_id) SELECT ?, ?, coalesce(max(id), 0) FROM " + table
            + " WHERE topic = ? ON CONFLICT (grp, topic) DO NOTHING";
    groupLock = "SELECT last_id FROM " + groups + " WHERE grp = ? AND topic = ? FOR UPDATE SKIP LOCKED";
    groupAdvance = "UPDATE " + groups + " SET last_id = ? WHERE grp = ? AND topic = ?";
    maxId = "SELECT coalesce(max(id), 0) FROM " + table + " WHERE topic = ?";
    readAfter =
        "SELECT id, payload, metadata, own_id FROM " + table + " WHERE topic = ? AND id > ? ORDER BY id LIMIT ?";
    // one statement, one snapshot: whether the id is there, and what follows it
    readAfterChecked =
        "SELECT -1::bigint AS id, NULL::bytea AS payload, NULL::text AS metadata, NULL::text AS own_id"
            + " WHERE EXISTS (SELECT 1 FROM " + table + " WHERE topic = ? AND id = ?)"
            + " UNION ALL (SELECT id, payload, metadata, own_id FROM " + table
            + " WHERE topic = ? AND id > ? ORDER BY id LIMIT ?)";
    newest =
        "SELECT id, payload, metadata, own_id FROM " + table + " WHERE topic = ? ORDER BY id DESC LIMIT ?";
    ownIdRow = "SELECT id FROM " + table + " WHERE topic = ? AND own_id = ?";
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
      // ids that messages bring: unique per topic among the retained rows (tables of 0.1 lack it)
      s.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS own_id text");
      s.execute(
          "CREATE UNIQUE INDEX IF NOT EXISTS " + table + "_topic_own_id ON " + table
              + " (topic, own_id) WHERE own_id IS NOT NULL");
      s.execute("CREATE INDEX IF NOT EXISTS " + table + "_created_at ON " + table + " USING brin (created_at)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS " + groups + " (grp text NOT NULL, topic text NOT NULL,"
              + " last_id bigint NOT NULL, PRIMARY KEY (grp, topic))");
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
