package org.ssekit.mercure;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.uritemplate.ExpandOptions;
import io.vertx.uritemplate.UriTemplate;
import io.vertx.uritemplate.Variables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The URI Template matcher against an RFC 6570 expander (Vert.x's) as the oracle: whatever a
 * template expands to, with strings, lists or maps, empty or undefined, must match it.
 */
class UriTemplateMatcherTest {

  private static final ExpandOptions ALLOW_MISSING = new ExpandOptions().setAllowVariableMiss(true);

  /** A template and values for its variables. */
  record Case(String template, Map<String, Object> values) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> literal =
        Arbitraries.strings().withChars("abcxyz0189-._~/:?#[]@!$&()*+,;=").ofMinLength(0).ofMaxLength(6);
    Arbitrary<String> op = Arbitraries.of("", "+", "#", ".", "/", ";", "?", "&");
    Arbitrary<String> modifier = Arbitraries.of("", "", "*", ":3");
    Arbitrary<String> expression =
        Combinators.combine(op, Arbitraries.integers().between(1, 3), modifier)
            .as((o, n, m) -> {
              StringBuilder b = new StringBuilder("{").append(o);
              for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ",").append("v").append(i).append(m);
              }
              return b.append('}').toString();
            });
    Arbitrary<String> template =
        Combinators.combine(literal, expression, literal, expression.injectNull(0.5), literal)
            .as((a, e1, b, e2, c) -> a + e1 + b + (e2 == null ? "" : e2) + c);
    Arbitrary<String> text = Arbitraries.strings().withChars("aZ09 %/?#=,&é€\u00e7-_.~:").ofMaxLength(8);
    Arbitrary<Object> value =
        Arbitraries.oneOf(
            text.map(s -> (Object) s),
            text.list().ofMaxSize(3).map(l -> (Object) l),
            Arbitraries.maps(Arbitraries.strings().withChars("abk19").ofMinLength(1).ofMaxLength(3), text)
                .ofMaxSize(3)
                .map(m -> (Object) m),
            Arbitraries.just((Object) "__undefined__"));
    Arbitrary<Map<String, Object>> values =
        value.list().ofSize(3).map(l -> {
          Map<String, Object> m = new LinkedHashMap<>();
          for (int i = 0; i < l.size(); i++) {
            if (!"__undefined__".equals(l.get(i))) {
              m.put("v" + i, l.get(i));
            }
          }
          return m;
        });
    return Combinators.combine(template, values).as(Case::new);
  }

  @Property(tries = 2000)
  @SuppressWarnings("unchecked")
  void everyExpansionMatchesItsTemplate(@ForAll("cases") Case c) {
    Variables vars = Variables.variables();
    c.values().forEach((k, v) -> {
      if (v instanceof String s) {
        vars.set(k, s);
      } else if (v instanceof List<?> l) {
        vars.set(k, (List<String>) l);
      } else {
        vars.set(k, (Map<String, String>) v);
      }
    });
    String expanded;
    try {
      expanded = UriTemplate.of(c.template()).expandToString(vars, ALLOW_MISSING);
    } catch (RuntimeException e) {
      return; // the oracle refuses this combination (e.g. a prefix modifier on a list)
    }
    Nfa nfa = UriTemplates.compile(c.template());
    assertThat(nfa).as("template %s", c.template()).isNotNull();
    assertThat(nfa.matches(expanded)).as("%s expanded to %s with %s", c.template(), expanded, c.values()).isTrue();
  }

  @Property(tries = 500)
  void aLiteralPrefixIsNeverSkipped(@ForAll("cases") Case c) {
    Nfa nfa = UriTemplates.compile("https://example.com/books/{id}");
    assertThat(nfa).isNotNull();
    String probe = "https://example.com/movies/" + c.template().length();
    assertThat(nfa.matches(probe)).isFalse();
  }

  @Test
  void matchesOnlyWhatTheTemplateCanExpandTo() {
    Selector s = Selector.released("https://example.com/books/{id}");
    assertThat(s.matches("https://example.com/books/1")).isTrue();
    assertThat(s.matches("https://example.com/books/")).isTrue(); // {id} may expand to ""
    assertThat(s.matches("https://example.com/books/1/reviews")).isFalse(); // '/' is reserved
    assertThat(s.matches("https://example.com/books/a%2Fb")).isTrue();
    assertThat(s.matches("https://example.org/books/1")).isFalse();
    Selector reserved = Selector.released("https://example.com/{+path}");
    assertThat(reserved.matches("https://example.com/a/b/c?d=e#f")).isTrue();
    Selector query = Selector.released("https://example.com/users/foo/{?topic}");
    assertThat(query.matches("https://example.com/users/foo/?topic=https%3A%2F%2Fexample.com%2Fbooks%2F1")).isTrue();
    assertThat(query.matches("https://example.com/users/bar/?topic=x")).isFalse();
  }

  @Test
  void theWildcardAndTheSelectorItselfMatch() {
    assertThat(Selector.released("*").matches("anything at all")).isTrue();
    Selector t = Selector.released("https://example.com/{id}");
    assertThat(t.matches("https://example.com/{id}")).isTrue(); // step 2: the same string
  }

  @Test
  void anInvalidTemplateIsAPlainString() {
    assertThat(UriTemplates.compile("https://example.net/foo/will-not-match}")).isNull();
    assertThat(UriTemplates.compile("a{b")).isNull();
    assertThat(UriTemplates.compile("{=x}")).isNull();
    assertThat(UriTemplates.compile("{x:0}")).isNull();
    assertThat(UriTemplates.compile("a b{x}")).isNull();
    Selector s = Selector.released("a{b");
    assertThat(s.type()).isEqualTo(Selector.EXACT);
    assertThat(s.matches("a{b")).isTrue();
    assertThat(s.matches("ab")).isFalse();
  }

  @Test
  void hostileInputCostsLinearTime() {
    // a backtracking regex for {+a}{+b}{+c}x takes exponential time on a long run of 'a' without
    // the final 'x'; the NFA visits each character once per state
    Nfa nfa = UriTemplates.compile("{+a}{+b}{+c}{+d}{+e}x");
    assertThat(nfa).isNotNull();
    String hostile = "a".repeat(200_000);
    long start = System.nanoTime();
    assertThat(nfa.matches(hostile)).isFalse();
    assertThat(nfa.matches(hostile + "x")).isTrue();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(millis).as("two matches of 200,000 characters").isLessThan(5_000);
    System.out.printf("URI Template NFA: two matches of 200,000 hostile characters in %d ms%n", millis);
  }

  @Test
  void urlPatternsMatchPathSegments() {
    String origin = "https://hub.example.com";
    Selector s = Selector.urlPattern("https://example.com/books/:id", origin);
    assertThat(s.matches("https://example.com/books/1")).isTrue();
    assertThat(s.matches("https://example.com/books/1/2")).isFalse();
    assertThat(s.matches("https://example.com/books/")).isFalse();
    Selector opt = Selector.urlPattern("/books/:id?", origin);
    assertThat(opt.matches("/books")).isTrue();
    assertThat(opt.matches("https://hub.example.com/books/7")).isTrue();
    assertThat(opt.matches("books/7")).isFalse();
    Selector star = Selector.urlPattern("https://example.com/users/42/*", origin);
    assertThat(star.matches("https://example.com/users/42/books/1")).isTrue();
    assertThat(star.matches("https://example.com/users/43/books/1")).isFalse();
    Selector group = Selector.urlPattern("https://example.com/{a/}+end", origin);
    assertThat(group.matches("https://example.com/a/a/end")).isTrue();
    assertThat(group.matches("https://example.com/end")).isFalse();
  }

  @Test
  void unsupportedOrMalformedUrlPatternsAreRefused() {
    List<String> bad = new ArrayList<>(List.of("https://e.com/(\\d+)", "https://e.com/:id(\\d+)", "https://e.com/{a{b}}", "https://e.com/{a", "https://e.com/}", "relative/path"));
    for (String p : bad) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Selector.urlPattern(p, "https://hub"))
          .as(p)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
