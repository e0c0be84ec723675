package org.ssekit.postgres;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with jitter. Confined to one thread. */
final class Backoff {

  private final long minMillis;
  private final long maxMillis;
  private long current;

  Backoff(Duration min, Duration max) {
    this.minMillis = Math.max(1, min.toMillis());
    this.maxMillis = Math.max(minMillis, max.toMillis());
    this.current = minMillis;
  }

  /** The next delay: the current one with up to 20% jitter; doubles the current one up to the cap. */
  long nextMillis() {
    long d = current;
    current = Math.min(maxMillis, current * 2);
    return d + ThreadLocalRandom.current().nextLong(d / 5 + 1);
  }

  void reset() {
    current = minMillis;
  }
}
