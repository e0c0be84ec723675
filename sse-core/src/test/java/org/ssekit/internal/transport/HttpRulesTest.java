package org.ssekit.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HttpRulesTest {

  @Test
  void parsesEachMediaRangeOfAValueInPlace() {
    assertThat(HttpRules.acceptsEventStream(" text/event-stream ")).isTrue();
    assertThat(HttpRules.acceptsEventStream("text/html;level=1, TEXT/EVENT-STREAM ; q=0.9")).isTrue();
    assertThat(HttpRules.acceptsEventStream("text/event-stream;q=0, text/event-stream")).isTrue();
    assertThat(HttpRules.acceptsEventStream("text/event-stream;q=0.0;x=y")).isFalse();
    assertThat(HttpRules.acceptsEventStream("text/event-stream;q=oops")).isTrue();
    assertThat(HttpRules.acceptsEventStream("text/event-streams")).isFalse();
    assertThat(HttpRules.acceptsEventStream("application/text/event-stream")).isFalse();
    assertThat(HttpRules.acceptsEventStream("text/html;a=text/event-stream")).isFalse();
    assertThat(HttpRules.acceptsEventStream(",,")).isFalse();
    assertThat(HttpRules.acceptsEventStream("")).isFalse();
    assertThat(HttpRules.acceptsEventStream("text/event-stream,")).isTrue();
  }

  @Test
  void topicsHaveALengthLimitAndNoControlCharacters() {
    HttpRules.checkTopic("a");
    HttpRules.checkTopic("api.orders-\uD83D\uDE00 é");
    HttpRules.checkTopic("x".repeat(HttpRules.MAX_TOPIC_LENGTH));
    assertThatThrownBy(() -> HttpRules.checkTopic("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> HttpRules.checkTopic("x".repeat(7000))).hasMessageContaining("7000 characters; at most 200");
    assertThatThrownBy(() -> HttpRules.checkTopic("a\nb")).hasMessageContaining("control character at 1");
    assertThatThrownBy(() -> HttpRules.checkTopic("a\u0085")).hasMessageContaining("control character");
    assertThatThrownBy(() -> HttpRules.checkTopic("a\uD800b")).hasMessageContaining("unpaired surrogate at 1");
  }

  @Test
  void aLastEventIdTooLongOrWithNulCrOrLfCountsAsNone() {
    assertThat(HttpRules.lastEventIdProblem("42", 256)).isNull();
    assertThat(HttpRules.lastEventIdProblem("x".repeat(256), 256)).isNull();
    assertThat(HttpRules.lastEventIdProblem("x".repeat(257), 256)).isEqualTo("longer than 256 characters");
    assertThat(HttpRules.lastEventIdProblem("4\n2", 256)).isEqualTo("containing NUL, CR or LF");
    assertThat(HttpRules.lastEventIdProblem("4\r", 256)).isEqualTo("containing NUL, CR or LF");
    assertThat(HttpRules.lastEventIdProblem("\0", 256)).isEqualTo("containing NUL, CR or LF");
  }
}
