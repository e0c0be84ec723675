package org.ssekit.mercure;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A topic selector (the released protocol) or topic matcher (the draft): decides whether a topic
 * matches. Immutable and thread-safe; {@link #matches} costs time linear in the topic's length.
 */
final class Selector {

  /** Matcher type names as the draft spells them, and the released protocol's own. */
  static final String EXACT = "exact";

  static final String URL_PATTERN = "urlpattern";
  static final String TEMPLATE = "template";
  static final String WILDCARD = "*";

  private final String raw;
  private final String type;
  private final @Nullable Nfa nfa;
  private final @Nullable String origin; // URL patterns: what relative topics resolve against

  private Selector(String raw, String type, @Nullable Nfa nfa, @Nullable String origin) {
    this.raw = raw;
    this.type = type;
    this.nfa = nfa;
    this.origin = origin;
  }

  /**
   * A selector of the released protocol: {@code *}, else the string itself and, if it is a valid
   * RFC 6570 URI Template, every string the template matches.
   */
  static Selector released(String raw) {
    if (raw.equals(WILDCARD)) {
      return new Selector(raw, TEMPLATE, null, null);
    }
    Nfa nfa = UriTemplates.looksLikeTemplate(raw) ? UriTemplates.compile(raw) : null;
    return new Selector(raw, nfa == null ? EXACT : TEMPLATE, nfa, null);
  }

  /** An {@code exact} matcher of the draft ({@code *} matches every topic). */
  static Selector exact(String raw) {
    return new Selector(raw, EXACT, null, null);
  }

  /**
   * A {@code urlpattern} matcher of the draft.
   *
   * @throws IllegalArgumentException if the pattern is malformed or uses an unsupported feature
   */
  static Selector urlPattern(String raw, String origin) {
    if (raw.equals(WILDCARD)) {
      return new Selector(raw, URL_PATTERN, null, null);
    }
    return new Selector(raw, URL_PATTERN, UrlPatterns.compile(raw, origin), origin);
  }

  /** The selector as given. */
  String raw() {
    return raw;
  }

  /** {@value #EXACT}, {@value #URL_PATTERN} or {@value #TEMPLATE}. */
  String type() {
    return type;
  }

  /** Whether {@code topic} matches. */
  boolean matches(String topic) {
    if (raw.equals(WILDCARD) || raw.equals(topic)) {
      return true;
    }
    if (nfa == null) {
      return false;
    }
    if (origin != null) {
      String resolved = UrlPatterns.resolve(topic, origin);
      return resolved != null && nfa.matches(resolved);
    }
    return nfa.matches(topic);
  }

  /** Whether any of {@code topics} matches. */
  boolean matchesAny(List<String> topics) {
    for (String t : topics) {
      if (matches(t)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any selector of {@code selectors} matches any of {@code topics}. */
  static boolean anyMatches(List<Selector> selectors, List<String> topics) {
    for (Selector s : selectors) {
      if (s.matchesAny(topics)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return type + ":" + raw;
  }
}
