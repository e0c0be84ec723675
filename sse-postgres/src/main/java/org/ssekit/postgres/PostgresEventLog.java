package org.ssekit.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.ssekit.broker.EventLog;
import org.ssekit.broker.Message;
import org.ssekit.internal.broker.Checks;

/**
 * The broker's table seen as an {@link EventLog}. {@link #append} goes through the broker's
 * publisher (so it is ordered, locked and notified like any publish) and blocks until committed;
 * {@link #readAfter} runs one query on a pooled connection on the caller's thread.
 */
final class PostgresEventLog implements EventLog {

  private final PostgresBroker broker;
  private final Schema schema;
  private final ConnectionPool pool;

  PostgresEventLog(PostgresBroker broker, Schema schema, ConnectionPool pool) {
    this.broker = broker;
    this.schema = schema;
    this.pool = pool;
  }

  /**
   * Appends like {@link PostgresBroker#publish} and waits for the commit. The table assigns the
   * id: an id already on {@code message} is replaced.
   */
  @Override
  public Message append(String topic, Message message) {
    try {
      return broker.publish(topic, message).toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException("cannot append to " + schema.table + ": " + cause, cause);
    }
  }

  @Override
  public Replay readAfter(String topic, String lastEventId, int limit) {
    Checks.readAfter(topic, lastEventId, limit);
    long last;
    try {
      last = Long.parseLong(lastEventId);
    } catch (NumberFormatException e) {
      last = -1; // not one of ours: a gap
    }
    long lastId = last;
    try {
      return pool.run(
          c -> {
            if (lastId > 0) {
              boolean found = false;
              List<Message> after = new ArrayList<>();
              try (PreparedStatement st = c.prepareStatement(schema.readAfterChecked)) {
                st.setString(1, topic);
                st.setLong(2, lastId);
                st.setString(3, topic);
                st.setLong(4, lastId);
                st.setLong(5, (long) limit + 1);
                try (ResultSet rs = st.executeQuery()) {
                  while (rs.next()) {
                    if (rs.getLong(1) == -1) {
                      found = true;
                    } else {
                      after.add(Rows.message(rs));
                    }
                  }
                }
              }
              after.sort(Comparator.comparingLong(m -> Long.parseLong(m.id().orElseThrow())));
              if (found && after.size() <= limit) {
                return new Replay(after, true);
              }
            }
            List<Message> newest = new ArrayList<>();
            if (limit > 0) {
              try (PreparedStatement st = c.prepareStatement(schema.newest)) {
                st.setString(1, topic);
                st.setInt(2, limit);
                try (ResultSet rs = st.executeQuery()) {
                  while (rs.next()) {
                    newest.add(Rows.message(rs));
                  }
                }
              }
              Collections.reverse(newest);
            }
            return new Replay(newest, false);
          });
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the history of " + topic + " from " + schema.table, e);
    }
  }
}
