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
}
