package org.ssekit.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

  @Test
  void attemptDelaysDoubleFromTheInitialWithAtMostAFifthOfJitter() {
    for (int attempt = 1; attempt <= 6; attempt++) {
      long base = 100L << (attempt - 1);
      for (int i = 0; i < 200; i++) {
        assertThat(backoff.delay(attempt).toMillis()).isBetween(base * 4 / 5, base);
      }
    }
  }

  @Test
  void delaysAreCappedAtTheMaximumForAnyAttempt() {
    for (int attempt : new int[] {7, 8, 20, 63, 64, 1_000, Integer.MAX_VALUE}) {
      assertThat(backoff.delay(attempt)).isLessThanOrEqualTo(Duration.ofSeconds(5));
      assertThat(backoff.delay(attempt)).isGreaterThanOrEqualTo(Duration.ofMillis(4_000));
    }
  }

  @Test
  void attemptsBelowOneCountAsTheFirst() {
    assertThat(backoff.delay(0).toMillis()).isBetween(80L, 100L);
    assertThat(backoff.delay(-5).toMillis()).isBetween(80L, 100L);
  }

  @Test
  void jitterSpreadsTheDelays() {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(backoff.delayNanos(3));
    }
    assertThat(seen).hasSizeGreaterThan(10);
  }

  @Test
  void nextGrowsPerFailureAndResetStartsOver() {
    Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50));
    assertThat(b.next().toMillis()).isBetween(8L, 10L);
    assertThat(b.next().toMillis()).isBetween(16L, 20L);
    assertThat(b.next().toMillis()).isBetween(32L, 40L);
    assertThat(b.next().toMillis()).isBetween(40L, 50L);
    assertThat(b.next().toMillis()).isBetween(40L, 50L);
    assertThat(b.failures()).isEqualTo(5);
    b.reset();
    assertThat(b.failures()).isZero();
    assertThat(b.nextMillis()).isBetween(8L, 10L);
  }

  @Test
  void aBackoffOfEqualBoundsWaitsTheSameBase() {
    Backoff b = new Backoff(Duration.ofMillis(30), Duration.ofMillis(30));
    for (int i = 0; i < 10; i++) {
      assertThat(b.next().toMillis()).isBetween(24L, 30L);
    }
  }

  @Test
  void refusesBoundsThatAreNotPositiveOrInverted() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reconnectBackoff initial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial <= max");
  }

  @Test
  void awaitReturnsAtOnceWhenStopped() {
    Backoff b = new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30));
    long start = System.nanoTime();
    assertThat(b.await(new Object(), () -> true)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void awaitIsCutShortByANotifyWhenTheStopConditionTurns() throws Exception {
    Backoff b = new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30));
    Object monitor = new Object();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CompletableFuture<Boolean> done =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> b.await(monitor, stop::get));
    stop.set(true);
    synchronized (monitor) {
      monitor.notifyAll();
    }
    assertThat(done.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }
}
