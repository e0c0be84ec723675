package org.ssekit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamRequestTest {

  @Test
  void invalidLastEventIdFromTheClientMeansNone() {
    for (String bad : new String[] {"a\nb", "a\rb", "a\0b"}) {
      assertThat(StreamRequest.builder().lastEventId(bad).build().lastEventId()).isEmpty();
    }
    assertThat(StreamRequest.builder().lastEventId("ok-1").build().lastEventId()).contains("ok-1");
    assertThat(StreamRequest.builder().lastEventId("").build().lastEventId()).contains("");
  }

  @Test
  void headersAreCaseInsensitiveAndParametersKeepTheirOrder() {
    StreamRequest r =
        StreamRequest.builder()
            .path("/posts/7")
            .pathParam("id", "7")
            .header("X-Trace", "a")
            .header("x-trace", "b")
            .queryParam("q", "1")
            .queryParam("q", "2")
            .principal("alice")
            .remoteAddress("127.0.0.1")
            .build();
    assertThat(r.header("x-TRACE")).contains("a");
    assertThat(r.headers().get("x-trace")).containsExactly("a", "b");
    assertThat(r.queryParam("q")).contains("1");
    assertThat(r.queryParams().get("q")).containsExactly("1", "2");
    assertThat(r.pathParam("id")).contains("7");
    assertThat(r.principal()).contains("alice");
    assertThat(r.remoteAddress()).contains("127.0.0.1");
    StreamRequest copy = r.toBuilder().queryParam("q", "3").build();
    assertThat(copy.queryParams().get("q")).containsExactly("1", "2", "3");
    assertThat(r.queryParams().get("q")).containsExactly("1", "2");
  }
}
