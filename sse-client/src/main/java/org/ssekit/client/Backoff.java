package org.ssekit.client;

import java.util.function.DoubleSupplier;

/**
 * The reconnect delay policy: capped exponential backoff with additive jitter, floored by the
 * reconnection time and by {@link #MIN_DELAY_MILLIS}.
 *
 * <p>For the {@code n}-th consecutive failure ({@code n = 0} after a stable connection) with
 * reconnection time {@code r} (the server's {@code retry}, or the configured initial delay), base
 * {@code b = max(r, MIN_DELAY_MILLIS)} and cap {@code c = max(maxDelay, b)}: {@code d = min(b *
 * 2^n, c)}, and the wait is {@code min(d + d * jitter * u, c)} with {@code u} uniform in [0, 1). So
 * the wait is never below the server's {@code retry} nor below the floor, never above the cap (or
 * above {@code retry} when that is larger), and it keeps growing with every failure even when the
 * server asks for {@code retry: 0}.
 */
final class Backoff {

  /**
   * The shortest wait before any reconnection, whatever {@code retry:} or the initial delay say: a
   * server cannot make clients reconnect in a busy loop. Firefox clamps {@code retry} to 500 ms,
   * Chromium does not clamp; the HTML standard leaves the reconnection time to the user agent and
   * allows extra backoff after failures. 100 ms keeps a fast first reconnection while the doubling
   * limits a failing loop to four attempts in its first second.
   */
  static final long MIN_DELAY_MILLIS = 100;

  private final long maxMillis;
  private final double jitter;
  private final DoubleSupplier random;

  Backoff(long maxMillis, double jitter, DoubleSupplier random) {
    if (maxMillis < 0) {
      throw new IllegalArgumentException("maxMillis must not be negative: " + maxMillis);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
    }
    this.maxMillis = maxMillis;
    this.jitter = jitter;
    this.random = random;
  }

  /** The wait in milliseconds before the attempt that follows {@code failures} failures. */
  long delayMillis(long baseMillis, int failures) {
    if (baseMillis < 0 || failures < 0) {
      throw new IllegalArgumentException("negative base or failures: " + baseMillis + ", " + failures);
    }
    long base = Math.max(baseMillis, MIN_DELAY_MILLIS);
    long cap = Math.max(maxMillis, base);
    long d;
    if (failures >= Long.numberOfLeadingZeros(base)) {
      d = cap; // base * 2^failures would overflow
    } else {
      d = Math.min(base << failures, cap);
    }
    double r = random.getAsDouble();
    if (!(r >= 0 && r < 1)) {
      r = 0;
    }
    long jittered = d + (long) (d * jitter * r);
    return Math.min(jittered, cap);
  }
}
