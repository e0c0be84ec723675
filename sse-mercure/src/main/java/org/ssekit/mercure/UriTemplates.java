package org.ssekit.mercure;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Compiles RFC 6570 URI Templates (levels 1 to 4) into an {@link Nfa} that accepts the strings the
 * template can expand to.
 *
 * <p>The language accepted is the one the Mercure reference hub uses for its released protocol:
 * literals match themselves; an expression {@code {op var1,var2,...}} matches nothing or the
 * operator's first character followed by up to as many values as it has variables (any number if
 * one is exploded), joined by the operator's separator, where a value is a run of the operator's
 * allowed characters (unreserved, plus reserved for {@code +} and {@code #}; for the other
 * operators also {@code ,}, and {@code =} when named or exploded) and percent-encoded triplets.
 * Every expansion with strings, lists or maps is accepted (the property tests check it against an
 * RFC 6570 expander).
 */
final class UriTemplates {

  static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  static final String RESERVED = ":/?#[]@!$&'()*+,;=";
  private static final String HEX = "0123456789ABCDEFabcdef";
  /** Characters RFC 6570 forbids in literals (besides controls, space and non-pct '%'). */
  private static final String NOT_LITERAL = "\"'<>\\^`{|}";

  private UriTemplates() {}

  /** Whether {@code s} contains an expression at all (a plain string is matched exactly). */
  static boolean looksLikeTemplate(String s) {
    return s.indexOf('{') >= 0;
  }

  /**
   * The matcher of {@code template}, or null if it is not a valid URI Template (the released
   * protocol then treats the selector as a plain string).
   */
  static @Nullable Nfa compile(String template) {
    List<Nfa.Node> parts = new ArrayList<>();
    int i = 0;
    int n = template.length();
    StringBuilder literal = new StringBuilder();
    while (i < n) {
      char c = template.charAt(i);
      if (c == '{') {
        int end = template.indexOf('}', i + 1);
        if (end < 0) {
          return null;
        }
        if (literal.length() > 0) {
          parts.add(Nfa.literal(literal.toString()));
          literal.setLength(0);
        }
        Nfa.Node e = expression(template.substring(i + 1, end));
        if (e == null) {
          return null;
        }
        parts.add(e);
        i = end + 1;
        continue;
      }
      if (c == '%') {
        if (i + 2 >= n || HEX.indexOf(template.charAt(i + 1)) < 0 || HEX.indexOf(template.charAt(i + 2)) < 0) {
          return null;
        }
        literal.append(template, i, i + 3);
        i += 3;
        continue;
      }
      if (c <= ' ' || c == 0x7F || NOT_LITERAL.indexOf(c) >= 0) {
        return null;
      }
      literal.append(c);
      i++;
    }
    if (literal.length() > 0) {
      parts.add(Nfa.literal(literal.toString()));
    }
    return Nfa.compile(Nfa.seq(parts));
  }

  /** The fragment of one expression (without braces), or null if it is malformed. */
  private static Nfa.@Nullable Node expression(String body) {
    if (body.isEmpty()) {
      return null;
    }
    char op = body.charAt(0);
    String first;
    String sep;
    boolean named = false;
    boolean reserved = false;
    int start = 1;
    switch (op) {
      case '+' -> {
        first = "";
        sep = ",";
        reserved = true;
      }
      case '#' -> {
        first = "#";
        sep = ",";
        reserved = true;
      }
      case '.' -> {
        first = ".";
        sep = ".";
      }
      case '/' -> {
        first = "/";
        sep = "/";
      }
      case ';' -> {
        first = ";";
        sep = ";";
        named = true;
      }
      case '?' -> {
        first = "?";
        sep = "&";
        named = true;
      }
      case '&' -> {
        first = "&";
        sep = "&";
        named = true;
      }
      case '=', ',', '!', '@', '|' -> {
        return null; // reserved for future extensions (RFC 6570 section 2.2)
      }
      default -> {
        first = "";
        sep = ",";
        start = 0;
      }
    }
    String[] specs = body.substring(start).split(",", -1);
    boolean explode = false;
    for (String spec : specs) {
      int mod = varName(spec);
      if (mod < 0) {
        return null;
      }
      String modifier = spec.substring(mod);
      if (modifier.equals("*")) {
        explode = true;
      } else if (!modifier.isEmpty() && !validPrefix(modifier)) {
        return null;
      }
    }
    Nfa.Node value = value(reserved, named || explode);
    Nfa.Node list;
    if (specs.length > 1 || explode) {
      Nfa.Node more = Nfa.seq(Nfa.literal(sep), value(reserved, named || explode));
      list = Nfa.seq(value, explode ? Nfa.star(more) : Nfa.upTo(more, specs.length - 1));
    } else {
      list = value;
    }
    return Nfa.opt(Nfa.seq(Nfa.literal(first), list));
  }

  /** A run of allowed characters and percent-encoded triplets. */
  private static Nfa.Node value(boolean reserved, boolean equals) {
    String allowed = UNRESERVED + (reserved ? RESERVED : "," + (equals ? "=" : ""));
    Nfa.Node hex = Nfa.anyOf(HEX);
    return Nfa.star(Nfa.alt(Nfa.anyOf(allowed), Nfa.seq(Nfa.ch('%'), hex, hex)));
  }

  /** The index after a valid varname at the start of {@code spec}, or -1. */
  private static int varName(String spec) {
    int i = 0;
    boolean needChar = true;
    while (i < spec.length()) {
      char c = spec.charAt(i);
      if (c == '%') {
        if (i + 2 >= spec.length() || HEX.indexOf(spec.charAt(i + 1)) < 0 || HEX.indexOf(spec.charAt(i + 2)) < 0) {
          return -1;
        }
        i += 3;
        needChar = false;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
        i++;
        needChar = false;
      } else if (c == '.' && !needChar) {
        i++;
        needChar = true;
      } else {
        break;
      }
    }
    return needChar ? -1 : i;
  }

  /** {@code :n} with 1 <= n <= 9999. */
  private static boolean validPrefix(String modifier) {
    if (modifier.length() < 2 || modifier.length() > 5 || modifier.charAt(0) != ':' || modifier.charAt(1) == '0') {
      return false;
    }
    for (int i = 1; i < modifier.length(); i++) {
      if (modifier.charAt(i) < '0' || modifier.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
