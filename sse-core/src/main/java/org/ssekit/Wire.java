package org.ssekit;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The encoder of the {@code text/event-stream} wire format (WHATWG HTML, "Server-sent events").
 *
 * <p>Lines end in LF. Data and comments are split on CRLF, lone CR and lone LF so that every line
 * break in the value becomes a line of its own; exactly one space follows each colon, so a value's
 * own leading spaces survive. Strings are encoded to UTF-8 by hand in the same pass; an unpaired
 * surrogate becomes U+FFFD, as a browser's decoder would show it.
 */
final class Wire {

  private static final byte[] DATA = {'d', 'a', 't', 'a', ':', ' '};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't', ':', ' '};
  private static final byte[] ID = {'i', 'd', ':', ' '};
  private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y', ':', ' '};
  private static final byte[] COMMENT = {':', ' '};

  private Wire() {}

  static byte[] encode(
      @Nullable String id,
      @Nullable String name,
      @Nullable String data,
      @Nullable String comment,
      long retryMillis) {
    Out out = new Out(estimate(id, name, data, comment));
    if (comment != null) {
      lines(out, COMMENT, comment);
    }
    if (id != null) {
      out.put(ID);
      out.utf8(id, 0, id.length());
      out.put('\n');
    }
    if (name != null) {
      out.put(EVENT);
      out.utf8(name, 0, name.length());
      out.put('\n');
    }
    if (retryMillis >= 0) {
      out.put(RETRY);
      out.ascii(Long.toString(retryMillis));
      out.put('\n');
    }
    if (data != null) {
      lines(out, DATA, data);
    }
    out.put('\n');
    return out.toArray();
  }

  /** Writes one {@code prefix value} line per line of {@code value}; CRLF, CR and LF all split. */
  private static void lines(Out out, byte[] prefix, String value) {
    int start = 0;
    int n = value.length();
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        line(out, prefix, value, start, i);
        if (c == '\r' && i + 1 < n && value.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    line(out, prefix, value, start, n);
  }

  private static void line(Out out, byte[] prefix, String value, int from, int to) {
    if (from == to && prefix == COMMENT) {
      out.put(':');
    } else if (from == to) {
      out.put(prefix, prefix.length - 1); // "data:" without the trailing space
    } else {
      out.put(prefix);
      out.utf8(value, from, to);
    }
    out.put('\n');
  }

  private static int estimate(
      @Nullable String id, @Nullable String name, @Nullable String data, @Nullable String comment) {
    int n = 1;
    if (id != null) {
      n += 5 + id.length();
    }
    if (name != null) {
      n += 8 + name.length();
    }
    if (data != null) {
      n += 7 + data.length() + (data.length() >> 3);
    }
    if (comment != null) {
      n += 3 + comment.length();
    }
    return n + 16;
  }

  /** A growable byte buffer; not thread-safe. */
  static final class Out {
    private byte[] buf;
    private int len;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    void put(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    void put(byte[] bytes) {
      put(bytes, bytes.length);
    }

    void put(byte[] bytes, int n) {
      ensure(n);
      System.arraycopy(bytes, 0, buf, len, n);
      len += n;
    }

    void ascii(String s) {
      ensure(s.length());
      for (int i = 0; i < s.length(); i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    void utf8(String s, int from, int to) {
      ensure((to - from) * 3);
      byte[] b = buf;
      int p = len;
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          b[p++] = (byte) c;
        } else if (c < 0x800) {
          b[p++] = (byte) (0xC0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < to
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          if (Character.isSurrogate(c)) {
            c = '\uFFFD';
          }
          b[p++] = (byte) (0xE0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      len = p;
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    byte[] toArray() {
      return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }
  }
}
