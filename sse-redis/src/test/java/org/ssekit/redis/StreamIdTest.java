package org.ssekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StreamIdTest {

  @Test
  void parsesRedisEntryIds() {
    assertThat(StreamId.parse("1700000000000-7")).isEqualTo(new StreamId(1_700_000_000_000L, 7));
    assertThat(StreamId.parse("0-0")).isEqualTo(StreamId.ZERO);
    assertThat(StreamId.of("12-3")).hasToString("12-3");
  }

  @Test
  void rejectsWhatIsNotAnEntryId() {
    assertThat(StreamId.parse("")).isNull();
    assertThat(StreamId.parse("12")).isNull();
    assertThat(StreamId.parse("-3")).isNull();
    assertThat(StreamId.parse("12-")).isNull();
    assertThat(StreamId.parse("a-1")).isNull();
    assertThat(StreamId.parse("1-2-3")).isNull();
    assertThat(StreamId.parse("+1-2")).isNull();
    assertThat(StreamId.parse("99999999999999999999-1")).isNull();
    assertThat(StreamId.parse("run-17")).isNull();
    assertThatThrownBy(() -> StreamId.of("x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ordersLikeRedis() {
    assertThat(StreamId.of("5-10").isAfter(StreamId.of("5-9"))).isTrue();
    assertThat(StreamId.of("6-0").isAfter(StreamId.of("5-99"))).isTrue();
    assertThat(StreamId.of("10-0").isAfter(StreamId.of("9-0"))).isTrue(); // numeric, not lexical
    assertThat(StreamId.of("5-1").isAfter(StreamId.of("5-1"))).isFalse();
    assertThat(StreamId.of("5-1").compareTo(StreamId.of("5-1"))).isZero();
  }
}
