package org.ssekit.postgres;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes message metadata as a JSON object of strings, and decodes what it encoded. Control
 * characters, quotes, backslashes and surrogate code units are escaped, so the text survives any
 * UTF-8 path (a {@code text} column, a NOTIFY payload) even when a value holds NUL or a lone
 * surrogate. Stateless and thread-safe.
 */
final class MetadataCodec {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private MetadataCodec() {}

  static String encode(Map<String, String> metadata) {
    if (metadata.isEmpty()) {
      return "{}";
    }
    StringBuilder sb = new StringBuilder(16 + metadata.size() * 24);
    sb.append('{');
    boolean first = true;
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, e.getKey());
      sb.append(':');
      string(sb, e.getValue());
    }
    return sb.append('}').toString();
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  /**
   * Decodes a JSON object whose values are strings.
   *
   * @throws IllegalArgumentException if {@code json} is not such an object
   */
  static Map<String, String> decode(String json) {
    Parser p = new Parser(json);
    Map<String, String> out = p.object();
    return out.isEmpty() ? Map.of() : Collections.unmodifiableMap(out);
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Map<String, String> object() {
      Map<String, String> out = new LinkedHashMap<>();
      skipSpace();
      expect('{');
      skipSpace();
      if (peek() == '}') {
        i++;
        return end(out);
      }
      while (true) {
        skipSpace();
        String k = string();
        skipSpace();
        expect(':');
        skipSpace();
        out.put(k, string());
        skipSpace();
        char c = next();
        if (c == '}') {
          return end(out);
        }
        if (c != ',') {
          throw error("expected , or }");
        }
      }
    }

    private Map<String, String> end(Map<String, String> out) {
      skipSpace();
      if (i != s.length()) {
        throw error("trailing characters");
      }
      return out;
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"': case '\\': case '/': sb.append(e); break;
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'n': sb.append('\n'); break;
          case 'r': sb.append('\r'); break;
          case 't': sb.append('\t'); break;
          case 'u':
            if (i + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            i += 4;
            break;
          default:
            throw error("bad escape \\" + e);
        }
      }
    }

    private void skipSpace() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    private char peek() {
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      return s.charAt(i);
    }

    private char next() {
      char c = peek();
      i++;
      return c;
    }

    private void expect(char c) {
      if (next() != c) {
        throw error("expected " + c);
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("bad metadata JSON at " + i + ": " + what);
    }
  }
}
