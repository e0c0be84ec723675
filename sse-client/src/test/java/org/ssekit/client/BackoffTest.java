package org.ssekit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheBaseUpToTheCapWithoutJitter() {
    Backoff b = new Backoff(30_000, 0, () -> 0.7);
    assertThat(b.delayMillis(1000, 0)).isEqualTo(1000);
    assertThat(b.delayMillis(1000, 1)).isEqualTo(2000);
    assertThat(b.delayMillis(1000, 4)).isEqualTo(16_000);
    assertThat(b.delayMillis(1000, 5)).isEqualTo(30_000);
    assertThat(b.delayMillis(1000, 1000)).isEqualTo(30_000);
  }

  @Test
  void jitterAddsUpToItsShareAndNeverExceedsTheCap() {
    Backoff b = new Backoff(10_000, 0.5, () -> 0.5);
    assertThat(b.delayMillis(1000, 0)).isEqualTo(1250);
    assertThat(b.delayMillis(1000, 3)).isEqualTo(10_000); // 8000 * 1.25 capped
    Backoff max = new Backoff(10_000, 1, () -> 0.999_999);
    for (int n = 0; n < 70; n++) {
      long d = max.delayMillis(700, n);
      assertThat(d).isBetween(700L, 10_000L);
    }
  }

  @Test
  void aServerRetryAboveTheCapRaisesTheCap() {
    Backoff b = new Backoff(5_000, 0.5, () -> 0.9);
    assertThat(b.delayMillis(60_000, 0)).isEqualTo(60_000);
    assertThat(b.delayMillis(60_000, 3)).isEqualTo(60_000);
  }

  @Test
  void aZeroBaseIsRaisedToTheFloorAndStillDoubles() {
    Backoff b = new Backoff(5_000, 0, () -> 0.9);
    assertThat(b.delayMillis(0, 0)).isEqualTo(Backoff.MIN_DELAY_MILLIS);
    assertThat(b.delayMillis(0, 1)).isEqualTo(2 * Backoff.MIN_DELAY_MILLIS);
    assertThat(b.delayMillis(0, 3)).isEqualTo(8 * Backoff.MIN_DELAY_MILLIS);
    assertThat(b.delayMillis(0, 100)).isEqualTo(5_000);
    assertThat(b.delayMillis(1, 0)).isEqualTo(Backoff.MIN_DELAY_MILLIS);
  }

  @Test
  void aCapBelowTheFloorWaitsTheFloor() {
    Backoff b = new Backoff(0, 0.5, () -> 0.9);
    assertThat(b.delayMillis(0, 0)).isEqualTo(Backoff.MIN_DELAY_MILLIS);
    assertThat(b.delayMillis(0, 20)).isEqualTo(Backoff.MIN_DELAY_MILLIS);
  }

  @Test
  void survivesHugeBasesAndFailureCounts() {
    Backoff b = new Backoff(Long.MAX_VALUE, 0, () -> 0);
    assertThat(b.delayMillis(Long.MAX_VALUE / 2, 5)).isEqualTo(Long.MAX_VALUE);
    // (a base below the floor is raised to it first; 128 ms is above it)
    assertThat(b.delayMillis(128, 55)).isEqualTo(128L << 55);
    assertThat(b.delayMillis(128, 56)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aRandomSourceOutOfRangeIsTreatedAsZero() {
    assertThat(new Backoff(10_000, 1, () -> 7).delayMillis(100, 0)).isEqualTo(100);
    assertThat(new Backoff(10_000, 1, () -> Double.NaN).delayMillis(100, 0)).isEqualTo(100);
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> new Backoff(-1, 0, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(1, 2, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(1, 0, () -> 0).delayMillis(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
