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
   * id, unless the message brings one (unique in the topic, not a decimal number).
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
    try {
      return pool.run(
          c -> {
            long lastId = -1; // -1: not in this history, a gap
            if (PostgresBroker.isRowId(lastEventId)) {
              try {
                lastId = Long.parseLong(lastEventId);
              } catch (NumberFormatException e) {
                lastId = -1;
              }
            } else {
              try (PreparedStatement st = c.prepareStatement(schema.ownIdRow)) {
                st.setString(1, topic);
                st.setString(2, lastEventId);
                try (ResultSet rs = st.executeQuery()) {
                  if (rs.next()) {
                    lastId = rs.getLong(1);
                  }
                }
              }
            }
            if (lastId > 0) {
              boolean found = false;
              List<Rows.Row> after = new ArrayList<>();
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
                      after.add(Rows.row(rs));
                    }
                  }
                }
              }
              after.sort(Comparator.comparingLong(Rows.Row::id));
              if (found && after.size() <= limit) {
                List<Message> messages = new ArrayList<>(after.size());
                after.forEach(r -> messages.add(r.message()));
                return new Replay(messages, true);
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
