package org.ssekit.nats;

import io.nats.client.impl.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.ssekit.broker.Message;

/**
 * Maps {@link Message}s to NATS messages and back. The payload is the NATS body, unchanged. Each
 * metadata entry is a header {@code M-<key>: <value>} and a message's own id (when it brought one)
 * is the header {@code Ssekit-Id}; keys and values are percent-encoded UTF-8 (every byte outside
 * printable ASCII, and {@code %}, space and {@code :}), because NATS headers hold printable ASCII
 * only. Message ids are {@code <epoch>-<sequence>}: the stream's creation time in base 36 and the
 * JetStream sequence, so ids order like the log and ids from a deleted stream are never mistaken
 * for ids of a new one.
 */
final class Codec {

  static final String META = "M-";
  static final String OWN_ID = "Ssekit-Id";
  /** Set by the server on republished messages: the stream sequence. */
  static final String SEQUENCE = "Nats-Sequence";
  /** Set by the server on republished messages: the previous sequence of the same subject. */
  static final String LAST_SEQUENCE = "Nats-Last-Sequence";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String epoch;

  Codec(String epoch) {
    this.epoch = epoch;
  }

  String epoch() {
    return epoch;
  }

  /** The headers carrying {@code m}'s metadata and own id; null when there is nothing to carry. */
  static @Nullable Headers headers(Message m) {
    if (m.metadata().isEmpty() && m.id().isEmpty()) {
      return null;
    }
    Headers h = new Headers();
    for (Map.Entry<String, String> e : m.metadata().entrySet()) {
      h.put(META + escape(e.getKey()), escape(e.getValue()));
    }
    m.id().ifPresent(id -> h.put(OWN_ID, escape(id)));
    return h;
  }

  /** The id of the message stored at {@code seq} without an own id. */
  String id(long seq) {
    return epoch + "-" + seq;
  }

  /**
   * The sequence an id of this stream names, or -1 when {@code id} is not of the form {@code
   * <epoch>-<sequence>} with this stream's epoch.
   */
  long sequence(String id) {
    if (id.length() <= epoch.length() + 1 || !id.startsWith(epoch) || id.charAt(epoch.length()) != '-') {
      return -1;
    }
    String digits = id.substring(epoch.length() + 1);
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    try {
      long seq = Long.parseLong(digits);
      return seq > 0 ? seq : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The message stored at {@code seq} with {@code headers} and {@code body}. */
  Message decode(long seq, @Nullable Headers headers, byte @Nullable [] body) {
    Map<String, String> meta = new LinkedHashMap<>();
    String ownId = null;
    if (headers != null) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        String key = e.getKey();
        List<String> values = e.getValue();
        if (values.isEmpty()) {
          continue;
        }
        if (key.startsWith(META)) {
          meta.put(unescape(key.substring(META.length())), unescape(values.get(0)));
        } else if (key.equals(OWN_ID)) {
          ownId = unescape(values.get(0));
        }
      }
    }
    Message m = Message.of(body == null ? new byte[0] : body, meta);
    return m.withId(ownId != null ? ownId : id(seq));
  }

  /** Whether {@code headers} carry an own id (so the message's id is not {@code <epoch>-<seq>}). */
  static boolean hasOwnId(@Nullable Headers headers) {
    return headers != null && headers.containsKey(OWN_ID);
  }

  static String escape(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%' && c != ':') {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (c == '%' && lo >= 0) {
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
