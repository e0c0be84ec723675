package org.ssekit.servlet;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps on open streams: one for the whole router and one per client address. Thread-safe and
 * lock-free apart from the per-address map's own bin locks.
 */
final class Limits {

  private final int max;
  private final int maxPerClient;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();

  Limits(int max, int maxPerClient) {
    this.max = max;
    this.maxPerClient = maxPerClient;
  }

  /** Takes a slot for {@code client}; false (and nothing taken) when a cap is reached. */
  boolean tryAcquire(String client) {
    if (total.incrementAndGet() > max) {
      total.decrementAndGet();
      return false;
    }
    if (maxPerClient == Integer.MAX_VALUE) {
      return true;
    }
    boolean[] ok = {false};
    perClient.compute(
        client,
        (k, n) -> {
          int c = n == null ? 0 : n;
          if (c >= maxPerClient) {
            return n;
          }
          ok[0] = true;
          return c + 1;
        });
    if (!ok[0]) {
      total.decrementAndGet();
    }
    return ok[0];
  }

  /** Gives back a slot taken by {@link #tryAcquire}. */
  void release(String client) {
    total.decrementAndGet();
    if (maxPerClient != Integer.MAX_VALUE) {
      perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** Streams currently holding a slot. */
  int open() {
    return total.get();
  }
}
