package org.ssekit.postgres;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.ssekit.broker.Message;

/**
 * One NOTIFY payload: {@code <id> <prev> <topic length> <topic>[ <base64 payload> <metadata JSON>]}.
 * {@code prev} is the topic's newest id before this row (0 if none), so a listener can tell
 * whether it holds every row before this one. The message itself rides along only when the whole
 * notification stays under PostgreSQL's 8000-byte limit; otherwise the listener reads the row.
 *
 * @param id the row id
 * @param prev the topic's previous id when the row was inserted
 * @param topic the topic
 * @param raw the whole payload
 * @param inlineAt where the inlined message starts in {@code raw}, or -1 when it is not there
 */
record Notice(long id, long prev, String topic, String raw, int inlineAt) {

  /** NOTIFY payloads must be shorter than 8000 bytes. */
  static final int NOTIFY_LIMIT = 7999;

  /** Room left for {@code "<id> <prev>"}, which the database prepends. */
  private static final int ID_ROOM = 2 * 20 + 1;

  /**
   * The part of the payload after {@code <id> <prev>}: the topic, and the message when it fits.
   */
  static String tail(String topic, byte[] payload, String metadataJson) {
    String head = head(topic);
    int headBytes = utf8Length(head);
    // base64 is 4/3 of the payload; metadata JSON is mostly ASCII but count it exactly
    long inlineBytes = 1 + 4L * ((payload.length + 2) / 3) + 1 + utf8Length(metadataJson);
    if (ID_ROOM + headBytes + inlineBytes > NOTIFY_LIMIT) {
      return head;
    }
    return head + " " + Base64.getEncoder().encodeToString(payload) + " " + metadataJson;
  }

  /**
   * The part of the payload after {@code <id> <prev>} without the message: the listener reads the
   * row (used for messages that bring their own id, which the notification does not carry).
   */
  static String head(String topic) {
    return " " + topic.length() + " " + topic;
  }

  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Parses a payload made by the insert statement.
   *
   * @throws IllegalArgumentException if it is not one
   */
  static Notice parse(String s) {
    try {
      int a = s.indexOf(' ');
      int b = s.indexOf(' ', a + 1);
      int c = s.indexOf(' ', b + 1);
      long id = Long.parseLong(s.substring(0, a));
      long prev = Long.parseLong(s.substring(a + 1, b));
      int len = Integer.parseInt(s.substring(b + 1, c));
      int topicEnd = c + 1 + len;
      String topic = s.substring(c + 1, topicEnd);
      int inlineAt = -1;
      if (topicEnd < s.length()) {
        if (s.charAt(topicEnd) != ' ') {
          throw new IllegalArgumentException("no space after topic");
        }
        inlineAt = topicEnd + 1;
      }
      return new Notice(id, prev, topic, s, inlineAt);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an ssekit notification: " + abbreviate(s), e);
    }
  }

  /**
   * The inlined message with its id, decoded now (only instances subscribed to the topic pay for
   * it), or null when the listener must read the row.
   *
   * @throws IllegalArgumentException if the inlined part is malformed
   */
  @Nullable Message message() {
    if (inlineAt < 0) {
      return null;
    }
    int d = raw.indexOf(' ', inlineAt);
    if (d < 0) {
      throw new IllegalArgumentException("no metadata in notification " + id);
    }
    byte[] payload = Base64.getDecoder().decode(raw.substring(inlineAt, d).getBytes(StandardCharsets.US_ASCII));
    Map<String, String> meta = MetadataCodec.decode(raw.substring(d + 1));
    return Message.of(payload, meta).withId(Long.toString(id));
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
