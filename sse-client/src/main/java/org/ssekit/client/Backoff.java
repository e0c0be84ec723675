package org.ssekit.client;

import java.util.function.DoubleSupplier;

/**
 * The reconnect delay policy: capped exponential backoff with additive jitter, floored by the
 * reconnection time.
 *
 * <p>For the {@code n}-th consecutive failure ({@code n = 0} after a stable connection) with
 * reconnection time {@code base} (the server's {@code retry}, or the configured initial delay) and
 * cap {@code c = max(maxDelay, base)}: {@code d = min(base * 2^n, c)}, and the wait is {@code
 * min(d + d * jitter * r, c)} with {@code r} uniform in [0, 1). So the wait is never below the
 * server's {@code retry} and never above the cap (or above {@code retry} when that is larger).
 */
final class Backoff {

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
    long cap = Math.max(maxMillis, baseMillis);
    long d;
    if (baseMillis == 0) {
      d = 0;
    } else if (failures >= Long.numberOfLeadingZeros(baseMillis)) {
      d = cap; // base * 2^failures would overflow
    } else {
      d = Math.min(baseMillis << failures, cap);
    }
    double r = random.getAsDouble();
    if (!(r >= 0 && r < 1)) {
      r = 0;
    }
    long jittered = d + (long) (d * jitter * r);
    return Math.min(jittered, cap);
  }
}
