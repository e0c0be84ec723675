package org.ssekit.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChecksTest {

  @Test
  void positiveDurationsPassAndOthersNameTheOption() {
    assertThat(Checks.positive(Duration.ofMillis(1), "timeout")).isEqualTo(Duration.ofMillis(1));
    assertThatThrownBy(() -> Checks.positive(Duration.ZERO, "timeout"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be at least 1 ms: PT0S");
    assertThatThrownBy(() -> Checks.positive(Duration.ofMillis(-1), "timeout"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Checks.positive(Duration.ofNanos(999_999), "timeout"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Checks.positive(null, "timeout"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
  }

  @Test
  void backoffPairsNeedInitialAtMostMax() {
    Checks.backoff(Duration.ofMillis(5), Duration.ofMillis(5));
    assertThatThrownBy(() -> Checks.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial PT2S, max PT1S");
    assertThatThrownBy(() -> Checks.backoff(Duration.ofSeconds(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reconnectBackoff max");
  }

  @Test
  void historyNeedsAMessageAndAnAge() {
    Checks.history(1, Duration.ofMillis(1));
    assertThatThrownBy(() -> Checks.history(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("history maxEvents must be positive: 0");
    assertThatThrownBy(() -> Checks.history(10, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("history maxAge");
  }

  @Test
  void readAfterArgumentsAreChecked() {
    Checks.readAfter("t", "1", 0);
    assertThatThrownBy(() -> Checks.readAfter(null, "1", 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Checks.readAfter("t", null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Checks.readAfter("t", "1", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must not be negative: -1");
  }

  @Test
  void nanosSaturate() {
    assertThat(Checks.nanos(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
    assertThat(Checks.nanos(Duration.ofMillis(3))).isEqualTo(3_000_000L);
  }
}
