package org.ssekit.internal.broker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter, the one reconnect schedule of every broker module.
 *
 * <p>Attempt {@code n} (from 1) waits a base of {@code initial * 2^(n-1)}, capped at {@code max},
 * minus a random jitter of up to a fifth of it: always in {@code [0.8 * base, base]}, so it never
 * exceeds {@code max} and instances that lost the same server do not retry in lock step.
 *
 * <p>Two forms: {@link #delay(int)} for callers that count attempts themselves (stateless,
 * thread-safe), and {@link #next()} / {@link #reset()} for a loop that keeps the count here
 * (confined to one thread).
 *
 * <p>Internal: not API (see the package description).
 */
public final class Backoff {

  private final long initialNanos;
  private final long maxNanos;
  private int failures; // the stateful form's attempt count; confined to its thread

  /**
   * A backoff from {@code initial} to {@code max}.
   *
   * @throws IllegalArgumentException unless {@code 0 < initial <= max}
   */
  public Backoff(Duration initial, Duration max) {
    Checks.backoff(initial, max);
    this.initialNanos = Checks.nanos(initial);
    this.maxNanos = Checks.nanos(max);
  }

  /** The first wait (before jitter). */
  public Duration initial() {
    return Duration.ofNanos(initialNanos);
  }

  /** The longest wait. */
  public Duration max() {
    return Duration.ofNanos(maxNanos);
  }

  /**
   * The wait before attempt {@code attempt} (from 1; smaller values count as 1). Stateless and
   * thread-safe.
   */
  public Duration delay(int attempt) {
    return Duration.ofNanos(delayNanos(attempt));
  }

  /** {@link #delay(int)} in nanoseconds. */
  public long delayNanos(int attempt) {
    int shift = Math.max(0, Math.min(62, attempt - 1));
    long base = initialNanos > (maxNanos >> shift) ? maxNanos : initialNanos << shift;
    return base - ThreadLocalRandom.current().nextLong(base / 5 + 1);
  }

  /** The wait after one more failure, counting it. Confined to one thread. */
  public Duration next() {
    return Duration.ofNanos(nextNanos());
  }

  /** {@link #next()} in nanoseconds. */
  public long nextNanos() {
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    return delayNanos(failures);
  }

  /** {@link #next()} in milliseconds, at least 1. */
  public long nextMillis() {
    return Math.max(1, nextNanos() / 1_000_000);
  }

  /** How many failures were counted since the last {@link #reset()}. */
  public int failures() {
    return failures;
  }

  /** Forgets the failures counted: the next wait is the initial one again. */
  public void reset() {
    failures = 0;
  }

  /**
   * Waits {@link #next()} on {@code monitor} (whose owner calls {@code notifyAll} to cut the wait
   * short) unless {@code stop} answers true; returns early when it does. Must not be called with
   * {@code monitor} held.
   *
   * @return false if the wait was interrupted (the interrupt flag is set again)
   */
  public boolean await(Object monitor, java.util.function.BooleanSupplier stop) {
    Objects.requireNonNull(monitor, "monitor");
    long deadline = System.nanoTime() + nextNanos();
    synchronized (monitor) {
      long left;
      while (!stop.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
        try {
          java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(monitor, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Backoff[" + initial() + " .. " + max() + "]";
  }
}
