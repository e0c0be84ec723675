package org.ssekit.internal.transport;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps on open streams: one for the whole transport (a router, a handler) and one per client address. Thread-safe and
 * lock-free apart from the per-address map's own bin locks.
 */
public final class StreamLimits {

  private final int max;
  private final int maxPerClient;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();

  /**
   * @param max streams open at once in all
   * @param maxPerClient streams open at once per client address ({@link Integer#MAX_VALUE}: no cap)
   */
  public StreamLimits(int max, int maxPerClient) {
    this.max = max;
    this.maxPerClient = maxPerClient;
  }

  /** Takes a slot for {@code client}; false (and nothing taken) when a cap is reached. */
  public boolean tryAcquire(String client) {
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
  public void release(String client) {
    total.decrementAndGet();
    if (maxPerClient != Integer.MAX_VALUE) {
      perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** Streams currently holding a slot. */
  public int open() {
    return total.get();
  }
}
