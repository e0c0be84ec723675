package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpTest {

  @Test
  void onlyAnExplicitEventStreamMediaRangeOpensAStream() {
    assertThat(Http.acceptsEventStream(List.of("text/event-stream"))).isTrue();
    assertThat(Http.acceptsEventStream(List.of("application/json, Text/Event-Stream;q=0.5"))).isTrue();
    assertThat(Http.acceptsEventStream(List.of("text/html", "text/event-stream"))).isTrue();
  }

  @Test
  void wildcardsAndZeroQualityGetThePlainResponse() {
    assertThat(Http.acceptsEventStream(List.of())).isFalse();
    assertThat(Http.acceptsEventStream(List.of("*/*"))).isFalse();
    assertThat(Http.acceptsEventStream(List.of("text/*"))).isFalse();
    assertThat(Http.acceptsEventStream(List.of("text/event-stream;q=0"))).isFalse();
    assertThat(Http.acceptsEventStream(List.of("application/json"))).isFalse();
  }

  @Test
  void parsesEachMediaRangeOfAValueInPlace() {
    assertThat(Http.acceptsEventStream(" text/event-stream ")).isTrue();
    assertThat(Http.acceptsEventStream("text/html;level=1, TEXT/EVENT-STREAM ; q=0.9")).isTrue();
    assertThat(Http.acceptsEventStream("text/event-stream;q=0, text/event-stream")).isTrue();
    assertThat(Http.acceptsEventStream("text/event-stream;q=0.0;x=y")).isFalse();
    assertThat(Http.acceptsEventStream("text/event-stream;q=oops")).isTrue();
    assertThat(Http.acceptsEventStream("text/event-streams")).isFalse();
    assertThat(Http.acceptsEventStream("application/text/event-stream")).isFalse();
    assertThat(Http.acceptsEventStream("text/html;a=text/event-stream")).isFalse();
    assertThat(Http.acceptsEventStream(",,")).isFalse();
    assertThat(Http.acceptsEventStream("")).isFalse();
    assertThat(Http.acceptsEventStream("text/event-stream,")).isTrue();
  }

  @Test
  void jsonIsTheExactMediaTypeInUtf8() {
    assertThat(Http.isJson("application/json")).isTrue();
    assertThat(Http.isJson("Application/JSON ; charset=UTF-8")).isTrue();
    assertThat(Http.isJson("application/json;charset=\"utf-8\"")).isTrue();
    assertThat(Http.isJson("application/jsonp-evil")).isFalse();
    assertThat(Http.isJson("application/json-patch+json")).isFalse();
    assertThat(Http.isJson("application/json; charset=iso-8859-1")).isFalse();
    assertThat(Http.isJson("text/json")).isFalse();
    assertThat(Http.isJson(null)).isFalse();
  }

  @Test
  void topicsHaveALengthLimitAndNoControlCharacters() {
    Http.checkTopic("a");
    Http.checkTopic("api.orders-\uD83D\uDE00 é");
    Http.checkTopic("x".repeat(Http.MAX_TOPIC_LENGTH));
    assertThatThrownBy(() -> Http.checkTopic("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Http.checkTopic("x".repeat(7000))).hasMessageContaining("7000 characters; at most 200");
    assertThatThrownBy(() -> Http.checkTopic("a\nb")).hasMessageContaining("control character at 1");
    assertThatThrownBy(() -> Http.checkTopic("a\u0085")).hasMessageContaining("control character");
    assertThatThrownBy(() -> Http.checkTopic("a\uD800b")).hasMessageContaining("unpaired surrogate at 1");
  }
}
