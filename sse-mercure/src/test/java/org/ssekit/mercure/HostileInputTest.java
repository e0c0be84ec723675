package org.ssekit.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a client sends as a selector, topic, query or form body, parsing and matching either
 * succeed or fail with the one exception the servlet turns into a 4xx: never anything else (a
 * 500).
 */
class HostileInputTest {

  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("{}+#./;?&=,:*()%\\[]@!$'\"<>|^`~ aZ09é\u0000\r\n\u200b").ofMaxLength(40),
        Arbitraries.strings().ofMaxLength(40));
  }

  @Property(tries = 3000)
  void releasedSelectorsNeverThrow(@ForAll("hostile") String selector, @ForAll("hostile") String topic) {
    assertThatCode(() -> Selector.released(selector).matches(topic)).doesNotThrowAnyException();
  }

  @Property(tries = 3000)
  void urlPatternsThrowOnlyIllegalArgument(@ForAll("hostile") String pattern, @ForAll("hostile") String topic) {
    try {
      Selector s = Selector.urlPattern("https://e.com/" + pattern, "https://hub");
      s.matches(topic);
      s.matches("https://e.com/" + topic);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotEmpty();
    }
  }

  @Property(tries = 3000)
  void queriesThrowOnlyBadRequest(@ForAll("hostile") String raw) {
    try {
      Query q = Query.parse(raw);
      assertThat(q.size()).isNotNegative();
    } catch (BadRequestException expected) {
      assertThat(expected.status()).isEqualTo(400);
    }
  }

  @Property(tries = 1000)
  void updateValidationNamesAProblemOrNone(@ForAll("hostile") String topic, @ForAll("hostile") String id, @ForAll("hostile") String type) {
    String problem = DefaultMercureHub.problem(java.util.List.of(topic), id, type);
    if (problem == null) {
      assertThat(Strings.valid(id) && Strings.valid(topic) && Strings.valid(type)).isTrue();
      assertThat(id).doesNotContain("\n", "\r", "\u0000");
    }
  }
}
