package org.ssekit.mercure;

import java.util.ArrayList;
import java.util.List;

/**
 * Compiles the URL Pattern subset the draft profile accepts ({@code match_urlpattern}) into an
 * {@link Nfa} over the whole URL.
 *
 * <p>Supported: literal text, {@code \} escapes, named groups {@code :name} (one or more
 * characters other than {@code /}, {@code ?} and {@code #}: a path segment), the wildcard {@code
 * *} (any characters), non-capturing groups {@code {...}}, and the modifiers {@code ?}, {@code *}
 * and {@code +} after a named group or a group; a named group with a modifier that follows a
 * {@code /} takes the {@code /} with it, as in URL Pattern ({@code /books/:id?} matches {@code
 * /books}). Not supported, and refused: regular-expression groups {@code (...)} (they would need
 * a regex engine with a linear-time guarantee) and nested groups. Relative patterns and topics
 * (starting with {@code /}) are resolved against the hub URL's origin; a topic that is neither
 * absolute ({@code scheme:...}) nor starts with {@code /} matches no URL pattern.
 */
final class UrlPatterns {

  private static final String SEGMENT_STOP = "/?#";

  private UrlPatterns() {}

  /**
   * The matcher of {@code pattern}.
   *
   * @throws IllegalArgumentException naming what is wrong or unsupported
   */
  static Nfa compile(String pattern, String origin) {
    String p = pattern.startsWith("/") ? origin + pattern : pattern;
    if (!p.startsWith("/") && !isAbsolute(p)) {
      throw new IllegalArgumentException("a URL pattern is absolute (scheme://...) or starts with '/': " + pattern);
    }
    Parser parser = new Parser(p);
    List<Nfa.Node> nodes = parser.parse(false);
    return Nfa.compile(Nfa.seq(nodes));
  }

  /** The topic as the pattern sees it (relative topics resolved), or null if it cannot match. */
  static @org.jspecify.annotations.Nullable String resolve(String topic, String origin) {
    if (topic.startsWith("/")) {
      return origin + topic;
    }
    return isAbsolute(topic) ? topic : null;
  }

  /** {@code scheme:} per RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":". */
  static boolean isAbsolute(String s) {
    int colon = s.indexOf(':');
    if (colon < 1) {
      return false;
    }
    for (int i = 0; i < colon; i++) {
      char c = s.charAt(i);
      boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) {
        return false;
      }
    }
    return true;
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    List<Nfa.Node> parse(boolean inGroup) {
      List<Nfa.Node> out = new ArrayList<>();
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '}') {
          if (!inGroup) {
            throw new IllegalArgumentException("unbalanced '}' at " + i + " in URL pattern " + s);
          }
          return out;
        }
        if (c == '\\') {
          if (i + 1 >= s.length()) {
            throw new IllegalArgumentException("trailing '\\' in URL pattern " + s);
          }
          out.add(Nfa.ch(s.charAt(i + 1)));
          i += 2;
        } else if (c == '(') {
          throw new IllegalArgumentException(
              "regular-expression groups '(...)' are not supported in URL patterns: " + s);
        } else if (c == ':') {
          int start = ++i;
          while (i < s.length() && nameChar(s.charAt(i), i == start)) {
            i++;
          }
          if (i == start) {
            out.add(Nfa.ch(':')); // not a group: the scheme's or the port's colon
            continue;
          }
          if (i < s.length() && s.charAt(i) == '(') {
            throw new IllegalArgumentException(
                "regular-expression groups '(...)' are not supported in URL patterns: " + s);
          }
          modified(out, Nfa.plus(Nfa.anyExcept(SEGMENT_STOP)), true);
        } else if (c == '*') {
          i++;
          out.add(Nfa.star(Nfa.any()));
        } else if (c == '{') {
          if (inGroup) {
            throw new IllegalArgumentException("nested groups are not supported in URL patterns: " + s);
          }
          i++;
          List<Nfa.Node> group = parse(true);
          if (i >= s.length()) {
            throw new IllegalArgumentException("unclosed '{' in URL pattern " + s);
          }
          i++; // '}'
          modified(out, Nfa.seq(group), false);
        } else {
          out.add(Nfa.ch(c));
          i++;
        }
      }
      if (inGroup) {
        throw new IllegalArgumentException("unclosed '{' in URL pattern " + s);
      }
      return out;
    }

    /** Adds {@code token} with the modifier that follows it, if any. */
    private void modified(List<Nfa.Node> out, Nfa.Node token, boolean named) {
      char m = i < s.length() ? s.charAt(i) : 0;
      if (m != '?' && m != '*' && m != '+') {
        out.add(token);
        return;
      }
      i++;
      Nfa.Node unit = token;
      boolean prefixed = named && !out.isEmpty() && i >= 3 && s.charAt(prefixStart()) == '/';
      if (prefixed) {
        out.remove(out.size() - 1); // the '/' before the group belongs to it
        unit = Nfa.seq(Nfa.ch('/'), token);
      }
      switch (m) {
        case '?' -> out.add(Nfa.opt(unit));
        case '*' -> out.add(Nfa.star(unit));
        default -> out.add(Nfa.plus(unit));
      }
    }

    /** The index of the character before the named group that just ended. */
    private int prefixStart() {
      int j = i - 2; // before the modifier
      while (j >= 0 && s.charAt(j) != ':') {
        j--;
      }
      return Math.max(0, j - 1);
    }

    private static boolean nameChar(char c, boolean first) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || (!first && c >= '0' && c <= '9');
    }
  }
}
