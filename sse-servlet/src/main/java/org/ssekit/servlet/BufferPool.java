package org.ssekit.servlet;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Batch buffers shared by the writers of one router. A writer borrows one while it has several
 * events to coalesce and gives it back once the container has taken the bytes, so an idle stream
 * holds no buffer: 10,000 streams that once had a burst do not keep 10,000 × 8 KiB alive.
 *
 * <p>At most {@code max} idle buffers are kept; beyond that, returned buffers are left to the
 * garbage collector. Thread-safe and lock-free.
 */
final class BufferPool {

  private final ConcurrentLinkedQueue<byte[]> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final int size;
  private final int max;

  BufferPool(int size, int max) {
    this.size = size;
    this.max = max;
  }

  /** A buffer of {@code size} bytes, pooled or new. */
  byte[] acquire() {
    byte[] b = idle.poll();
    if (b == null) {
      return new byte[size];
    }
    count.decrementAndGet();
    return b;
  }

  /** Gives {@code b} back; the caller must not touch it afterwards. */
  void release(byte @Nullable [] b) {
    if (b == null || b.length != size) {
      return;
    }
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      return;
    }
    idle.offer(b);
  }

  /** Idle buffers currently kept. */
  int idle() {
    return Math.max(0, count.get());
  }
}
