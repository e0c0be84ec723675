package org.ssekit.mercure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The name/value pairs of a query string or form body, parsed as {@code
 * application/x-www-form-urlencoded} (the URL standard's algorithm: {@code +} is a space, a stray
 * {@code %} stays itself) and checked to be valid UTF-8. Order and repeats are kept. Immutable.
 */
final class Query {

  private final List<String[]> pairs;

  private Query(List<String[]> pairs) {
    this.pairs = pairs;
  }

  /**
   * Parses {@code raw} (null is empty).
   *
   * @throws BadRequestException if a name or value is not valid UTF-8 once decoded
   */
  static Query parse(@Nullable String raw) throws BadRequestException {
    List<String[]> out = new ArrayList<>();
    if (raw != null && !raw.isEmpty()) {
      for (String part : raw.split("&", -1)) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String name = eq < 0 ? part : part.substring(0, eq);
        String value = eq < 0 ? "" : part.substring(eq + 1);
        out.add(new String[] {decode(name), decode(value)});
      }
    }
    return new Query(out);
  }

  static String decode(String s) throws BadRequestException {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    byte[] buf = new byte[s.length() * 3];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        buf[n++] = ' ';
      } else if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        buf[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
      }
    }
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(buf, 0, n)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadRequestException("a parameter is not valid UTF-8 once percent-decoded");
    }
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Every value of {@code name}, in order. */
  List<String> all(String name) {
    List<String> out = new ArrayList<>();
    for (String[] p : pairs) {
      if (p[0].equals(name)) {
        out.add(p[1]);
      }
    }
    return out;
  }

  /** The first value of {@code name}. */
  Optional<String> first(String name) {
    for (String[] p : pairs) {
      if (p[0].equals(name)) {
        return Optional.of(p[1]);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code name} is present (with or without a value). */
  boolean has(String name) {
    return first(name).isPresent();
  }

  /** The parameter names, in order, with repeats. */
  List<String> names() {
    List<String> out = new ArrayList<>(pairs.size());
    for (String[] p : pairs) {
      out.add(p[0]);
    }
    return out;
  }

  /** The number of pairs. */
  int size() {
    return pairs.size();
  }
}
