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
}
