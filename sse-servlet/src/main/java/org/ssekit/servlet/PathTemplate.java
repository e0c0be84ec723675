package org.ssekit.servlet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A path template such as {@code /posts/{id}/stats}: literal segments and {@code {name}} segments
 * that match one non-empty path segment each. Immutable and thread-safe.
 */
final class PathTemplate {

  /** The template that matches every path and defines no parameter. */
  static final PathTemplate ANY = new PathTemplate("", List.of(), true);

  private final String source;
  /** Literal segments as they are; parameters as {@code {name}}. */
  private final List<String> segments;
  private final boolean any;

  private PathTemplate(String source, List<String> segments, boolean any) {
    this.source = source;
    this.segments = segments;
    this.any = any;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException if it does not start with {@code /}, a parameter is empty,
   *     malformed or repeated
   */
  static PathTemplate parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("path template must start with '/': " + template);
    }
    List<String> segs = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (String s : split(template)) {
      if (s.startsWith("{") || s.endsWith("}")) {
        if (!(s.startsWith("{") && s.endsWith("}")) || s.length() < 3 || s.indexOf('{', 1) >= 0) {
          throw new IllegalArgumentException(
              "path template segment must be a literal or {name}: '" + s + "' in " + template);
        }
        if (!names.add(s.substring(1, s.length() - 1))) {
          throw new IllegalArgumentException("path template repeats parameter " + s + ": " + template);
        }
      }
      segs.add(s);
    }
    return new PathTemplate(template, List.copyOf(segs), false);
  }

  /** The names of the parameters, in order. */
  Set<String> parameters() {
    Set<String> names = new LinkedHashSet<>();
    for (String s : segments) {
      if (isParam(s)) {
        names.add(s.substring(1, s.length() - 1));
      }
    }
    return names;
  }

  /** The parameters of {@code path}, or empty if it does not match. */
  Optional<Map<String, String>> match(String path) {
    if (any) {
      return Optional.of(Map.of());
    }
    List<String> parts = split(path);
    if (parts.size() != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < parts.size(); i++) {
      String seg = segments.get(i);
      String part = parts.get(i);
      if (isParam(seg)) {
        if (part.isEmpty()) {
          return Optional.empty();
        }
        params.put(seg.substring(1, seg.length() - 1), part);
      } else if (!seg.equals(part)) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  /** Replaces each {@code {name}} in {@code pattern} with its parameter value. */
  static String expand(String pattern, Map<String, String> params) {
    StringBuilder sb = new StringBuilder(pattern.length() + 16);
    int i = 0;
    while (i < pattern.length()) {
      int open = pattern.indexOf('{', i);
      if (open < 0) {
        sb.append(pattern, i, pattern.length());
        break;
      }
      int close = pattern.indexOf('}', open);
      if (close < 0) {
        sb.append(pattern, i, pattern.length());
        break;
      }
      sb.append(pattern, i, open);
      String name = pattern.substring(open + 1, close);
      String value = params.get(name);
      if (value == null) {
        throw new IllegalArgumentException("no path parameter " + name);
      }
      sb.append(value);
      i = close + 1;
    }
    return sb.toString();
  }

  /** The parameter names {@code {name}} used in {@code pattern}. */
  static Set<String> placeholders(String pattern) {
    Set<String> names = new LinkedHashSet<>();
    int i = 0;
    while (true) {
      int open = pattern.indexOf('{', i);
      if (open < 0) {
        return names;
      }
      int close = pattern.indexOf('}', open);
      if (close < 0) {
        return names;
      }
      names.add(pattern.substring(open + 1, close));
      i = close + 1;
    }
  }

  private static boolean isParam(String seg) {
    return seg.length() >= 3 && seg.charAt(0) == '{' && seg.charAt(seg.length() - 1) == '}';
  }

  private static List<String> split(String path) {
    List<String> parts = new ArrayList<>();
    int start = path.startsWith("/") ? 1 : 0;
    if (start >= path.length()) {
      return parts;
    }
    int i = start;
    while (true) {
      int slash = path.indexOf('/', i);
      if (slash < 0) {
        parts.add(path.substring(i));
        return parts;
      }
      parts.add(path.substring(i, slash));
      i = slash + 1;
    }
  }

  @Override
  public String toString() {
    return any ? "*" : source;
  }
}
