package org.ssekit.servlet;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs woken {@link StreamWriter}s on container threads, at most {@code max} at a time.
 *
 * <p>A heartbeat or a broadcast wakes every stream at once; handing each wake-up to the
 * container as its own task would grow the container's pool to its maximum on every tick. Instead
 * woken writers wait in one queue and up to {@code max} container tasks (started with {@code
 * AsyncContext.start} of a queued writer) drain it. Writes stay non-blocking, so a task never waits
 * on a slow client: a writer whose socket is full returns and is resumed by its {@code
 * onWritePossible}.
 *
 * <p>Thread-safe and lock-free. No writer is left behind: a submitter enqueues before it checks the
 * number of running tasks, and a task decrements that number before it re-checks the queue.
 */
final class WriteDispatcher {

  private static final Logger log = LoggerFactory.getLogger(WriteDispatcher.class);

  private final ConcurrentLinkedQueue<StreamWriter> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final int max;
  private final BufferPool buffers;

  WriteDispatcher(int max) {
    this.max = max;
    // enough idle buffers for every write task and container callback to have one at hand
    this.buffers = new BufferPool(StreamWriter.BATCH_BYTES, Math.max(64, 16 * max));
  }

  /** The batch buffers of this router's writers. */
  BufferPool buffers() {
    return buffers;
  }

  /** Queues {@code w}, which its caller just took ownership of, and makes sure a task runs. */
  void submit(StreamWriter w) {
    ready.add(w);
    kick();
  }

  private void kick() {
    while (true) {
      int r = running.get();
      if (r >= max) {
        return;
      }
      StreamWriter carrier = ready.peek();
      if (carrier == null) {
        return;
      }
      if (running.compareAndSet(r, r + 1)) {
        if (!carrier.runOnContainer(this::run)) {
          // the container refused (stopping, or that response ended): drain here instead; the
          // writes are non-blocking, so this cannot stall the calling thread for long
          run();
        }
        return;
      }
    }
  }

  private void run() {
    try {
      StreamWriter w;
      while ((w = ready.poll()) != null) {
        try {
          w.drain();
        } catch (RuntimeException e) {
          log.warn("a stream writer failed", e);
        }
      }
    } finally {
      running.decrementAndGet();
    }
    if (!ready.isEmpty()) {
      kick();
    }
  }
}
