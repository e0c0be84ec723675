package org.ssekit.postgres;

import java.sql.ResultSet;
import java.sql.SQLException;
import org.ssekit.Message;

/** Maps rows of {@code (id, payload, metadata)} to messages. */
final class Rows {

  private Rows() {}

  /** The message of the current row, with its id. */
  static Message message(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    byte[] payload = rs.getBytes(2);
    String meta = rs.getString(3);
    return Message.of(payload == null ? new byte[0] : payload, meta == null ? java.util.Map.of() : MetadataCodec.decode(meta))
        .withId(Long.toString(id));
  }
}
