package org.ssekit.redis;

import io.lettuce.core.StreamMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ssekit.broker.Message;

/**
 * How a {@link Message} is laid out in a stream entry: field {@code n} numbers the entries of
 * the topic, {@code p} holds the payload bytes, {@code i} the message's own id (only when it
 * brought one), and {@code m:<key>} each metadata entry in UTF-8. Also holds the append script.
 */
final class Entries {

  static final String PAYLOAD = "p";
  static final String OWN_ID = "i";
  static final String META = "m:";
  static final String NUMBER = "n";

  /** The most metadata entries a message may carry (the script unpacks them onto Lua's stack). */
  static final int MAX_METADATA_ENTRIES = 1000;

  /**
   * Appends one entry and trims the stream, atomically: {@code KEYS[1]} the stream, {@code
   * KEYS[2]} the topic's message counter, {@code KEYS[3]} the topic's own-id index (a sorted set:
   * each own id of a retained entry, scored by the entry's number), {@code ARGV[1]} the approximate
   * length cap, {@code ARGV[2]} the age bound in milliseconds, then the entry's field/value pairs.
   * The entry gets field {@code n}, the counter's new value, so a reader sees when entries it never
   * read were trimmed. A message whose own id (field {@code i}) a retained entry already has is
   * refused with the error {@value #DUPLICATE_ID} and nothing is written. Age trimming uses the
   * server's clock; the keys expire once nothing was appended for the age bound. Returns the new
   * entry id.
   */
  static final String APPEND_SCRIPT =
      "local own = nil\n"
          + "for j = 3, #ARGV - 1, 2 do if ARGV[j] == 'i' then own = ARGV[j + 1] break end end\n"
          + "local function oldest()\n"
          + "  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)\n"
          + "  if first[1] == nil then return nil end\n"
          + "  local f = first[1][2]\n"
          + "  for j = 1, #f - 1, 2 do if f[j] == 'n' then return tonumber(f[j + 1]) end end\n"
          + "  return nil\n"
          + "end\n"
          + "if own then\n"
          + "  local had = redis.call('ZSCORE', KEYS[3], own)\n"
          + "  if had then\n"
          + "    local o = oldest()\n"
          + "    if o and tonumber(had) >= o then return redis.error_reply('" + "SSEKIT_DUPLICATE_ID" + "') end\n"
          + "  end\n"
          + "end\n"
          + "local n = redis.call('INCR', KEYS[2])\n"
          + "local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'n', n, unpack(ARGV, 3))\n"
          + "local age = tonumber(ARGV[2])\n"
          + "local t = redis.call('TIME')\n"
          + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
          + "redis.call('XTRIM', KEYS[1], 'MINID', string.format('%.0f', now - age))\n"
          + "redis.call('PEXPIRE', KEYS[1], age)\n"
          + "redis.call('PEXPIRE', KEYS[2], age)\n"
          + "if own then redis.call('ZADD', KEYS[3], n, own) end\n"
          + "if own or redis.call('EXISTS', KEYS[3]) == 1 then\n"
          + "  local o = oldest()\n"
          + "  if o then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. o) end\n"
          + "  redis.call('PEXPIRE', KEYS[3], age)\n"
          + "end\n"
          + "return id\n";

  /** The error the append script answers a duplicate own id with. */
  static final String DUPLICATE_ID = "SSEKIT_DUPLICATE_ID";

  /** The entry's number in its topic (field {@code n}: 1, 2, 3, ...), or 0 if it has none. */
  static long number(StreamMessage<String, byte[]> entry) {
    byte[] n = entry.getBody().get(NUMBER);
    if (n == null) {
      return 0;
    }
    try {
      return Long.parseLong(new String(n, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private Entries() {}

  /** The script arguments for appending {@code message}. */
  static byte[][] appendArgs(Message message, long maxLength, long maxAgeMillis) {
    Map<String, String> meta = message.metadata();
    List<byte[]> args = new ArrayList<>(4 + 2 * meta.size() + 2);
    args.add(ascii(Long.toString(maxLength)));
    args.add(ascii(Long.toString(maxAgeMillis)));
    args.add(ascii(PAYLOAD));
    args.add(message.payload());
    message.id().ifPresent(id -> {
      args.add(ascii(OWN_ID));
      args.add(id.getBytes(StandardCharsets.UTF_8));
    });
    for (Map.Entry<String, String> e : meta.entrySet()) {
      args.add((META + e.getKey()).getBytes(StandardCharsets.UTF_8));
      args.add(e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return args.toArray(new byte[0][]);
  }

  /** Whether the entry carries the message's own id (so its SSE id is not the entry id). */
  static boolean hasOwnId(StreamMessage<String, byte[]> entry) {
    return entry.getBody().containsKey(OWN_ID);
  }

  /** The SSE id of an entry: the message's own id if it had one, else the entry id. */
  static String eventId(StreamMessage<String, byte[]> entry) {
    byte[] own = entry.getBody().get(OWN_ID);
    return own != null ? new String(own, StandardCharsets.UTF_8) : entry.getId();
  }

  /**
   * The message stored in {@code entry}, with its SSE id.
   *
   * @throws IllegalArgumentException when the entry was not written by this module
   */
  static Message decode(StreamMessage<String, byte[]> entry) {
    byte[] payload = null;
    Map<String, String> meta = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> f : entry.getBody().entrySet()) {
      String field = f.getKey();
      if (field.equals(PAYLOAD)) {
        payload = f.getValue();
      } else if (field.startsWith(META)) {
        meta.put(field.substring(META.length()), new String(f.getValue(), StandardCharsets.UTF_8));
      }
    }
    if (payload == null) {
      throw new IllegalArgumentException(
          "stream entry " + entry.getId() + " of " + entry.getStream() + " has no payload field");
    }
    return Message.of(payload, meta).withId(eventId(entry));
  }

  static List<Message> decodeAll(List<StreamMessage<String, byte[]>> entries) {
    List<Message> out = new ArrayList<>(entries.size());
    for (StreamMessage<String, byte[]> e : entries) {
      out.add(decode(e));
    }
    return out;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
