package org.ssekit.servlet;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Batch buffers shared by the writers of one router. A writer borrows one while it has several
 * events to coalesce and gives it back once the container has taken the bytes, so an idle stream
 * holds no buffer: 10,000 streams that once had a burst do not keep 10,000 × 8 KiB alive.
 *
 * <p>Each thread keeps the last buffer it gave back in a slot of its own and takes it again
 * first, so a writer thread that borrows and returns a buffer per batch touches no shared state
 * (writes and their completions mostly run on the same few threads). Beyond that slot, at most
 * {@code max} idle buffers are kept in a shared queue; further returned buffers are left to the
 * garbage collector. A thread's slot goes with the thread. Thread-safe and lock-free.
 */
final class BufferPool {

  private final ThreadLocal<byte @Nullable []> slot = new ThreadLocal<>();
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
    byte[] b = slot.get();
    if (b != null) {
      slot.set(null);
      return b;
    }
    b = idle.poll();
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
    if (slot.get() == null) {
      slot.set(b);
      return;
    }
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      return;
    }
    idle.offer(b);
  }

  /** Idle buffers currently kept in the shared queue (not counting the threads' own slots). */
  int idle() {
    return Math.max(0, count.get());
  }
}
