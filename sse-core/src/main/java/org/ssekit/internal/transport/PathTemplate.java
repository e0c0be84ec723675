package org.ssekit.internal.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.ssekit.StreamRequest;

/**
 * A path template such as {@code /posts/{id}/stats}: literal segments and {@code {name}} segments
 * that match one non-empty path segment each. Immutable and thread-safe.
 */
public final class PathTemplate {

  /** The template that matches every path and defines no parameter. */
  public static final PathTemplate ANY = new PathTemplate("", List.of(), true);

  private static final String[] NO_PAIRS = new String[0];

  private final String source;
  /** Literal segments as they are; parameters as {@code {name}}. */
  private final List<String> segments;
  private final boolean any;
  /** The parameter names, in order. */
  private final String[] names;

  private PathTemplate(String source, List<String> segments, boolean any) {
    this.source = source;
    this.segments = segments;
    this.any = any;
    this.names = parameters().toArray(new String[0]);
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException if it does not start with {@code /}, a parameter is empty,
   *     malformed or repeated
   */
  public static PathTemplate parse(String template) {
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
  public Set<String> parameters() {
    Set<String> names = new LinkedHashSet<>();
    for (String s : segments) {
      if (isParam(s)) {
        names.add(s.substring(1, s.length() - 1));
      }
    }
    return names;
  }

  /** The parameters of {@code path}, or empty if it does not match. */
  public Optional<Map<String, String>> match(String path) {
    String[] pairs = matchPairs(path);
    if (pairs == null) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      params.put(pairs[i], pairs[i + 1]);
    }
    return Optional.of(params);
  }

  /**
   * The parameters of {@code path} as name/value pairs in template order (an empty array when the
   * template has none), or null if it does not match. Allocates only the array and the values: it
   * runs on every request.
   */
  public String @Nullable [] matchPairs(String path) {
    if (any) {
      return NO_PAIRS;
    }
    int n = segments.size();
    String[] pairs = names.length == 0 ? NO_PAIRS : new String[2 * names.length];
    int pos = path.startsWith("/") ? 1 : 0;
    if (pos >= path.length()) {
      return n == 0 ? pairs : null; // "/" and "" have no segment at all
    }
    int p = 0;
    for (int i = 0; i < n; i++) {
      if (pos < 0) {
        return null; // fewer segments than the template
      }
      int slash = path.indexOf('/', pos);
      int end = slash < 0 ? path.length() : slash;
      String seg = segments.get(i);
      if (isParam(seg)) {
        if (end == pos) {
          return null;
        }
        pairs[p] = names[p / 2];
        pairs[p + 1] = path.substring(pos, end);
        p += 2;
      } else if (seg.length() != end - pos || !path.regionMatches(pos, seg, 0, seg.length())) {
        return null;
      }
      pos = slash < 0 ? -1 : slash + 1;
    }
    return pos < 0 ? pairs : null; // more segments (or a trailing '/') than the template
  }

  /** Replaces each {@code {name}} in {@code pattern} with its parameter value. */
  public static String expand(String pattern, Map<String, String> params) {
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

  /**
   * {@code pattern} compiled once into a function of a request, equal to {@link #expand} on the
   * request's path parameters but without building their map on every request.
   */
  public static Function<StreamRequest, String> compileTopic(String pattern) {
    List<String> literals = new ArrayList<>();
    List<String> params = new ArrayList<>();
    int i = 0;
    while (true) {
      int open = pattern.indexOf('{', i);
      int close = open < 0 ? -1 : pattern.indexOf('}', open);
      if (close < 0) {
        literals.add(pattern.substring(i));
        break;
      }
      literals.add(pattern.substring(i, open));
      params.add(pattern.substring(open + 1, close));
      i = close + 1;
    }
    if (params.isEmpty()) {
      return r -> pattern;
    }
    String[] lit = literals.toArray(new String[0]);
    String[] names = params.toArray(new String[0]);
    if (names.length == 1 && lit[0].isEmpty() && lit[1].isEmpty()) {
      String name = names[0];
      return r -> param(r, name); // "{topic}": the parameter itself, no copy
    }
    return r -> {
      StringBuilder sb = new StringBuilder(pattern.length() + 16).append(lit[0]);
      for (int k = 0; k < names.length; k++) {
        sb.append(param(r, names[k])).append(lit[k + 1]);
      }
      return sb.toString();
    };
  }

  private static String param(StreamRequest r, String name) {
    return r.pathParam(name).orElseThrow(() -> new IllegalArgumentException("no path parameter " + name));
  }

  /**
   * Checks that {@code topicPattern} names only placeholders this template defines.
   *
   * @throws IllegalArgumentException naming the placeholders it does not define
   */
  public void checkTopic(String topicPattern) {
    Set<String> missing = new LinkedHashSet<>(placeholders(topicPattern));
    missing.removeAll(parameters());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "topic " + topicPattern + " uses " + missing + " which path template " + this + " does not define");
    }
  }

  /** The parameter names {@code {name}} used in {@code pattern}. */
  public static Set<String> placeholders(String pattern) {
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
