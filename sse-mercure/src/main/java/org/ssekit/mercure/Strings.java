package org.ssekit.mercure;

import java.nio.charset.StandardCharsets;

/** Validation and encoding of protocol strings. Stateless. */
final class Strings {

  private Strings() {}

  /**
   * Whether {@code s} may be a topic, selector, id or type: no C0 or C1 control character, no DEL,
   * no Unicode format character (category Cf: invisible bidirectional and zero-width controls),
   * and no lone surrogate.
   */
  static boolean valid(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x1F || (c >= 0x7F && c <= 0x9F)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        int cp = s.codePointAt(i);
        if (Character.getType(cp) == Character.FORMAT) {
          return false;
        }
        i++;
        continue;
      }
      if (Character.isLowSurrogate(c) || Character.getType(c) == Character.FORMAT) {
        return false;
      }
    }
    return true;
  }

  /** Percent-encodes every octet of the UTF-8 form of {@code s} except unreserved characters. */
  static String pctEncode(String s) {
    StringBuilder b = new StringBuilder(s.length() * 2);
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xFF;
      if (c < 128 && UriTemplates.UNRESERVED.indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }
}
