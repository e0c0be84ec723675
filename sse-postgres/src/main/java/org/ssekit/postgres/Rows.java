package org.ssekit.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssekit.broker.Message;

/**
 * Maps rows of {@code (id, payload, metadata, own_id)} to messages: the message id is the row's
 * own id when the message brought one, else the row id.
 */
final class Rows {

  private static final Logger log = LoggerFactory.getLogger(Rows.class);

  private Rows() {}

  /** A row: its id (the position in the log) and its message. */
  record Row(long id, Message message) {}

  /** The current row. */
  static Row row(ResultSet rs) throws SQLException {
    return new Row(rs.getLong(1), message(rs));
  }

  /** The message of the current row, with its id. */
  static Message message(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    byte[] payload = rs.getBytes(2);
    String meta = rs.getString(3);
    Map<String, String> metadata = Map.of();
    if (meta != null) {
      try {
        metadata = MetadataCodec.decode(meta);
      } catch (IllegalArgumentException e) {
        log.warn("row {} has metadata that is not a JSON object of strings; delivering it without", id, e);
      }
    }
    String own = rs.getString(4);
    return Message.of(payload == null ? new byte[0] : payload, metadata)
        .withId(own != null ? own : Long.toString(id));
  }
}
