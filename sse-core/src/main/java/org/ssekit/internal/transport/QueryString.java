package org.ssekit.internal.transport;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict parser of URL query strings ({@code application/x-www-form-urlencoded}: pairs split on
 * {@code &}, name and value on the first {@code =}, {@code +} for a space, {@code %XX} escapes of
 * UTF-8 bytes). ssekit's transports use it instead of the container's parameter parsing, which answers a
 * malformed escape differently in each container (an exception and a 500 on Jetty, a silently
 * dropped parameter on Tomcat). Stateless.
 */
public final class QueryString {

  private QueryString() {}

  /** A query string that is not well-formed; its message says where, without echoing the query. */
  public static final class MalformedQueryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MalformedQueryException(String message) {
      super(message);
    }
  }

  /**
   * Parses {@code raw} (the query string as sent, without {@code ?}).
   *
   * @return name/value pairs in order: {@code [n0, v0, n1, v1, ...]}; a pair without {@code =} has
   *     the empty value; empty pairs ({@code a=1&&b=2}) are skipped
   * @throws MalformedQueryException on a truncated or non-hex escape, or escapes that are not UTF-8
   */
  public static List<String> parse(String raw) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int len = raw.length();
    while (start <= len) {
      int amp = raw.indexOf('&', start);
      int end = amp < 0 ? len : amp;
      if (end > start) {
        int eq = raw.indexOf('=', start);
        if (eq < 0 || eq > end) {
          out.add(decode(raw, start, end));
          out.add("");
        } else {
          out.add(decode(raw, start, eq));
          out.add(decode(raw, eq + 1, end));
        }
      }
      start = end + 1;
    }
    return out;
  }

  /** Decodes {@code s[from, to)}; see the class comment. */
  public static String decode(String s, int from, int to) {
    boolean plain = true;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%' || c == '+') {
        plain = false;
        break;
      }
    }
    if (plain) {
      return s.substring(from, to);
    }
    StringBuilder sb = new StringBuilder(to - from);
    ByteBuffer bytes = null;
    int i = from;
    while (i < to) {
      char c = s.charAt(i);
      if (c != '%') {
        sb.append(c == '+' ? ' ' : c);
        i++;
        continue;
      }
      // a run of escapes is one UTF-8 byte sequence
      if (bytes == null) {
        bytes = ByteBuffer.allocate((to - from) / 3 + 1);
      }
      bytes.clear();
      while (i < to && s.charAt(i) == '%') {
        if (i + 2 >= to) {
          throw new MalformedQueryException("truncated %-escape at offset " + i);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new MalformedQueryException("%-escape without two hex digits at offset " + i);
        }
        bytes.put((byte) ((hi << 4) | lo));
        i += 3;
      }
      bytes.flip();
      CharsetDecoder utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      try {
        CharBuffer chars = utf8.decode(bytes);
        sb.append(chars);
      } catch (CharacterCodingException e) {
        throw new MalformedQueryException("%-escapes that are not UTF-8 before offset " + i);
      }
    }
    return sb.toString();
  }
}
