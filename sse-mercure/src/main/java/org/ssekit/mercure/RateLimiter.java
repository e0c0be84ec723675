package org.ssekit.mercure;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code rate} requests per second on average, bursts of up to
 * {@code burst}. Thread-safe; each bucket is updated under its own tiny lock, never around I/O.
 * Idle buckets are dropped once the map grows past {@value #MAX_CLIENTS} entries.
 */
final class RateLimiter {

  private static final int MAX_CLIENTS = 100_000;

  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
    this.ratePerNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /** Takes one token of {@code client}'s bucket; false when it is empty. */
  boolean tryAcquire(String client) {
    long now = nanoTime.getAsLong();
    if (buckets.size() > MAX_CLIENTS) {
      buckets.values().removeIf(b -> b.full(now));
    }
    Bucket b = buckets.computeIfAbsent(client, k -> new Bucket(now));
    return b.take(now);
  }

  private final class Bucket {
    private double tokens = burst;
    private long last;

    Bucket(long now) {
      this.last = now;
    }

    synchronized boolean take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }

    synchronized boolean full(long now) {
      refill(now);
      return tokens >= burst;
    }

    private void refill(long now) {
      tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
      last = now;
    }
  }
}
