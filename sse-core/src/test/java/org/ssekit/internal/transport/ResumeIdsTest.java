package org.ssekit.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ResumeIdsTest {

  private final ResumeIds ids = new ResumeIds(8, LoggerFactory.getLogger(ResumeIdsTest.class));

  @Test
  void theHeaderWinsOverTheQuery() {
    assertThat(ids.resolve("h-1", List.of("lastEventId", "q-1"), "c")).isEqualTo("h-1");
  }

  @Test
  void anEmptyOrMissingHeaderFallsBackToTheFirstQueryParameter() {
    List<String> query = List.of("topic", "a", "lastEventId", "q-1", "lastEventId", "q-2");
    assertThat(ids.resolve(null, query, "c")).isEqualTo("q-1");
    assertThat(ids.resolve("", query, "c")).isEqualTo("q-1");
  }

  @Test
  void emptyEverywhereIsNone() {
    assertThat(ids.resolve(null, List.of(), "c")).isNull();
    assertThat(ids.resolve("", List.of("lastEventId", ""), "c")).isNull();
  }

  @Test
  void refusedIdsCountAsNoneAndDoNotFallBackToTheQuery() {
    assertThat(ids.resolve("123456789", List.of("lastEventId", "ok"), "c")).isNull();
    assertThat(ids.resolve("a\nid: x", List.of(), "c")).isNull();
    assertThat(ids.resolve(null, List.of("lastEventId", "a\rb"), "c")).isNull();
    assertThat(ids.resolve(null, List.of("lastEventId", "a\0b"), "c")).isNull();
    assertThat(ids.resolve("12345678", List.of(), "c")).isEqualTo("12345678");
  }

  @Test
  void theLengthBoundMustBePositive() {
    assertThatThrownBy(() -> new ResumeIds(0, LoggerFactory.getLogger(ResumeIdsTest.class)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLength");
  }
}
