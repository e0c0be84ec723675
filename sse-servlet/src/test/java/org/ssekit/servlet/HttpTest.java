package org.ssekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

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
}
